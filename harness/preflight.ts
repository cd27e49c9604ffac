// Preflight: before any test, prove the target is usable. Each failure is one line naming the variable or the
// problem; the whole check is bounded so an unreachable endpoint answers within seconds.
import type { SuiteConfig } from './config.js';
import { ApiClient } from './client.js';
import type { Session } from './session.js';
import type { AuthHeaders } from './auth/credentials.js';
import { RateLimiter } from './rate-limit.js';
import { HarnessError } from './errors.js';
import { IamLoginError } from './auth/iam.js';
import { planSweep, summarizeLeftovers, type Leftover } from './leftovers.js';
import { isRunAlive, readAllLedgers } from './ledger.js';
import { probeWrites, type WriteProbeRecord } from './write-probe.js';

/** The most tag slots any single test needs at once (a DT-04 near-miss pair). */
const MIN_FREE_SLOTS = 2;
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export interface PreflightResult {
  /** Tags present at start, per image: other people's data, checked again at the end. */
  snapshot: Record<string, Record<string, string | null>>;
  freeSlots: Record<string, number>;
  clockSkewMs?: number;
  /** Tags earlier runs of the suite left on the images (reported, never touched here). */
  leftovers: Leftover[];
  /** Whether overlapping writes to one image are lost (DT-17); absent when the probe could not run. */
  writeProbe?: WriteProbeRecord;
  /** The probe found lost writes and the run goes one write at a time (unless IMS_SERIAL_WRITES=0). */
  serialWrites?: boolean;
  warnings: string[];
}

/** Runs older than this count as dead for the leftover report (and the sweep's default). */
export const LEFTOVER_TTL_MS = 6 * 3_600_000;

export class PreflightError extends Error {
  override name = 'PreflightError';
}

function credentialVariables(c: SuiteConfig, who: 'owner' | 'forbidden'): string {
  const p = who === 'owner' ? 'IMS_' : 'IMS_FORBIDDEN_';
  const creds = who === 'owner' ? c.owner : c.forbidden;
  if (creds?.form === 'keystone') return creds.source;
  const form = creds?.form;
  return form === 'aksk' ? `${p}ACCESS_KEY/${p}SECRET_KEY` : form === 'iam' ? `${p}IAM_USERNAME/${p}IAM_PASSWORD/${p}IAM_DOMAIN` : `${p}AUTH_TOKEN`;
}

async function login(config: SuiteConfig, who: 'owner' | 'forbidden', fetchToken: () => Promise<string>): Promise<void> {
  const p = who === 'owner' ? 'IMS_' : 'IMS_FORBIDDEN_';
  try {
    await fetchToken();
  } catch (err) {
    if (!(err instanceof IamLoginError)) throw err;
    const keystone = (who === 'owner' ? config.owner : config.forbidden)?.form === 'keystone';
    if (err.kind === 'unreachable') throw new PreflightError(keystone ? err.message : `${p}IAM_ENDPOINT: ${err.message}`);
    if (keystone) throw new PreflightError(`the ${who} persona's Keystone login failed: ${err.message}`);
    throw new PreflightError(`the ${who} persona's IAM login failed: ${err.message}: check ${credentialVariables(config, who)} (and that the user may work in IMS_PROJECT_ID=${config.projectId})`);
  }
}

