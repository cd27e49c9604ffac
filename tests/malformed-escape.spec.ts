// DT-16: a raw, malformed percent-escape in the key is the client's error: a 4xx, never a 5xx, and nothing deleted
// (a decoder that stops at the bad escape would address the tag named by what comes before it).
import { test, expect, covers } from '../fixtures/index.js';

test('a malformed percent-escape in the key gets a 4xx and deletes nothing', covers({ requirement: 'DT-16', id: '3e5f7a9b-1c2d-4e6f-8a0b-2c4d6e8f1601' }), async ({ tags }) => {
  const tag = await tags.existing();
  for (const escape of ['%zz', '%', '%e4%b8']) {
    const del = await tags.delete(`${tag.key}${escape}`, { raw: true });
    await expect.soft(del).toAnswer('4xx', `the key sent raw as ${JSON.stringify(`…${escape}`)} is not a valid percent-encoding: a 4xx, never a 5xx`);
  }
});
