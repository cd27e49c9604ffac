// Runs once in the runner's main process: configuration, preflight, the snapshot of other people's tags,
// and the broker; its teardown checks that every pre-existing tag is still there with its value.
import { rmSync } from 'node:fs';
import { adoptRunConfig, runConfig, ConfigError, type SuiteConfig } from './config.js';
import { preflight, PreflightError, type PreflightResult } from './preflight.js';
import { ExchangeLog } from '../http/exchanges.js';
import { RETRY_503_BUDGET, RETRY_503_PER_RUN, startBroker } from './broker.js';
import { registerConfigSecrets } from '../http/secrets.js';
import { redactText } from '../http/redact.js';
import { openSession, type Session } from './session.js';
import { GATE_RUN_VARIABLE } from './preflight-gate.js';
import { ledgerFile, markRunAlive, markRunEnded, outstanding, readAllLedgers, readLedger, stuckEntries, type LedgerEntry } from '../books/ledger.js';
import { caProblem, transportWarnings } from '../http/transport.js';
import { lastPass, lastPassTags } from '../books/last-pass.js';
import { isRecentRunKey, runOfKey } from './run-id.js';
import { readJson, runFile, writeJson, type IntegrityRecord, type PreflightRecord } from './run-files.js';

/**
 * An unusable run ends here with ONE line and exit code 2: no test starts, and nothing else is printed (a
 * thrown error would add Playwright's error block and the reporter's table of "did not start" requirements).
 * Playwright's exit handlers still stop the embedded target it started.
 */
function stop(message: string): never {
  process.stderr.write(`ims-conformance: preflight failed: ${redactText(message)}\n`);
  process.exit(2);
}

