// The suite's exit codes, in one table: the runner, the reporter, verify and the CLI's --help read them from here,
// and unit/docs.test.ts holds the README's table and every --help to it.
export const EXIT = { conformant: 0, nonConformant: 1, unusable: 2, leftTags: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each exit code means, in the words of the top-level --help. */
export const EXIT_MEANING: Record<ExitCode, string> = {
  0: 'CONFORMANT (or no regression against --baseline)',
  1: 'NON-CONFORMANT or INCOMPLETE: not shown conformant (or a regression against --baseline)',
  2: 'ERROR: bad input or configuration, an unusable target, tags present before the run lost, a tampered bundle',
  3: 'the target was not left as found: tags of this run are still there (ims-conformance sweep --apply removes them)',
};
