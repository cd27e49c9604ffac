// DT-04: requests that address no tag remove none. An empty key (`.../tags/`, `.../tags`) is not "all tags", and
// other methods on a tag's URI are not a delete: a router that sends them to the delete handler is a real bug.
// What they answer is recorded (DT-11 judges `.../tags/`, a request of the operation with an empty key).
import { test, covers, observe } from '../fixtures/index.js';

test('a delete with an empty key removes no tag', covers({ requirement: 'DT-04', id: '7d3a9e10-4b2c-4f0e-8a61-0c5d2f040420' }), async ({ tags, api }) => {
  await tags.existing();
  for (const withoutKeySegment of [false, true]) {
    const e = await tags.probe(() => api.deleteTag('', { withoutKeySegment }));
    observe(`${withoutKeySegment ? '.../tags' : '.../tags/'} answered ${e.status ?? e.error}`);
  }
});

test("other methods on a tag's URI remove nothing", covers({ requirement: 'DT-04', id: '7d3a9e10-4b2c-4f0e-8a61-0c5d2f040421' }), async ({ tags, api }) => {
  const tag = await tags.existing();
  for (const method of ['GET', 'HEAD', 'POST', 'PATCH', 'PUT'] as const) {
    const e = await tags.probe(() => api.otherMethod(method, tag.key), { key: tag.key });
    observe(`${method} on the tag's URI answered ${e.status ?? e.error}`);
  }
});
