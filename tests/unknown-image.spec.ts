// DT-10: an unknown image gets 404; 400 is accepted and recorded (the vendor's error table uses it).
import { randomUUID } from 'node:crypto';
import { test, expect, covers, observe } from '../fixtures/index.js';

test('a delete on an unknown image answers 404 (or the documented 400) and deletes nothing', covers({ requirement: 'DT-10', id: '4c8d2e19-7a5b-4f3c-9d6e-1b0a2f101001' }), async ({ tags }) => {
  const tag = await tags.existing(); // the same key on the real image must survive
  const del = await tags.delete(tag.key, { image: randomUUID(), refused: true });
  if (del.status === 400) observe('unknown image answered 400 (accepted: the vendor documents IMG.0027 as 400)');
  await expect(del).toAnswer([400, 404], 'a delete on an image that does not exist must answer 404 (400 accepted)');
});
