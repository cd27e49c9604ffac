// Runs once in the runner's main process: configuration, preflight, the snapshot of other people's tags,
// and the broker; its teardown checks that every pre-existing tag is still there with its value.
import { request } from '@playwright/test';
import { rmSync } from 'node:fs';
import { loadConfig, type SuiteConfig } from './config.js';
import { preflight, PreflightError } from './preflight.js';
import { ExchangeLog } from './exchanges.js';
import { startBroker } from './broker.js';
import { ApiClient } from './client.js';
import { RateLimiter } from './rate-limit.js';
import { authHeadersFor } from './auth/credentials.js';
import { fetchIamToken } from './auth/iam.js';
import { registerConfigSecrets } from './secrets.js';
import { runFile, writeJson, type IntegrityRecord, type PreflightRecord } from './run-files.js';

/** One-line failure: Playwright prints the stack of a thrown error, so the stack is the message. */
function stop(message: string): never {
  const err = new Error(message);
  err.stack = `ims-conformance: ${message}`;
  throw err;
}

function iamSource(config: SuiteConfig, who: 'owner' | 'forbidden'): (() => Promise<string>) | undefined {
  const creds = who === 'owner' ? config.owner : config.forbidden;
  if (creds?.form !== 'iam') return undefined;
  let token: Promise<string> | undefined;
  return () => (token ??= fetchIamToken(creds, config.projectId, Math.min(config.timeoutMs, 4_000)));
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const config = loadConfig();
  registerConfigSecrets(config);
  const runId = process.env.IMS_RUN_ID ?? 'unknown';
  rmSync(runFile(config.resultsDir, 'preflight.json'), { force: true });
  rmSync(runFile(config.resultsDir, 'integrity.json'), { force: true });

  const ownerIam = iamSource(config, 'owner');
  const forbiddenIam = iamSource(config, 'forbidden');
  const ownerAuth = authHeadersFor(config.owner, ownerIam ?? (() => Promise.reject(new Error('no IAM owner'))));
  const context = await request.newContext({ ignoreHTTPSErrors: config.insecureTls });
  const log = new ExchangeLog();
  let result;
  try {
    result = await preflight(config, context, log, ownerAuth);
  } catch (err) {
    const message = err instanceof PreflightError || err instanceof Error ? err.message : String(err);
    writeJson(runFile(config.resultsDir, 'preflight.json'), { ok: false, runId, message, warnings: [] } satisfies PreflightRecord);
    writeJson(`${config.resultsDir}/run/preflight-exchanges.json`, log.exchanges);
    await context.dispose();
    stop(`preflight failed: ${message}`);
  }
  writeJson(runFile(config.resultsDir, 'preflight.json'), { ok: true, runId, ...result } satisfies PreflightRecord);
  writeJson(`${config.resultsDir}/run/preflight-exchanges.json`, log.exchanges);
  for (const w of result.warnings) process.stdout.write(`warning: ${w}\n`);

  const broker = await startBroker({ slots: result.freeSlots, iamTokens: { owner: ownerIam, forbidden: forbiddenIam } });
  process.env.IMS_BROKER_URL = broker.url;

  return async () => {
    await broker.close();
    // Every tag that was there before the run must still be there, with its value.
    const owner = new ApiClient(context, config, new ExchangeLog(), 'owner', ownerAuth, new RateLimiter(config.maxRps));
    const record: IntegrityRecord = { checked: 0, intact: 0, lost: [] };
    try {
      for (const [image, before] of Object.entries(result.snapshot)) {
        const now = await owner.listTags({ image });
        for (const [key, value] of Object.entries(before)) {
          record.checked++;
          if (now.has(key) && now.get(key) === value) record.intact++;
          else record.lost.push({ image, key, value, now: now.has(key) ? (now.get(key) ?? null) : 'missing' });
        }
      }
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err);
    }
    writeJson(runFile(config.resultsDir, 'integrity.json'), record);
    await context.dispose();
  };
}
