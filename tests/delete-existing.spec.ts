// DT-01, DT-02, DT-03, DT-12: deleting a tag the image carries.
import { test, expect, covers, evidence } from '../fixtures/index.js';
import { blockedUnless, succeeded } from '../fixtures/preconditions.js';

test('deleting an existing tag answers 204', covers({ requirement: 'DT-01', id: '5b0c1f52-0d8e-4d0e-9d0b-7f7c4f1a2a01' }), async ({ api, tags }) => {
  await tags.reserve(1);
  const { key } = await tags.mustCreate(tags.stem());
  const del = await api.deleteTag(key);
  if (del.status === 204) tags.deleted(key);
  expect(del.status, evidence('DT-01', 'deleting an existing tag must answer 204', del)).toBe(204);
});

test('the 204 carries zero body bytes (raw socket)', covers({ requirement: 'DT-02', id: '5b0c1f52-0d8e-4d0e-9d0b-7f7c4f1a2a02' }), async ({ api, tags }) => {
  await tags.reserve(1);
  const { key } = await tags.mustCreate(tags.stem());
  const del = await api.deleteTag(key, { raw: true });
  if (del.status === 204) tags.deleted(key);
  blockedUnless(del.status === 204, 'the delete did not answer 204, see DT-01', del);
  expect(del.bodyBytes, evidence('DT-02', `the 204 must carry no content, it carried ${del.bodyBytes} bytes`, del)).toBe(0);
});

test('after the 204 the tag is gone from the list', covers({ requirement: 'DT-03', id: '5b0c1f52-0d8e-4d0e-9d0b-7f7c4f1a2a03' }), async ({ api, tags }) => {
  await tags.reserve(1);
  const { key } = await tags.mustCreate(tags.stem());
  const del = await api.deleteTag(key);
  blockedUnless(succeeded(del), 'the delete did not succeed, see DT-01', del);
  const after = await api.listTags();
  if (!after.has(key)) tags.deleted(key);
  expect(after.has(key), evidence('DT-03', `the list must no longer show ${JSON.stringify(key)} after the delete answered ${del.status}`, del)).toBe(false);
});

test('the 204 has no Content-Length and no Content-Type', covers({ requirement: 'DT-12', id: '5b0c1f52-0d8e-4d0e-9d0b-7f7c4f1a2a12' }), async ({ api, tags }) => {
  await tags.reserve(1);
  const { key } = await tags.mustCreate(tags.stem());
  const del = await api.deleteTag(key, { raw: true });
  if (del.status === 204) tags.deleted(key);
  blockedUnless(del.status === 204, 'the delete did not answer 204, see DT-01', del);
  const present = ['content-length', 'content-type'].filter((h) => del.responseHeaders?.[h] !== undefined);
  expect(present, evidence('DT-12', `a 204 should carry neither Content-Length nor Content-Type (RFC 9110 §8.6), it carried ${present.join(', ')}`, del)).toEqual([]);
});
