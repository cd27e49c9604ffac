// From the tests' records and the run records to the report: decide every requirement, then assemble report.json.
import { requirements, specSha256 } from '../harness/spec.js';
import { describeExchange, type Exchange } from '../harness/http/exchanges.js';
import { curlCommand } from '../harness/http/curl.js';
import { decideByTests, exitCodeOf, unexercisedRequired, verdictOf, type RequirementRecord, type TestRecord } from './outcomes.js';
import { decideRunScope, type RunDecision } from './run-scope/index.js';
import { suiteIdentity } from './identity.js';
import type { RunRecord } from './run-record.js';
import type { IntegrityRecord } from '../harness/run/run-files.js';
import { REPORT_SCHEMA_VERSION, type ConformanceReport, type ReportedTest } from './report-types.js';
import { productIdentity, runtimeVersions } from './product.js';
import { decisiveExchanges, reproductionLines } from './curl.js';
import { lossJudge, otherWriters, unavailability, type LossJudge } from './other-writers.js';
import type { StuckTagRecord } from '../harness/run/run-files.js';

/** The command that removes what a run left behind (it deletes only keys of the suite's own runs). */
const SWEEP_COMMAND = 'npx ims-conformance sweep --apply';

export function decideRequirements(tests: TestRecord[], records: RunRecord[], exchanges: Exchange[], dialect: string | undefined): RequirementRecord[] {
  const ran = records.length > 0 && records.every((r) => r.preflight?.ok === true);
  const writeProbes = records.flatMap((r) => r.preflight?.writeProbes ?? []);
  return requirements.map((req) => {
    const decided: RunDecision = !ran
      ? { outcome: 'error' as const, reason: 'the run did not start', evidence: [] }
      : req.scope === 'run'
        ? decideRunScope(req, { exchanges, writeProbes })
        : decideByTests(req.id, tests);
    const applies = dialect ? (req.dialects as string[]).includes(dialect) : true;
    const { exchanges: shown, ...final }: RunDecision = applies ? decided : { outcome: 'skipped', skipKind: 'not-applicable', reason: `not applicable to the ${dialect} dialect`, evidence: [] };
    // A run-scope failure's reproduction repeats the very exchanges its decision named.
    const reproduce = final.outcome === 'fail' && shown?.length ? shown.slice(0, 5).map(curlCommand) : undefined;
    return { id: req.id, tier: req.tier, level: req.level, title: req.title, clause: req.clause, ...final, ...(reproduce ? { reproduce } : {}), tests: tests.filter((t) => t.requirement === req.id).map((t) => t.id) };
  });
}

/** What makes the run itself untrustworthy: a failed preflight, other people's tags lost or unchecked. */
export function fatalProblems(records: RunRecord[], merged: boolean, errors: string[], losses: LossJudge = { caused: () => true, explained: () => false }): string[] {
  const fatal: string[] = [];
  for (const { preflight, integrity, shard } of records) {
    const where = shard && merged ? ` (shard ${shard.current}/${shard.total})` : '';
    if (!preflight?.ok) fatal.push(`preflight${where}: ${preflight?.message ?? errors[0] ?? 'did not run'}`);
    // Only a loss a request of the run can have caused is the run's alarm; the rest are other writers' (a warning).
    // The alarm: a loss a request of this run can have caused (the findings name the requests, report.json's `harm`
    // the tags). Other writers' changes are warnings (otherWriters).
    const lost = (integrity?.lost ?? []).filter((l) => losses.caused(l));
    if (lost.length) fatal.push(`pre-existing tags lost${where}: ${lost.map((l) => `${l.image}/${JSON.stringify(l.key)}`).join(', ')} (a request of this run can have done it)`);
    if (integrity?.error) fatal.push(`pre-existing tags could not be checked${where}: ${integrity.error}`);
  }
  return fatal;
}

export interface AssembleInput {
  tests: TestRecord[];
  records: RunRecord[];
  reqs: RequirementRecord[];
  fatal: string[];
  target: Record<string, unknown> | null;
  transport: ConformanceReport['transport'];
  run: ConformanceReport['run'];
  allExchanges: Exchange[];
  /** IMS_IMAGE_EXCLUSIVE=1: nobody else writes to the images. */
  exclusive: boolean;
  /** IMS_STRICT=1, from the validated configuration. */
  strict: boolean;
}

