// DT-10: an unknown image gets 404; 400 is accepted and recorded (the vendor's error table uses it).
import { randomUUID } from 'node:crypto';
import { test, expect, covers, evidence } from '../fixtures/index.js';

test('a delete on an unknown image answers 404 (or the documented 400)', covers({ requirement: 'DT-10', id: '4c8d2e19-7a5b-4f3c-9d6e-1b0a2f101001' }), async ({ api, tags }) => {
  const del = await api.deleteTag(tags.stem(), { image: randomUUID() });
  if (del.status === 400) test.info().annotations.push({ type: 'observation', description: 'unknown image answered 400 (accepted: the vendor documents IMG.0027 as 400)' });
  expect([400, 404], evidence('DT-10', 'a delete on an image that does not exist must answer 404 (400 accepted)', del)).toContain(del.status);
});
