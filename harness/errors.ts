/**
 * The harness or the target could not do what a test needs (a fixture step failed, the target is unusable).
 * Reported as `error`, never as a requirement failure: it says nothing about conformance. Inside a test, the
 * fixtures hand every HarnessError to the test's annotations as it is made, so the reporter knows it by type.
 */
export class HarnessError extends Error {
  override name = 'HarnessError';

  constructor(message: string) {
    super(message);
    onHarnessError?.(message);
  }
}

let onHarnessError: ((message: string) => void) | undefined;

/** Set by the test fixtures for the duration of one test; cleared with undefined. */
export function routeHarnessErrors(to: ((message: string) => void) | undefined): void {
  onHarnessError = to;
}