export async function preflight(session: Session, runId?: string): Promise<PreflightResult> {
  const { config, context: request, log, auth, logins } = session;
  const warnings: string[] = [];
  // A short per-request budget keeps the whole preflight inside 10 s whatever IMS_TIMEOUT_MS says.
  const quick: SuiteConfig = { ...config, timeoutMs: Math.min(config.timeoutMs, 3_000) };
  const limiter = new RateLimiter(config.maxRps);
  const owner = new ApiClient(request, quick, log, 'owner', auth.owner, limiter);
  if (logins.owner) await login(config, 'owner', () => logins.owner!.token());

  let tags: Map<string, string | null> | undefined;
  let listError: unknown;
  try {
    tags = await owner.listTags({}, 'preflight');
  } catch (err) {
    listError = err;
  }

  // The clock first: a skewed clock also makes signatures fail, and then "credentials refused" would mislead.
  const first = log.exchanges.find((e) => e.role === 'preflight' && e.status !== undefined);
  const date = first?.responseHeaders?.date;
  let clockSkewMs: number | undefined;
  if (date && !Number.isNaN(Date.parse(date))) {
    clockSkewMs = Math.round(first!.startedAt + first!.durationMs / 2 - Date.parse(date));
    if (Math.abs(clockSkewMs) > MAX_CLOCK_SKEW_MS) {
      throw new PreflightError(`this machine's clock differs from the target's Date header by ${Math.round(clockSkewMs / 1000)} s (more than 5 minutes): fix the clock, signed requests and tokens depend on it`);
    }
  } else if (first) warnings.push('the target sent no Date header: clock skew was not checked');

  if (!tags) {
    const err = listError;
    const last = log.exchanges.at(-1);
    if (!last || last.error !== undefined) {
      const reason = last?.error ?? (err instanceof Error ? err.message : String(err));
      throw new PreflightError(`the endpoint IMS_ENDPOINT=${config.endpoint} is unreachable: ${reason}`);
    }
    if (last.status === 401) throw new PreflightError(`the owner's credentials were refused (401): check ${credentialVariables(config, 'owner')}`);
    if (last.status === 403) throw new PreflightError(`the owner persona may not read image IMS_IMAGE_ID=${config.imageId} (403): check the credentials' project and permissions`);
    if (last.status === 404 || last.status === 400) {
      throw new PreflightError(`image IMS_IMAGE_ID=${config.imageId} was not found${config.dialect === 'ims' ? ` in project IMS_PROJECT_ID=${config.projectId}` : ''} (${last.status})`);
    }
    throw new PreflightError(`listing the image's tags does not work: ${err instanceof Error ? err.message : String(err)}`);
  }

  const snapshot: PreflightResult['snapshot'] = { [config.imageId]: Object.fromEntries(tags) };
  const freeSlots: Record<string, number> = { [config.imageId]: config.tagQuota - tags.size };
  // The other image and the forbidden persona are independent checks: asked together, one round trip.
  const forbiddenCheck = auth.forbidden ? checkForbidden(session, owner) : undefined;
  forbiddenCheck?.catch(() => undefined); // judged below, after the other image
  if (config.otherImageId) {
    try {
      const other = await owner.listTags({ image: config.otherImageId }, 'preflight');
      snapshot[config.otherImageId] = Object.fromEntries(other);
      freeSlots[config.otherImageId] = config.tagQuota - other.size;
    } catch (err) {
      throw new PreflightError(`IMS_OTHER_IMAGE_ID=${config.otherImageId} cannot be listed by the owner: ${err instanceof HarnessError ? err.message : String(err)}`);
    }
  }
  // Leftovers of earlier runs first: when they fill the quota, the failure below names them and the way out.
  const leftovers = planSweep({
    listings: Object.fromEntries(Object.entries(snapshot).map(([image, tags]) => [image, new Map(Object.entries(tags))])),
    ledger: readAllLedgers(config.resultsDir),
    isAlive: (id) => isRunAlive(config.resultsDir, id),
    ttlMs: LEFTOVER_TTL_MS,
    now: Date.now(),
    currentRunId: runId,
  });
  const summary = summarizeLeftovers(leftovers);
  if (summary) warnings.push(summary);
  for (const [image, free] of Object.entries(freeSlots)) {
    if (free < MIN_FREE_SLOTS) {
      const present = Object.keys(snapshot[image] ?? {}).length;
      throw new PreflightError(
        `image ${image} carries ${present} tags and IMS_TAG_QUOTA=${config.tagQuota}: the suite needs at least ${MIN_FREE_SLOTS} free tag slots (raise IMS_TAG_QUOTA if the image allows more)${summary ? `; ${summary}` : ''}`,
      );
    }
  }
  await forbiddenCheck;
  if (auth.outsider) {
    const problem = await checkOutsider(config, owner, auth.outsider);
    if (problem) warnings.push(problem);
  }

  // Last: the probe needs the free slots confirmed, and its keys are gone again before any test starts.
  let writeProbe: WriteProbeRecord | undefined;
  let serialWrites: boolean | undefined;
  if (runId) {
    const image = config.otherImageId ?? config.imageId;
    // Its pairs of writes overlap on purpose; with IMS_SERIAL_WRITES=1 it sends none (write-probe.ts).
    const overlapping = new ApiClient(request, { ...quick, serialWrites: false }, log, 'owner', auth.owner, limiter);
    writeProbe = await probeWrites(overlapping, image, freeSlots[image]!, { resultsDir: config.resultsDir, runId }, { serialWritesRequested: config.serialWrites });
    freeSlots[image]! -= writeProbe.left.length;
    if (writeProbe.lost.length) {
      const forcedParallel = process.env.IMS_SERIAL_WRITES?.trim() === '0';
      serialWrites = !forcedParallel;
      warnings.push(
        `the target loses overlapping writes to one image (${writeProbe.lost[0]}): ${forcedParallel ? 'IMS_SERIAL_WRITES=0 keeps writes parallel, so other verdicts may be polluted by it' : 'the run writes one at a time'} (DT-17)`,
      );
    }
    if (writeProbe.left.length) warnings.push(`the write probe could not remove its keys ${writeProbe.left.map((k) => JSON.stringify(k)).join(', ')} from image ${image}`);
  }

  return { snapshot, freeSlots, clockSkewMs, leftovers, writeProbe, serialWrites, warnings };
}