/** The run's configuration, parsed once in this process (playwright.config.ts asked first); an unusable one stops here. */
function configOrStop(): SuiteConfig {
  try {
    return runConfig();
  } catch (err) {
    // `npm run conformance` validates first; this is for a direct `playwright test`.
    stop(err instanceof ConfigError ? err.problems.join('; ') : String(err));
  }
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const runId = process.env.IMS_RUN_ID ?? 'unknown';
  let config = configOrStop();
  registerConfigSecrets(config);
  const gated = process.env[GATE_RUN_VARIABLE] === runId ? readJson<PreflightRecord>(runFile(config.resultsDir, 'preflight.json')) : undefined;
  if (!gated?.ok) rmSync(runFile(config.resultsDir, 'preflight.json'), { force: true });
  rmSync(runFile(config.resultsDir, 'integrity.json'), { force: true });
  const warnings = transportWarnings(config);
  for (const w of warnings) process.stderr.write(`WARNING: ${w}\n`);

  const log = new ExchangeLog();
  const fail: (message: string) => never = (message) => {
    writeJson(runFile(config.resultsDir, 'preflight.json'), { ok: false, runId, message: redactText(message), warnings } satisfies PreflightRecord);
    writeJson(runFile(config.resultsDir, 'preflight-exchanges.json'), log.exchanges);
    stop(message);
  };
  const ca = caProblem(config);
  if (ca) fail(ca);

  // The tokens `npm run conformance` got in its preflight gate: the same logins, not second ones.
  let session: Awaited<ReturnType<typeof openSession>>;
  try {
    session = await openSession(config, { log, handedOverTokens: true });
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  // A direct `playwright test` with the endpoint from the catalogue: this process and the workers use the one found.
  if (config.endpointFromCatalogue) process.env.IMS_ENDPOINT = session.config.endpoint;
  config = session.config;
  adoptRunConfig(config);
  let result: PreflightResult;
  try {
    result = await preflightOf(session, runId, gated);
  } catch (err) {
    await session.dispose();
    fail(err instanceof PreflightError || err instanceof Error ? err.message : String(err));
  }
  recordPreflight(config, runId, result, { warnings, gated: gated?.ok === true, log });

  markRunAlive(config.resultsDir, runId);
  // One login per persona per run: the broker hands the session's token to every worker.
  const broker = await startBroker({ slots: result.freeSlots, iamTokens: session.logins, budgets: { [RETRY_503_BUDGET]: RETRY_503_PER_RUN } });
  process.env.IMS_BROKER_URL = broker.url;

  return async () => {
    await broker.close();
    writeJson(runFile(config.resultsDir, 'integrity.json'), await integrityAfterRun(session.owner, result.snapshot, config.resultsDir, runId));
    markRunEnded(config.resultsDir, runId);
    await session.dispose();
  };
}

/** The passed preflight, for the workers and the reporter (its exchanges unless the gate wrote them); its warnings shown. */
function recordPreflight(config: SuiteConfig, runId: string, result: PreflightResult, o: { warnings: string[]; gated: boolean; log: ExchangeLog }): void {
  if (!o.gated && result.serialWrites && !config.serialWrites) {
    // Workers are already decided: only the runner (npm run conformance) can start the run with one.
    result.warnings.push('this run was not started through npm run conformance, so it cannot switch to one write at a time: set IMS_SERIAL_WRITES=1');
  }
  const allWarnings = [...o.warnings, ...result.warnings];
  writeJson(runFile(config.resultsDir, 'preflight.json'), { ok: true, runId, ...result, warnings: allWarnings } satisfies PreflightRecord);
  if (!o.gated) writeJson(runFile(config.resultsDir, 'preflight-exchanges.json'), o.log.exchanges);
  for (const w of result.warnings) process.stdout.write(`warning: ${w}\n`);
}

/** The preflight's facts: those of the gate `npm run conformance` passed (no second preflight), else a preflight now. */
async function preflightOf(session: Session, runId: string, gated: PreflightRecord | undefined): Promise<PreflightResult> {
  if (gated?.ok && gated.snapshot && gated.freeSlots) {
    return { snapshot: gated.snapshot, freeSlots: gated.freeSlots, clockSkewMs: gated.clockSkewMs, leftovers: gated.leftovers ?? [], writeProbes: gated.writeProbes, serialWrites: gated.serialWrites, warnings: gated.warnings };
  }
  return preflight(session, runId);
}

/** The teardown's check: every tag that was there before the run must still be there, with its value. */
async function integrityAfterRun(owner: Session['owner'], snapshot: PreflightResult['snapshot'], resultsDir: string, runId: string): Promise<IntegrityRecord> {
  const record: IntegrityRecord = { checked: 0, intact: 0, lost: [], otherRuns: 0, left: [] };
  try {
    const images = Object.entries(snapshot);
    let listings = await Promise.all(images.map(([image]) => owner.listTags({ image })));
    // Tags whose cleanup found the service unavailable get one more patient try before the run is judged on them.
    const again = lastPassTags(readLedger(ledgerFile(resultsDir, runId)), runId, new Map(images.map(([image], i) => [image, listings[i]!])), snapshot);
    if (again.length) {
      const removed = await lastPass(owner, again, { resultsDir, runId });
      record.lastPass = { tried: again.length, removed: removed.length };
      if (removed.length) listings = await Promise.all(images.map(([image]) => owner.listTags({ image })));
    }
    const open = outstanding(readLedger(ledgerFile(resultsDir, runId)));
    // The tags of any run the target would not delete: named with the way out, and never counted as someone's loss.
    const ledgers = readAllLedgers(resultsDir);
    const stuck = stuckEntries(ledgers);
    // A prefixed key a ledger of the suite created is the suite's, never someone's data (a stuck one removed now).
    const ours = new Set(ledgers.filter((e) => runOfKey(e.key)).map((e) => `${e.image}\n${e.key}`));
    record.stuck = [];
    images.forEach(([image, before], i) => compareImage(record, { image, before, now: listings[i]!, runId, open, stuck, ours }));
  } catch (err) {
    record.error = err instanceof Error ? err.message : String(err);
  }
  return record;
}

/** One image's listing at the end against its snapshot at the start, into `record`. */
function compareImage(
  record: IntegrityRecord,
  c: { image: string; before: Record<string, string | null>; now: Map<string, string | null>; runId: string; open: LedgerEntry[]; stuck: LedgerEntry[]; ours: Set<string> },
): void {
  const { image, before, now } = c;
  // The run proves it cleaned up: any key of its own still there is named, with the way to remove it.
  for (const key of now.keys()) {
    if (runOfKey(key)?.runId === c.runId || c.open.some((e) => e.image === image && e.key === key && !runOfKey(key) && !(key in before))) record.left!.push({ image, key });
  }
  for (const e of c.stuck.filter((s) => s.image === image && now.has(s.key))) {
    record.stuck!.push({ image, key: e.key, runId: e.runId, status: e.status ?? null, pair: e.case?.id ?? null, kind: e.case?.kind ?? null });
  }
  for (const [key, value] of Object.entries(before)) {
    // Another run of the suite working on the same image deletes its own keys: not a loss.
    if (isRecentRunKey(key, Date.now()) || c.ours.has(`${image}\n${key}`)) {
      record.otherRuns!++;
      continue;
    }
    record.checked++;
    if (now.has(key) && now.get(key) === value) record.intact++;
    else record.lost.push({ image, key, value, now: now.has(key) ? (now.get(key) ?? null) : 'missing' });
  }
}
