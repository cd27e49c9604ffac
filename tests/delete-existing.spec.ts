// DT-01, DT-02, DT-03, DT-12: deleting a tag the image carries. Every delete is judged against the model of the
// image's tags by the `tags` fixture: after the 204 exactly that tag is gone and nothing else changed.
import { test, expect, covers, evidence, blockedUnless, succeeded } from '../fixtures/index.js';

test('deleting an existing tag answers 204', covers({ requirement: 'DT-01', id: '5b0c1f52-0d8e-4d0e-9d0b-7f7c4f1a2a01' }), async ({ tags }) => {
  const tag = await tags.existing();
  await expect(await tags.delete(tag.key)).toAnswer(204, 'deleting an existing tag must answer 204');
});

test('the 204 carries zero body bytes (raw socket)', covers({ requirement: 'DT-02', id: '5b0c1f52-0d8e-4d0e-9d0b-7f7c4f1a2a02' }), async ({ tags }) => {
  const tag = await tags.existing();
  const del = await tags.delete(tag.key, { raw: true });
  blockedUnless(del.status === 204, 'the delete did not answer 204, see DT-01', del);
  expect(del.bodyBytes, evidence('DT-02', `the 204 must carry no content, it carried ${del.bodyBytes} bytes`, del)).toBe(0);
});

test('after the 204 the tag is gone from the list, and stays gone', covers({ requirement: 'DT-03', id: '5b0c1f52-0d8e-4d0e-9d0b-7f7c4f1a2a03' }), async ({ tags }) => {
  const tag = await tags.existing();
  const del = await tags.delete(tag.key); // the fixture lists the image right after the answer
  blockedUnless(succeeded(del), 'the delete did not succeed, see DT-01', del);
  // A second look: a cache or a replica behind the list may still serve the deleted tag.
  const again = await tags.list(tag.image);
  expect(again.tags.has(tag.key), evidence('DT-03', `the list must no longer show ${JSON.stringify(tag.key)} after the delete answered ${del.status}`, del, again.exchange)).toBe(false);
});

test('the 204 has no Content-Length and no Content-Type', covers({ requirement: 'DT-12', id: '5b0c1f52-0d8e-4d0e-9d0b-7f7c4f1a2a12' }), async ({ tags }) => {
  const tag = await tags.existing();
  const del = await tags.delete(tag.key, { raw: true });
  blockedUnless(del.status === 204, 'the delete did not answer 204, see DT-01', del);
  const present = ['content-length', 'content-type'].filter((h) => del.responseHeaders?.[h] !== undefined);
  expect(present, evidence('DT-12', `a 204 should carry neither Content-Length nor Content-Type (RFC 9110 §8.6), it carried ${present.join(', ')}`, del)).toEqual([]);
});
