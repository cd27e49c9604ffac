// Runs once in the runner's main process: configuration, preflight, the snapshot of other people's tags,
// and the broker; its teardown checks that every pre-existing tag is still there with its value.
import { rmSync } from 'node:fs';
import type { APIRequestContext } from '@playwright/test';
import { loadConfig, ConfigError, type SuiteConfig } from './config.js';
import { preflight, PreflightError, type PreflightResult } from './preflight.js';
import { ExchangeLog } from './exchanges.js';
import { startBroker } from './broker.js';
import { ApiClient } from './client.js';
import { RateLimiter } from './rate-limit.js';
import { authHeadersFor } from './auth/credentials.js';
import { endpointFromCatalogue, handedOver, loginSource } from './auth/logins.js';
import type { TokenSource } from './auth/token-source.js';
import { registerConfigSecrets } from './secrets.js';
import { redactText } from './redact.js';
import { GATE_RUN_VARIABLE } from './preflight-gate.js';
import { markRunAlive, markRunEnded } from './ledger.js';
import { caProblem, newRequestContext, transportWarnings } from './transport.js';
import { isRecentRunKey } from './run-id.js';
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

/** One login per persona per run (the token the gate got, when it ran), renewed before expiry; the broker hands it out. */
function iamSource(config: SuiteConfig, who: 'owner' | 'forbidden' | 'outsider', context: APIRequestContext, log: ExchangeLog): TokenSource | undefined {
  return loginSource(config, who, { context, log, given: handedOver(who) });
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const runId = process.env.IMS_RUN_ID ?? 'unknown';
  let config: SuiteConfig;
  try {
    config = loadConfig();
  } catch (err) {
    // `npm run conformance` validates first; this is for a direct `playwright test`.
    stop(err instanceof ConfigError ? err.problems.join('; ') : String(err));
  }
  registerConfigSecrets(config);
  const gated = process.env[GATE_RUN_VARIABLE] === runId ? readJson<PreflightRecord>(runFile(config.resultsDir, 'preflight.json')) : undefined;
  if (!gated?.ok) rmSync(runFile(config.resultsDir, 'preflight.json'), { force: true });
  rmSync(runFile(config.resultsDir, 'integrity.json'), { force: true });
  const warnings = transportWarnings(config);
  for (const w of warnings) process.stderr.write(`WARNING: ${w}\n`);

  const log = new ExchangeLog();
  const fail: (message: string) => never = (message) => {
    writeJson(runFile(config.resultsDir, 'preflight.json'), { ok: false, runId, message: redactText(message), warnings } satisfies PreflightRecord);
    writeJson(`${config.resultsDir}/run/preflight-exchanges.json`, log.exchanges);
    stop(message);
  };
  const ca = caProblem(config);
  if (ca) fail(ca);

  const context = await newRequestContext(config);
  const ownerSource = iamSource(config, 'owner', context, log);
  const forbiddenSource = iamSource(config, 'forbidden', context, log);
  const outsiderSource = iamSource(config, 'outsider', context, log);
  const ownerIam = ownerSource && (() => ownerSource.token());
  const forbiddenIam = forbiddenSource && (() => forbiddenSource.token());
  if (config.endpointFromCatalogue) {
    // A direct `playwright test` (the gate did not run): the endpoint from the catalogue, for this process and the workers.
    try {
      config = { ...config, endpoint: await endpointFromCatalogue(config, ownerSource!), endpointFromCatalogue: false };
    } catch (err) {
      await context.dispose().catch(() => undefined);
      fail(err instanceof Error ? err.message : String(err));
    }
    process.env.IMS_ENDPOINT = config.endpoint;
  }
  const noIam = () => Promise.reject(new Error('not an IAM persona'));
  const ownerAuth = authHeadersFor(config.owner, ownerIam ?? noIam);
  const forbiddenAuth = config.forbidden ? authHeadersFor(config.forbidden, forbiddenIam ?? noIam) : undefined;
  let result: PreflightResult;
  if (gated?.ok && gated.snapshot && gated.freeSlots) {
    result = { snapshot: gated.snapshot, freeSlots: gated.freeSlots, clockSkewMs: gated.clockSkewMs, leftovers: gated.leftovers ?? [], warnings: gated.warnings };
  } else try {
    const outsiderAuth = config.outsider ? authHeadersFor(config.outsider, outsiderSource ? () => outsiderSource.token() : noIam) : undefined;
    result = await preflight(config, context, log, { owner: ownerAuth, forbidden: forbiddenAuth, outsider: outsiderAuth, ownerLogin: ownerIam, forbiddenLogin: forbiddenIam }, runId);
  } catch (err) {
    await context.dispose().catch(() => undefined);
    fail(err instanceof PreflightError || err instanceof Error ? err.message : String(err));
  }
  const allWarnings = [...warnings, ...result.warnings];
  writeJson(runFile(config.resultsDir, 'preflight.json'), { ok: true, runId, ...result, warnings: allWarnings } satisfies PreflightRecord);
  if (!gated?.ok) writeJson(`${config.resultsDir}/run/preflight-exchanges.json`, log.exchanges);
  for (const w of result.warnings) process.stdout.write(`warning: ${w}\n`);

  markRunAlive(config.resultsDir, runId);
  const broker = await startBroker({ slots: result.freeSlots, iamTokens: { owner: ownerSource, forbidden: forbiddenSource, outsider: outsiderSource } });
  process.env.IMS_BROKER_URL = broker.url;

  return async () => {
    await broker.close();
    // Every tag that was there before the run must still be there, with its value.
    const owner = new ApiClient(context, config, new ExchangeLog(), 'owner', ownerAuth, new RateLimiter(config.maxRps));
    const record: IntegrityRecord = { checked: 0, intact: 0, lost: [], otherRuns: 0 };
    try {
      const images = Object.entries(result.snapshot);
      const listings = await Promise.all(images.map(([image]) => owner.listTags({ image })));
      images.forEach(([image, before], i) => {
        const now = listings[i]!;
        for (const [key, value] of Object.entries(before)) {
          // Another run of the suite working on the same image deletes its own keys: not a loss.
          if (isRecentRunKey(key, Date.now())) {
            record.otherRuns!++;
            continue;
          }
          record.checked++;
          if (now.has(key) && now.get(key) === value) record.intact++;
          else record.lost.push({ image, key, value, now: now.has(key) ? (now.get(key) ?? null) : 'missing' });
        }
      });
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err);
    }
    writeJson(runFile(config.resultsDir, 'integrity.json'), record);
    markRunEnded(config.resultsDir, runId);
    await context.dispose();
  };
}
