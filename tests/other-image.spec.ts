// DT-04: a delete on one image leaves the same key on another image, and that copy stays deletable. Both orders:
// a store that ignores the image id removes whichever row of the key came first.
import { test, expect, covers, blockedUnless, succeeded } from '../fixtures/index.js';

test('deleting a key leaves the same key on another image, whichever was created first', covers({ requirement: 'DT-04', id: '7d3a9e10-4b2c-4f0e-8a61-0c5d2f040410' }), async ({ tags, config, otherImage }) => {
  for (const [older, newer] of [[otherImage, config.imageId], [config.imageId, otherImage]] as const) {
    await test.step(`the key on ${older === otherImage ? 'the other image' : 'the main image'} created first`, async () => {
      const key = tags.stem();
      await tags.existing({ image: older, key, value: `older-${key}` });
      await tags.existing({ image: newer, key, value: `newer-${key}` });
      const del = await tags.delete(key, { image: newer }); // the model checks the copy on the other image
      blockedUnless(succeeded(del), 'the delete did not succeed, see DT-01', del);
      // A store that remembers deleted keys per key, not per image, refuses the other copy now.
      await expect(await tags.delete(key, { image: older })).toAnswer(204, `the copy of ${JSON.stringify(key)} on the other image must still be there to delete`);
    });
  }
});
