// Preflight: before any test, prove the target is usable. Each failure is one line naming the variable or the
// problem; the whole check is bounded so an unreachable endpoint answers within seconds.
import type { SuiteConfig } from './config.js';
import { ApiClient } from '../http/client.js';
import type { Session } from './session.js';
import type { AuthHeaders } from '../auth/credentials.js';
import { RateLimiter } from '../http/rate-limit.js';
import { IamLoginError } from '../auth/iam.js';
import { planSweep, summarizeLeftovers, type Leftover } from '../books/leftovers.js';
import { isRunAlive, readAllLedgers } from '../books/ledger.js';
import { probeImages, type WriteProbeRecord } from './write-probe.js';

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
  /** One per image probed (both images at once when there are two). */
  writeProbes?: WriteProbeRecord[];
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

/** A login that fails is a configuration problem, named by the variables to check; undefined when it worked. */
async function loginProblem(config: SuiteConfig, who: 'owner' | 'forbidden', fetchToken: () => Promise<string>): Promise<string | undefined> {
  const p = who === 'owner' ? 'IMS_' : 'IMS_FORBIDDEN_';
  try {
    await fetchToken();
    return undefined;
  } catch (err) {
    if (!(err instanceof IamLoginError)) throw err;
    const keystone = (who === 'owner' ? config.owner : config.forbidden)?.form === 'keystone';
    if (err.kind === 'unreachable') return keystone ? err.message : `${p}IAM_ENDPOINT: ${err.message}`;
    if (keystone) return `the ${who} persona's Keystone login failed: ${err.message}`;
    return `the ${who} persona's IAM login failed: ${err.message}: check ${credentialVariables(config, who)} (and that the user may work in IMS_PROJECT_ID=${config.projectId})`;
  }
}

export type CheckResult<F> = { fatal: string } | { warning?: string; facts?: F };

/** What the checks share: the session, clients on the preflight's short budget, and every fact found so far. */
interface PreflightContext {
  session: Session;
  runId?: string;
  /** Requests of the preflight: a short timeout, the run's rate limit. */
  quick: SuiteConfig;
  limiter: RateLimiter;
  owner: ApiClient;
  facts: Facts;
}

/** Facts the checks hand on to later ones and to the record; the ones of PreflightResult fill it. */
interface Facts extends Partial<Omit<PreflightResult, 'warnings'>> {
  ownerListing?: { tags?: Map<string, string | null>; error?: unknown };
  forbiddenAnswer?: Promise<string | undefined>;
}

interface Check {
  name: string;
  run(ctx: PreflightContext): Promise<CheckResult<Partial<Facts>>>;
}

