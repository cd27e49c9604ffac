// DT-17: overlapping writes to one image are not lost, as the preflight's write probe found (harness/run/write-probe.ts).
import type { RunDecision, RunFacts } from './facts.js';

export function decideDt17({ writeProbes }: RunFacts): RunDecision {
  if (!writeProbes.length) return { outcome: 'skipped', skipKind: 'not-exercised', reason: 'not exercised: the preflight ran no write probe', evidence: [] };
  // The user asked for no overlapping writes (IMS_SERIAL_WRITES=1): the probe sent none, so nothing is known.
  if (writeProbes.some((p) => p.skip === 'serial-writes-requested')) {
    return { outcome: 'skipped', skipKind: 'not-exercised', reason: 'not exercised: serial writes requested (IMS_SERIAL_WRITES=1), so the write probe sent no overlapping writes', evidence: [] };
  }
  const lost = writeProbes.filter((p) => p.lost.length);
  if (lost.length) {
    return { outcome: 'fail', reason: `overlapping writes to image ${lost[0]!.image} were lost: ${lost[0]!.lost.join('; ')}`, evidence: lost.flatMap((p) => p.evidence).slice(0, 10) };
  }
  const skipped = writeProbes.filter((p) => p.skipped);
  if (skipped.length === writeProbes.length) return { outcome: 'skipped', skipKind: 'not-exercised', reason: `not exercised: ${skipped[0]!.skipped}`, evidence: [] };
  return { outcome: 'pass', reason: `${writeProbes.reduce((n, p) => n + p.rounds, 0)} round(s) of overlapping adds and deletes all took effect`, evidence: [] };
}
