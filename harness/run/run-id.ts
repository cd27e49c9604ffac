// Run ids and the key prefix. A run id starts with its start time (base-36 seconds), so a leftover key says
// how old it is: the sweep removes a run's leftovers only once it is older than a TTL.
import { randomInt } from 'node:crypto';

const KEY_PREFIX = 'ctk-';
const RUN_ID = /ctk-([0-9a-z]{6})([0-9a-z]{2})-/;

export function newRunId(now: number = Date.now()): string {
  const seconds = Math.floor(now / 1000).toString(36).padStart(6, '0');
  return seconds + randomInt(36 * 36).toString(36).padStart(2, '0');
}

export const runPrefix = (runId: string): string => `${KEY_PREFIX}${runId}-`;

/** The run a key belongs to, when it carries the suite's prefix anywhere (unusual keys wrap the stem). */
export function runOfKey(key: string): { runId: string; startedAt: Date } | undefined {
  const m = RUN_ID.exec(key);
  if (!m) return undefined;
  return { runId: m[1]! + m[2]!, startedAt: new Date(parseInt(m[1]!, 36) * 1000) };
}

/** How long a run may plausibly still be working: keys of runs started within it belong to a possibly live run. */
const RUN_LIFETIME_MS = 6 * 3_600_000;

/**
 * A key of a run that started recently (and not in the future): another run of the suite may be working on the
 * same image right now and will delete it. Look-alikes dated long ago or in the future stay other people's data.
 */
export function isRecentRunKey(key: string, now: number): boolean {
  const run = runOfKey(key);
  if (!run) return false;
  const age = now - run.startedAt.getTime();
  return age >= -5 * 60_000 && age <= RUN_LIFETIME_MS;
}