const fatal = (message: string) => ({ fatal: message });
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The checks in order: each may use what earlier ones found. */
const CHECKS: Check[] = [
  {
    name: 'owner login',
    async run({ session }) {
      if (!session.logins.owner) return {};
      const problem = await loginProblem(session.config, 'owner', () => session.logins.owner!.token());
      return problem ? fatal(problem) : {};
    },
  },
  {
    name: "owner lists the image's tags",
    async run({ owner }) {
      try {
        return { facts: { ownerListing: { tags: await owner.listTags({}, 'preflight') } } };
      } catch (error) {
        return { facts: { ownerListing: { error } } }; // judged after the clock: a skewed clock also makes signatures fail
      }
    },
  },
  {
    name: 'clock',
    async run({ session }) {
      const first = session.log.exchanges.find((e) => e.role === 'preflight' && e.status !== undefined);
      const date = first?.responseHeaders?.date;
      if (!first) return {};
      if (!date || Number.isNaN(Date.parse(date))) return { warning: 'the target sent no Date header: clock skew was not checked' };
      const clockSkewMs = Math.round(first.startedAt + first.durationMs / 2 - Date.parse(date));
      if (Math.abs(clockSkewMs) > MAX_CLOCK_SKEW_MS) {
        return fatal(`this machine's clock differs from the target's Date header by ${Math.round(clockSkewMs / 1000)} s (more than 5 minutes): fix the clock, signed requests and tokens depend on it`);
      }
      return { facts: { clockSkewMs } };
    },
  },
  {
    name: 'image readable',
    async run({ session: { config, log }, facts }) {
      const { tags, error } = facts.ownerListing ?? {};
      if (tags) return { facts: { snapshot: { [config.imageId]: Object.fromEntries(tags) }, freeSlots: { [config.imageId]: config.tagQuota - tags.size } } };
      const last = log.exchanges.at(-1);
      if (!last || last.error !== undefined) return fatal(`the endpoint IMS_ENDPOINT=${config.endpoint} is unreachable: ${last?.error ?? errorText(error)}`);
      if (last.status === 401) return fatal(`the owner's credentials were refused (401): check ${credentialVariables(config, 'owner')}`);
      if (last.status === 403) return fatal(`the owner persona may not read image IMS_IMAGE_ID=${config.imageId} (403): check the credentials' project and permissions`);
      if (last.status === 404 || last.status === 400) {
        return fatal(`image IMS_IMAGE_ID=${config.imageId} was not found${config.dialect === 'ims' ? ` in project IMS_PROJECT_ID=${config.projectId}` : ''} (${last.status})`);
      }
      return fatal(`listing the image's tags does not work: ${errorText(error)}`);
    },
  },
  {
    // Asked now, judged after the other image: the two independent checks cost one round trip.
    name: 'forbidden persona (asked)',
    async run(ctx) {
      if (!ctx.session.auth.forbidden) return {};
      const answer = forbiddenProblem(ctx.session, ctx.owner);
      answer.catch(() => undefined);
      return { facts: { forbiddenAnswer: answer } };
    },
  },
  {
    name: 'other image',
    async run({ session: { config }, owner, facts }) {
      if (!config.otherImageId) return {};
      try {
        const other = await owner.listTags({ image: config.otherImageId }, 'preflight');
        return { facts: { snapshot: { ...facts.snapshot, [config.otherImageId]: Object.fromEntries(other) }, freeSlots: { ...facts.freeSlots, [config.otherImageId]: config.tagQuota - other.size } } };
      } catch (err) {
        return fatal(`IMS_OTHER_IMAGE_ID=${config.otherImageId} cannot be listed by the owner: ${errorText(err)}`);
      }
    },
  },
  {
    // Before the free slots: when earlier runs' leftovers fill the quota, that failure names them and the way out.
    name: 'leftovers of earlier runs',
    async run({ session: { config }, runId, facts }) {
      const leftovers = planSweep({
        listings: Object.fromEntries(Object.entries(facts.snapshot ?? {}).map(([image, tags]) => [image, new Map(Object.entries(tags))])),
        ledger: readAllLedgers(config.resultsDir),
        isAlive: (id) => isRunAlive(config.resultsDir, id),
        ttlMs: LEFTOVER_TTL_MS,
        now: Date.now(),
        currentRunId: runId,
      });
      return { warning: summarizeLeftovers(leftovers), facts: { leftovers } };
    },
  },
  {
    name: 'free tag slots',
    async run({ session: { config }, facts }) {
      const summary = summarizeLeftovers(facts.leftovers ?? []);
      for (const [image, free] of Object.entries(facts.freeSlots ?? {})) {
        if (free >= MIN_FREE_SLOTS) continue;
        const present = Object.keys(facts.snapshot?.[image] ?? {}).length;
        return fatal(`image ${image} carries ${present} tags and IMS_TAG_QUOTA=${config.tagQuota}: the suite needs at least ${MIN_FREE_SLOTS} free tag slots (raise IMS_TAG_QUOTA if the image allows more)${summary ? `; ${summary}` : ''}`);
      }
      return {};
    },
  },
  {
    name: 'forbidden persona',
    async run({ facts }) {
      const problem = await facts.forbiddenAnswer;
      return problem ? fatal(problem) : {};
    },
  },
  {
    name: 'outsider persona',
    async run({ session, owner }) {
      return session.auth.outsider ? checkOutsider(session, owner, session.auth.outsider) : {};
    },
  },
  {
    // Last: the probe needs the free slots confirmed, and its keys are gone again before any test starts.
    name: 'write probe',
    async run({ session: { config, context: request, log, auth }, runId, quick, limiter, facts }) {
      if (!runId) return {};
      const freeSlots = { ...facts.freeSlots };
      // The other image first: when only one image can be probed, the tests' main image is left as it was.
      const images = config.otherImageId ? [config.otherImageId, config.imageId] : [config.imageId];
      // Its pairs of writes overlap on purpose; with IMS_SERIAL_WRITES=1 it sends none (write-probe.ts).
      const overlapping = new ApiClient(request, { ...quick, serialWrites: false }, log, 'owner', auth.owner, limiter);
      const writeProbes = await probeImages(overlapping, images, freeSlots, { resultsDir: config.resultsDir, runId }, { serialWritesRequested: config.serialWrites });
      const warnings: string[] = [];
      let serialWrites: boolean | undefined;
      const lost = writeProbes.find((p) => p.lost.length);
      if (lost) {
        serialWrites = !config.parallelWritesForced;
        warnings.push(
          `the target loses overlapping writes to one image (${lost.lost[0]}): ${config.parallelWritesForced ? 'IMS_SERIAL_WRITES=0 keeps writes parallel, so other verdicts may be polluted by it' : 'the run writes one at a time'} (DT-17)`,
        );
      }
      for (const p of writeProbes) {
        freeSlots[p.image]! -= p.left.length;
        if (p.left.length) warnings.push(`the write probe could not remove its keys ${p.left.map((k) => JSON.stringify(k)).join(', ')} from image ${p.image}`);
      }
      return { warning: warnings.join('; ') || undefined, facts: { writeProbes, serialWrites, freeSlots } };
    },
  },
];

