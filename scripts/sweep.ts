// `npm run sweep [-- --apply] [--ttl-hours N]`: finds what earlier runs of the suite left on the configured
// images and, with --apply, deletes it. Dry run by default. Only two kinds of tag are ever deleted: keys with
// the suite's run prefix whose run is over (its local ledger says so) or older than the TTL, and keys a local
// ledger of an ended run created that still hold the value that run set. Exit 0 done, 1 some deletes failed,
// 2 unusable (configuration, target).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import dotenv from 'dotenv';
import { ConfigError, loadConfig, type SuiteConfig } from '../harness/run/config.js';
import { openSession } from '../harness/run/session.js';
import { isCleanedUp } from '../harness/books/tag-factory.js';
import { registerConfigSecrets } from '../harness/http/secrets.js';
import { redactText } from '../harness/http/redact.js';
import { appendLedger, isRunAlive, ledgerFile, readAllLedgers } from '../harness/books/ledger.js';
import { planSweep, stuckExplanation, type Leftover } from '../harness/books/leftovers.js';
import { LEFTOVER_TTL_MS } from '../harness/run/preflight.js';
import { caProblem, transportEnv } from '../harness/http/transport.js';
import { writeJson } from '../harness/run/run-files.js';

const USAGE = `usage: npm run sweep -- [--apply] [--ttl-hours N]
  Lists the tags earlier runs of the suite left on IMS_IMAGE_ID (and IMS_OTHER_IMAGE_ID); --apply deletes them.
  --ttl-hours N   a run not known to this machine's ledgers counts as over once it started N hours ago (default ${LEFTOVER_TTL_MS / 3_600_000})
  Uses the same IMS_* variables (or .env) and the same IMS_RESULTS_DIR (its ledger/ folder) as the runs.`;

function fail(message: string): never {
  process.stderr.write(`ims-sweep: ${redactText(message)}\n`);
  process.exit(2);
}

export async function sweep(config: SuiteConfig, opts: { apply: boolean; ttlMs: number; now?: number }): Promise<{ plan: Leftover[]; failed: { leftover: Leftover; problem: string }[] }> {
  const session = await openSession(config);
  const { owner, log } = session;
  try {
    const ledger = readAllLedgers(config.resultsDir);
    const images = [...new Set([config.imageId, ...(config.otherImageId ? [config.otherImageId] : []), ...ledger.map((e) => e.image)])];
    const listings: Record<string, Map<string, string | null>> = {};
    for (const image of images) {
      try {
        listings[image] = await owner.listTags({ image });
      } catch (err) {
        // The configured image must be listable; an image only a ledger names may be gone by now.
        if (image === config.imageId) throw err;
      }
    }
    const plan = planSweep({ listings, ledger, isAlive: (id) => isRunAlive(config.resultsDir, id), ttlMs: opts.ttlMs, now: opts.now ?? Date.now() });
    const failed: { leftover: Leftover; problem: string }[] = [];
    if (opts.apply) {
      for (const l of plan.filter((p) => p.action === 'delete')) {
        try {
          const e = await owner.cleanupDelete(l.key, { image: l.image, raw: l.raw });
          if (!isCleanedUp(e)) failed.push({ leftover: l, problem: `answered ${e.status ?? e.error}` });
          else if (existsSync(ledgerFile(config.resultsDir, l.runId))) appendLedger(config.resultsDir, { runId: l.runId, image: l.image, key: l.key, op: 'gone', at: new Date().toISOString() });
        } catch (err) {
          failed.push({ leftover: l, problem: err instanceof Error ? err.message : String(err) });
        }
      }
    }
    writeJson(`${config.resultsDir}/sweep/${new Date().toISOString().replace(/[:.]/g, '-')}.json`, { apply: opts.apply, plan, failed, exchanges: log.exchanges });
    return { plan, failed };
  } finally {
    await session.dispose();
  }
}

async function main(): Promise<number> {
  dotenv.config({ quiet: true });
  let values;
  try {
    ({ values } = parseArgs({ options: { apply: { type: 'boolean' }, 'ttl-hours': { type: 'string' }, help: { type: 'boolean' } } }));
  } catch (err) {
    fail(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const ttlRaw = values['ttl-hours'];
  if (ttlRaw !== undefined && !/^\d+(\.\d+)?$/.test(ttlRaw)) fail('--ttl-hours must be a number of hours');
  const ttlMs = ttlRaw === undefined ? LEFTOVER_TTL_MS : Number(ttlRaw) * 3_600_000;
  if (!process.env.IMS_ENDPOINT?.trim()) fail('IMS_ENDPOINT is not set: the embedded target is gone with its run, there is nothing to sweep');
  let config: SuiteConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.problems.join('; '));
    throw err;
  }
  registerConfigSecrets(config);
  if (caProblem(config)) {
    // Node reads NODE_EXTRA_CA_CERTS only at start: run again with it set.
    const again = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit', env: transportEnv(config, process.env) });
    return again.status ?? 2;
  }

  let result;
  try {
    result = await sweep(config, { apply: !!values.apply, ttlMs });
  } catch (err) {
    fail(`the target could not be listed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  const { plan, failed } = result;
  const failedSet = new Set(failed.map((f) => f.leftover));
  for (const l of plan) {
    const word = l.action === 'keep' ? 'keep   ' : !values.apply ? 'delete ' : failedSet.has(l) ? 'FAILED ' : 'deleted';
    process.stdout.write(`  ${word}  ${l.image}  ${JSON.stringify(l.key)}  (run ${l.runId}: ${l.reason})\n`);
  }
  const del = plan.filter((l) => l.action === 'delete').length;
  const kept = plan.length - del;
  if (!plan.length) process.stdout.write('sweep: no leftovers of earlier runs\n');
  else if (values.apply) process.stdout.write(`sweep: ${del - failed.length} deleted, ${failed.length} failed, ${kept} kept\n`);
  else process.stdout.write(`sweep (dry run): ${del} to delete, ${kept} kept. Delete them with: npm run sweep -- --apply\n`);
  for (const f of failed) process.stderr.write(`ims-sweep: could not delete ${JSON.stringify(f.leftover.key)}: ${redactText(f.problem)}\n`);
  const stuck = failed.filter((f) => f.leftover.stuck);
  if (stuck.length) process.stderr.write(`ims-sweep: ${stuck.length} tag(s) could not be deleted, as before: ${stuckExplanation(stuck.map((f) => f.leftover.stuck!))}\n`);
  return failed.length ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exit(await main());
