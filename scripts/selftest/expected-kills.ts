// The self-test's oracle: for each mutant of the reference target, the EXACT set of requirements a run against it
// fails (advisory ones included: they are the run's advisory warnings). A mutant that fails one more, or one fewer,
// is reported: a requirement failed beside the fault's own is collateral damage, a false failure of the suite.
// Measured with the default worker count (scripts/selftest.ts). Keyed by the reference target's mutant names, so the
// compiler rejects a mutant without an entry (or a misspelt one).
import type { MutantName } from '../../reference/mutants.js';

export interface ExpectedKill {
  /** Exactly the requirements the run fails; any other failed requirement is collateral damage. */
  requirements: string[];
  /** Exactly the requirements the run reports as error (none unless listed): the fault keeps their tests from judging. */
  errors?: string[];
  /** Breaks only advisory requirements: the run must report it and stay CONFORMANT. */
  advisory?: true;
  /** The fault always keeps the suite from removing its own tags: the run must name them and exit 3 (any other mutant may too). */
  leavesTags?: true;
  /**
   * A state-dependent fault only a sequence of requests shows: judged by the exploration's seed runs
   * (scripts/selftest/explore-seeds.ts: killed in at least 9 of 10 seeds), not by whole-suite runs.
   */
  explorationOnly?: true;
}

export const EXPECTED_KILLS: Record<MutantName, ExpectedKill> = {
  'delete-200-json': { requirements: ['DT-01', 'DT-11'] },
  'delete-204-with-body': { requirements: ['DT-02'] },
  'delete-204-content-length': { requirements: ['DT-12'], advisory: true },
  'idempotent-second-delete': { requirements: ['DT-05', 'DT-06'] },
  'missing-key-204': { requirements: ['DT-05', 'DT-06', 'DT-16'] },
  'reject-non-ascii-400': { requirements: ['DT-05', 'DT-07'], leavesTags: true },
  'reject-long-key-400': { requirements: ['DT-05', 'DT-07'], leavesTags: true },
  'no-auth': { requirements: ['DT-08', 'DT-09'] },
  'any-token': { requirements: ['DT-08'] },
  'missing-token-403': { requirements: ['DT-08'] },
  'forbidden-401': { requirements: ['DT-09'] },
  'forbidden-may-delete': { requirements: ['DT-09'] },
  'cross-project-delete': { requirements: ['DT-09', 'DT-15'] },
  'cross-project-404': { requirements: ['DT-15'], advisory: true },
  'auth-after-delete': { requirements: ['DT-08', 'DT-09'] },
  'double-decode': { requirements: ['DT-03', 'DT-04', 'DT-07'], leavesTags: true },
  'no-decode': { requirements: ['DT-01', 'DT-03', 'DT-04', 'DT-07'], leavesTags: true },
  'plus-as-space': { requirements: ['DT-03', 'DT-04'] },
  'case-insensitive': { requirements: ['DT-04'] },
  'trim-keys': { requirements: ['DT-04'] },
  'nfc-normalise': { requirements: ['DT-04'] },
  'prefix-delete': { requirements: ['DT-04'] },
  'delete-all-tags': { requirements: ['DT-04'] },
  'delete-on-every-image': { requirements: ['DT-04'] },
  'list-keeps-deleted': { requirements: ['DT-03'], leavesTags: true },
  'non-atomic-delete': { requirements: ['DT-06'] },
  'html-errors': { requirements: ['DT-11'] },
  'wrong-error-shape': { requirements: ['DT-11'] },
  'unknown-image-204': { requirements: ['DT-09', 'DT-10'] },
  'percent-key-500': { requirements: ['DT-01', 'DT-07', 'DT-14', 'DT-16'], leavesTags: true },
  'dot-segments-normalised': { requirements: ['DT-13'], advisory: true },
  'collation-first-match': { requirements: ['DT-03', 'DT-04'] },
  // Each pair it cannot delete stays for good: the run names them, and DT-04 is never PASS with its pairs untried.
  'folding-twin-500': { requirements: ['DT-01', 'DT-14'], leavesTags: true },
  'c-string-key': { requirements: ['DT-03', 'DT-04'] },
  'nfkc-fold': { requirements: ['DT-04'] },
  'truncate-255': { requirements: ['DT-03', 'DT-04'] },
  'delete-noop-non-ascii': { requirements: ['DT-03'], leavesTags: true },
  'deleted-key-tombstone': { requirements: ['DT-01', 'DT-04'], leavesTags: true },
  'empty-key-deletes-all': { requirements: ['DT-04'] },
  'any-method-deletes': { requirements: ['DT-04'] },
  'malformed-escape-500': { requirements: ['DT-14', 'DT-16'] },
  'error-text-plain': { requirements: ['DT-11'] },
  'delete-204-noop': { requirements: ['DT-03', 'DT-05', 'DT-06'], leavesTags: true },
  'lost-writes': { requirements: ['DT-06', 'DT-17'] },
  // The listing after the 503 shows the tag gone: an answer that must have been 204 (about half its deletes do this).
  'delete-then-503': { requirements: ['DT-01', 'DT-14'] },
  // Only the outsider's own image (tests/cross-tenant.spec.ts) exposes it: the owner's image is not in the other project.
  'no-project-scoping': { requirements: ['DT-09', 'DT-15'] },
  // Near misses (data/near-miss-credentials.ts, tests/near-miss-identities.spec.ts, data/colliding-values.ts).
  'token-prefix-compare': { requirements: ['DT-08'] },
  // Run with the owner signing (SIGNED_ONLY_MUTANTS): only a correctly signed request with a stale date shows it.
  'sdk-date-unchecked': { requirements: ['DT-08'] },
  'image-any-project': { requirements: ['DT-09'] },
  'delete-by-value': { requirements: ['DT-04'] },
  'readd-undeletable': { requirements: ['DT-03'], explorationOnly: true },
  'negative-cache-404': { requirements: ['DT-01'], explorationOnly: true },
  'upsert-stale-index': { requirements: ['DT-03'], explorationOnly: true },
};
