/**
 * The harness or the target could not do what a test needs (a fixture step failed, the target is unusable).
 * Reported as `error`, never as a requirement failure: it says nothing about conformance.
 */
export class HarnessError extends Error {
  override name = 'HarnessError';
}