/**
 * The outsider's credentials must be valid (a 401 is a configuration error, as for the forbidden persona). Any other
 * refusal to read its own image is a warning: the cross-tenant test then reports itself blocked, and a target that
 * confuses its users (no authentication at all) still gets a verdict.
 */
async function checkOutsider(config: SuiteConfig, owner: ApiClient, headers: AuthHeaders): Promise<string | undefined> {
  const at = { image: config.outsiderImageId, project: config.otherProjectId };
  try {
    await owner.as('outsider', headers).listTags(at, 'preflight');
    return undefined;
  } catch (err) {
    const why = err instanceof HarnessError ? err.message : String(err);
    if (/-> 401\b/.test(why)) throw new PreflightError(`the outsider persona's credentials were refused (401): check the IMS_OUTSIDER_* variables`);
    if (!/-> \d{3}\b/.test(why)) throw new PreflightError(`the outsider persona's request did not get an answer: ${why}`);
    return `the outsider persona cannot list its own image IMS_OUTSIDER_IMAGE_ID=${config.outsiderImageId}${config.dialect === 'ims' ? ` in IMS_OTHER_PROJECT_ID=${config.otherProjectId}` : ''} (${why}): the cross-tenant case will be blocked`;
  }
}

/** The forbidden persona's credentials must be valid: a 401 would turn every 403 test into a false failure. */
async function checkForbidden({ config, auth, logins, log }: Session, owner: ApiClient): Promise<void> {
  if (logins.forbidden) await login(config, 'forbidden', () => logins.forbidden!.token());
  const forbidden = owner.as('forbidden', auth.forbidden!);
  await forbidden.listTags({}, 'preflight').catch(() => undefined); // a 403 on the list is fine
  const last = log.exchanges.filter((e) => e.persona === 'forbidden').at(-1);
  if (last?.status === 401) throw new PreflightError(`the forbidden persona's credentials were refused (401): check ${credentialVariables(config, 'forbidden')}`);
  if (last?.status === undefined) throw new PreflightError(`the forbidden persona's request did not get an answer: ${last?.error ?? 'unknown error'}`);
}
