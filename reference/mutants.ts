// Deliberate faults the reference target can be started with (--mutant NAME). Each is a realistic
// implementation mistake; the self-test proves the suite notices every one of them.

export const MUTANTS = {
  'delete-200-json': 'answers 200 with a JSON body instead of 204',
  'delete-204-with-body': 'the 204 carries a body (written to the socket directly)',
  'delete-204-content-length': 'the 204 carries Content-Length: 0',
  'idempotent-second-delete': 'a second delete of the same key answers 204',
  'missing-key-204': 'deleting a key that never existed answers 204',
  'reject-non-ascii-400': 'keys with non-ASCII characters get 400',
  'reject-long-key-400': 'keys longer than 36 characters get 400',
  'no-auth': 'no authentication check at all',
  'any-token': 'any non-empty token is accepted as the owner',
  'missing-token-403': 'a request without a token gets 403 instead of 401',
  'forbidden-401': 'the persona without permission gets 401 instead of 403',
  'forbidden-may-delete': 'the persona without permission may delete',
  'cross-project-delete': "the owner may delete through another project's path",
  'cross-project-404': "the owner in another project's path gets 404 (not 403)",
  'auth-after-delete': 'the permission check runs after the delete: the error is right but the tag is gone',
  'double-decode': 'the key is percent-decoded twice',
  'no-decode': 'the key is not decoded: matched in its encoded form',
  'plus-as-space': 'a + in the key is decoded as a space',
  'case-insensitive': 'keys are compared case-insensitively',
  'trim-keys': 'keys are trimmed before comparison',
  'nfc-normalise': 'keys are NFC-normalised before comparison',
  'prefix-delete': 'deleting a key also deletes the keys it prefixes',
  'delete-all-tags': 'delete removes every tag of the image',
  'delete-on-every-image': 'delete removes the key from every image of the project',
  'list-keeps-deleted': 'the list still shows a deleted tag',
  'non-atomic-delete': 'check-then-delete without atomicity: concurrent deletes both get 204',
  'html-errors': 'error bodies are HTML',
  'wrong-error-shape': 'error bodies are JSON of the wrong shape',
  'unknown-image-204': 'a delete on an unknown image answers 204',
  'percent-key-500': 'keys containing % get 500',
  'dot-segments-normalised': 'dot-segments in the path are resolved before routing',
  'collation-first-match': 'delete removes the first row matching under a case-, accent-, width- and trailing-space-insensitive collation (DELETE ... LIMIT 1)',
  'folding-twin-500': 'a delete of a key answers 500 and removes nothing while a twin under a case-, accent- and trailing-space-insensitive collation exists: both stay undeletable (OpenStack Glance on MariaDB, utf8mb3_general_ci)',
  'c-string-key': 'the key is cut at its first NUL before the lookup (a C string)',
  'nfkc-fold': 'keys are compared after Unicode compatibility folding (NFKC: fullwidth forms, ligatures, superscripts)',
  'truncate-255': 'keys are compared on their first 255 characters (an index prefix), the first match deleted',
  'delete-noop-non-ascii': 'answers 204 but removes nothing for keys with non-ASCII characters (another store answers)',
  'deleted-key-tombstone': 'remembers a deleted key for every image: deleting it on another image then answers 404',
  'empty-key-deletes-all': 'a DELETE of .../tags/ or .../tags removes every tag of the image',
  'any-method-deletes': "every method on a tag's URI is routed to the delete handler",
  'malformed-escape-500': 'a malformed percent-escape in the key makes the decoder throw: 500',
  'error-text-plain': 'error bodies are JSON but declared as text/plain',
  'delete-204-noop': 'answers 204 to every delete of an existing key but removes nothing',
  'lost-writes': "reads the image's whole tag set, changes it and writes it back: overlapping writes are lost (like OpenStack Glance)",
  'delete-then-503': 'commits the delete, then answers every other such delete with 503 (a gateway timing out after the write)',
  'no-project-scoping': "the service ignores which project owns the image: it trusts the path's project (ims) or finds any image by id (openstack)",
  'token-prefix-compare': 'tokens are compared on their first 16 characters (strncmp with a fixed length, a token cache keyed by a prefix)',
  'sdk-date-unchecked': 'the X-Sdk-Date of a signed request is never checked against the clock (a replay window of forever)',
  'image-any-project': "once the token's project matches the path's, the image is looked up in every project (BOLA through the owner's own path)",
  'delete-by-value': "a delete also removes every tag whose value equals the addressed tag's value (an ORM filter on the value column)",
  // State-dependent faults: only a sequence of requests shows them (the stateful exploration's to find).
  'readd-undeletable': 'soft delete: a key deleted and added again answers its next delete with 204 but stays (the delete hits the old tombstone row)',
  'negative-cache-404': 'a 404 is cached per image and key for 2 s and an add does not invalidate it: a key probed, then added, answers its delete with 404',
  'upsert-stale-index': 'adding a key the image already carries (a value update) leaves a stale index: the next delete of it answers 204 but removes nothing',
} as const;

export type MutantName = keyof typeof MUTANTS;

/** Faults only a signed request shows: the self-test points the suite at them with the owner signing (AK/SK). */
export const SIGNED_ONLY_MUTANTS: ReadonlySet<MutantName> = new Set<MutantName>(['sdk-date-unchecked']);

export function isMutantName(name: string): name is MutantName {
  return Object.hasOwn(MUTANTS, name);
}