export function assembleReport({ tests, records, reqs, fatal, target, transport, run, allExchanges, exclusive, strict }: AssembleInput): ConformanceReport {
  // IMS_STRICT=1 (--strict, always for certify): a required requirement left unexercised makes the run INCOMPLETE.
  const verdict = verdictOf(reqs, fatal, { strict });
  const notExercised = unexercisedRequired(reqs).map((r) => ({ id: r.id, reason: (r.reason ?? '').split('\n')[0]! }));
  const count = (o: string) => reqs.filter((r) => r.outcome === o).length;
  const integrity = sumIntegrity(records);
  const left = integrity?.left ?? [];
  const preflight = records[0]?.preflight;
  const suite = suiteIdentity();
  const others = otherWriters(tests, (integrity?.lost ?? []) as IntegrityRecord['lost'], exclusive);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    suite,
    product: productIdentity(process.env, target?.embedded === true, suite.version),
    runtime: runtimeVersions(),
    spec: { path: 'spec/delete-image-tag.openapi.yaml', sha256: specSha256 },
    target,
    transport,
    run,
    verdict,
    exitCode: exitCodeOf(verdict, left.length),
    strict,
    notExercised,
    counts: { pass: count('pass'), fail: count('fail'), skipped: count('skipped'), error: count('error') },
    fatal,
    warnings: [
      ...reqs.filter((r) => r.tier === 'advisory' && r.outcome === 'fail').map((r) => `${r.id} ${r.title}`),
      ...others.lostByOthers.map((l) => `a tag present before the run changed during it and no request of the run can have done it (another writer): ${l.image}/${JSON.stringify(l.key)} now ${l.now === 'missing' ? 'missing' : JSON.stringify(l.now)}`),
    ],
    requests: { total: allExchanges.length, retries: allExchanges.filter((e) => e.attempt > 1).length },
    otherWriters: others,
    harm: ((integrity?.lost ?? []) as IntegrityRecord['lost']).filter((l) => lossJudge(tests, exclusive).explained(l)),
    unavailable: unavailability(tests),
    preflight: preflight
      ? {
          ok: records.every((r) => r.preflight?.ok === true),
          message: records.map((r) => r.preflight?.message).filter(Boolean).join('; ') || null,
          warnings: [...new Set(records.flatMap((r) => r.preflight?.warnings ?? []))],
          freeSlots: preflight.freeSlots ?? null,
          clockSkewMs: preflight.clockSkewMs ?? null,
          serialWrites: records.some((r) => r.preflight?.serialWrites === true),
        }
      : null,
    integrity,
    cleanup: integrity ? { left, sweep: left.length ? SWEEP_COMMAND : null, ...stuckOf(records), ...(integrity.lastPass ? { lastPass: integrity.lastPass } : {}) } : null,
    observations: tests.flatMap((t) => t.observations.map((o) => ({ test: t.id, requirement: t.requirement, observation: o }))),
    requirements: reqs,
    tests: tests.map(reportedTest),
  };
}

/**
 * The exchanges a failure names by id (its findings' and failed assertions'), else the last request of the operation
 * under test; never found again by their text, so no wording changes them.
 */
export function reportedTest({ exchanges, named = [], ...t }: TestRecord): ReportedTest {
  if (t.outcome === 'pass' || t.outcome === 'skipped') return { ...t, requests: exchanges.length, evidence: [] };
  return { ...t, requests: exchanges.length, evidence: decisiveExchanges(exchanges, named).map(describeExchange), reproduce: reproductionLines(exchanges, named) };
}

/** Tags the target would not delete (this run's and earlier runs' still listed), once each. */
function stuckOf(records: RunRecord[]): { stuck?: StuckTagRecord[] } {
  const seen = new Map<string, StuckTagRecord>();
  for (const s of records.flatMap((r) => r.integrity?.stuck ?? [])) seen.set(`${s.image}\n${s.key}`, s);
  return seen.size ? { stuck: [...seen.values()] } : {};
}

/** The shards' last passes summed; nothing when none had a tag to try again. */
function lastPassOf(passes: ({ tried: number; removed: number } | undefined)[]): { lastPass?: { tried: number; removed: number } } {
  const ran = passes.filter((p) => p !== undefined);
  return ran.length ? { lastPass: { tried: ran.reduce((n, p) => n + p.tried, 0), removed: ran.reduce((n, p) => n + p.removed, 0) } } : {};
}

function sumIntegrity(records: RunRecord[]): ConformanceReport['integrity'] {
  const checked = records.filter((r) => r.integrity);
  if (!checked.length) return null;
  return {
    checked: checked.reduce((n, r) => n + r.integrity!.checked, 0),
    intact: checked.reduce((n, r) => n + r.integrity!.intact, 0),
    lost: checked.flatMap((r) => r.integrity!.lost),
    otherRuns: checked.reduce((n, r) => n + (r.integrity!.otherRuns ?? 0), 0),
    left: checked.flatMap((r) => r.integrity!.left ?? []),
    ...lastPassOf(checked.map((r) => r.integrity!.lastPass)),
    error: checked.map((r) => r.integrity!.error).filter(Boolean).join('; ') || null,
  };
}
