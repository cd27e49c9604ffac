// IMS_SERIAL_WRITES=1: one request on the wire at a time within the worker (the run then has one worker).
// A target that reads, modifies and writes an image's whole tag set (OpenStack Glance) loses updates when two
// writes overlap; tests that are not about concurrency must not be judged on that.

let tail: Promise<void> = Promise.resolve();

/** Waits for this request's turn; the caller must call the returned release once its response is read. */
export function serialTurn(): Promise<() => void> {
  let release!: () => void;
  const turn = new Promise<void>((resolve) => (release = resolve));
  const ready = tail.then(() => release);
  tail = tail.then(() => turn);
  return ready;
}
