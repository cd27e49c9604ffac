// The self-test's oracle: for each mutant of the reference target, the requirements it must be caught breaking.
// `advisory: true` mutants break only advisory requirements: the run must report them and stay CONFORMANT.

export interface ExpectedKill {
  requirements: string[];
  advisory?: boolean;
  /**
   * A state-dependent fault only a sequence of requests shows: judged by the exploration's seed runs
   * (scripts/selftest/explore-seeds.ts: killed in at least 9 of 10 seeds), not by whole-suite runs.
   */
  explorationOnly?: boolean;
}

export const EXPECTED_KILLS: Record<string, ExpectedKill> = {
  'delete-200-json': { requirements: ['DT-01', 'DT-11'] },
  'delete-204-with-body': { requirements: ['DT-02'] },
  'delete-204-content-length': { requirements: ['DT-12'], advisory: true },
  'idempotent-second-delete': { requirements: ['DT-05'] },
  'missing-key-204': { requirements: ['DT-05'] },
  'reject-non-ascii-400': { requirements: ['DT-07'] },
  'reject-long-key-400': { requirements: ['DT-07'] },
  'no-auth': { requirements: ['DT-08'] },
  'any-token': { requirements: ['DT-08'] },
  'missing-token-403': { requirements: ['DT-08'] },
  'forbidden-401': { requirements: ['DT-09'] },
  'forbidden-may-delete': { requirements: ['DT-09'] },
  'cross-project-delete': { requirements: ['DT-09'] },
  'cross-project-404': { requirements: ['DT-15'], advisory: true },
  'auth-after-delete': { requirements: ['DT-08', 'DT-09'] },
  'double-decode': { requirements: ['DT-04', 'DT-07'] },
  'no-decode': { requirements: ['DT-07'] },
  'plus-as-space': { requirements: ['DT-04'] },
  'case-insensitive': { requirements: ['DT-04'] },
  'trim-keys': { requirements: ['DT-04'] },
  'nfc-normalise': { requirements: ['DT-04'] },
  'prefix-delete': { requirements: ['DT-04'] },
  'delete-all-tags': { requirements: ['DT-04'] },
  'delete-on-every-image': { requirements: ['DT-04'] },
  'list-keeps-deleted': { requirements: ['DT-03'] },
  'non-atomic-delete': { requirements: ['DT-06'] },
  'html-errors': { requirements: ['DT-11'] },
  'wrong-error-shape': { requirements: ['DT-11'] },
  'unknown-image-204': { requirements: ['DT-10'] },
  'percent-key-500': { requirements: ['DT-07', 'DT-14'] },
  'dot-segments-normalised': { requirements: ['DT-13'], advisory: true },
  'readd-undeletable': { requirements: ['DT-03'], explorationOnly: true },
  'negative-cache-404': { requirements: ['DT-01'], explorationOnly: true },
  'upsert-stale-index': { requirements: ['DT-03'], explorationOnly: true },
};
