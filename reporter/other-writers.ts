// The run's record of other writers and of a busy service: what changed on the images that no request of the run can
// have caused (harness/books/judge.ts decides that per listing), which losses of tags present before the run are the run's
// to answer for, and how many requests under test were sent again after a 503.
import type { ForeignChange } from '../harness/books/judge.js';
import type { IntegrityRecord } from '../harness/run/run-files.js';
import type { TestRecord } from './outcomes.js';

export interface OtherWriters {
  /** IMS_IMAGE_EXCLUSIVE=1: nobody else writes to the images, so every foreign change was judged. */
  exclusive: boolean;
  /** Changes of tags the run did not create that no request of the run can have caused, each once. */
  changes: ForeignChange[];
  /** Tags present before the run, gone or changed at its end, that no request of the run can have caused: a warning. */
  lostByOthers: IntegrityRecord['lost'];
}

export interface Unavailability {
  /** Requests under test that answered 503, changed nothing and were sent again. */
  retriedRequests: number;
  /** Re-sends in all. */
  retries: number;
  /** Time spent waiting before the re-sends. */
  waitedMs: number;
  /** Cases (or tests) not exercised because every try answered 503. */
  casesNotExercised: number;
}

const id = (c: { image: string; key: string }) => `${c.image}\n${c.key}`;

/**
 * How the run answers for a lost tag that was there before it. `explained`: a test attributed the change to requests of
 * the run and filed it as a finding (the target's fault, named with its requests: loud, and the verdict says why).
 * `caused`: a request of the run can have done it (always, with the image declared exclusive); caused and not
 * explained is the run's alarm (ERROR). Neither: another writer's change, a warning.
 */
export interface LossJudge {
  caused(tag: { image: string; key: string }): boolean;
  explained(tag: { image: string; key: string }): boolean;
}

export function lossJudge(tests: readonly TestRecord[], exclusive: boolean): LossJudge {
  const attributed = new Set(tests.flatMap((t) => t.foreign ?? []).filter((c) => c.attributedTo.length > 0).map(id));
  return { caused: (tag) => exclusive || attributed.has(id(tag)), explained: (tag) => attributed.has(id(tag)) };
}

export function otherWriters(tests: readonly TestRecord[], lost: IntegrityRecord['lost'], exclusive: boolean): OtherWriters {
  const { caused } = lossJudge(tests, exclusive);
  const seen = new Set<string>();
  const changes: ForeignChange[] = [];
  for (const c of tests.flatMap((t) => t.foreign ?? [])) {
    if (c.attributedTo.length) continue;
    // Every test sees the same change against its own model: one line per tag, kind and state seen.
    const key = `${id(c)}\n${c.kind}\n${c.actual}`;
    if (seen.has(key)) continue;
    seen.add(key);
    changes.push(c);
  }
  changes.sort((a, b) => a.seenAt.localeCompare(b.seenAt));
  return { exclusive, changes, lostByOthers: exclusive ? [] : lost.filter((l) => !caused(l)) };
}

export function unavailability(tests: readonly TestRecord[]): Unavailability {
  const all = tests.flatMap((t) => t.retried503 ?? []);
  return {
    retriedRequests: all.length,
    retries: all.reduce((n, r) => n + r.ids.length - 1, 0),
    waitedMs: all.reduce((n, r) => n + r.waitedMs, 0),
    casesNotExercised: tests.reduce((n, t) => n + (t.unavailable?.length ?? 0), 0),
  };
}