/** The checks, in order: the first fatal one stops the run (PreflightError, one line, exit 2); warnings and facts are kept. */
export async function preflight(session: Session, runId?: string): Promise<PreflightResult> {
  const { config, context: request, log, auth } = session;
  // A short per-request budget keeps the whole preflight inside 10 s whatever IMS_TIMEOUT_MS says.
  const quick: SuiteConfig = { ...config, timeoutMs: Math.min(config.timeoutMs, 3_000) };
  const limiter = new RateLimiter(config.maxRps);
  const ctx: PreflightContext = { session, runId, quick, limiter, owner: new ApiClient(request, quick, log, 'owner', auth.owner, limiter), facts: {} };
  const warnings: string[] = [];
  for (const check of CHECKS) {
    const result = await check.run(ctx);
    if ('fatal' in result) throw new PreflightError(result.fatal);
    if (result.warning) warnings.push(result.warning);
    Object.assign(ctx.facts, result.facts);
  }
  const { snapshot = {}, freeSlots = {}, clockSkewMs, leftovers = [], writeProbes, serialWrites } = ctx.facts;
  return { snapshot, freeSlots, clockSkewMs, leftovers, writeProbes, serialWrites, warnings };
}

/** The names of the preflight's checks, in the order they run (docs, tests). */
export const PREFLIGHT_CHECKS = CHECKS.map((c) => c.name);

/**
 * The outsider's credentials must be valid (a 401 is a configuration error, as for the forbidden persona). Any other
 * refusal to read its own image is a warning: the cross-tenant test then reports itself blocked, and a target that
 * confuses its users (no authentication at all) still gets a verdict. Judged by the answer's status, not a message.
 */
async function checkOutsider({ config, log }: Session, owner: ApiClient, headers: AuthHeaders): Promise<CheckResult<never>> {
  const at = { image: config.outsiderImageId, project: config.otherProjectId };
  try {
    await owner.as('outsider', headers).listTags(at, 'preflight');
    return {};
  } catch (err) {
    const why = errorText(err);
    const answer = log.exchanges.filter((e) => e.persona === 'outsider').at(-1);
    if (answer?.status === 401) return fatal(`the outsider persona's credentials were refused (401): check the IMS_OUTSIDER_* variables`);
    if (answer?.status === undefined) return fatal(`the outsider persona's request did not get an answer: ${why}`);
    return { warning: `the outsider persona cannot list its own image IMS_OUTSIDER_IMAGE_ID=${config.outsiderImageId}${config.dialect === 'ims' ? ` in IMS_OTHER_PROJECT_ID=${config.otherProjectId}` : ''} (${why}): the cross-tenant case will be blocked` };
  }
}

/** The forbidden persona's credentials must be valid: a 401 would turn every 403 test into a false failure. */
async function forbiddenProblem({ config, auth, logins, log }: Session, owner: ApiClient): Promise<string | undefined> {
  if (logins.forbidden) {
    const problem = await loginProblem(config, 'forbidden', () => logins.forbidden!.token());
    if (problem) return problem;
  }
  const forbidden = owner.as('forbidden', auth.forbidden!);
  await forbidden.listTags({}, 'preflight').catch(() => undefined); // a 403 on the list is fine
  const last = log.exchanges.filter((e) => e.persona === 'forbidden').at(-1);
  if (last?.status === 401) return `the forbidden persona's credentials were refused (401): check ${credentialVariables(config, 'forbidden')}`;
  if (last?.status === undefined) return `the forbidden persona's request did not get an answer: ${last?.error ?? 'unknown error'}`;
  return undefined;
}
