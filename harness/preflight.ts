// Preflight: before any test, prove the target is usable. Each failure is one line naming the variable or the
// problem; the whole check is bounded so an unreachable endpoint answers within seconds.
import type { APIRequestContext } from '@playwright/test';
import type { SuiteConfig } from './config.js';
import { ApiClient } from './client.js';
import type { ExchangeLog } from './exchanges.js';
import type { AuthHeaders } from './auth/credentials.js';
import { RateLimiter } from './rate-limit.js';
import { HarnessError } from './errors.js';

/** The most tag slots any single test needs at once (a DT-04 near-miss pair). */
export const MIN_FREE_SLOTS = 2;
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export interface PreflightResult {
  /** Tags present at start, per image: other people's data, checked again at the end. */
  snapshot: Record<string, Record<string, string | null>>;
  freeSlots: Record<string, number>;
  clockSkewMs?: number;
  warnings: string[];
}

export class PreflightError extends Error {
  override name = 'PreflightError';
}

const credentialVariables = (c: SuiteConfig) =>
  c.owner?.form === 'aksk' ? 'IMS_ACCESS_KEY/IMS_SECRET_KEY' : c.owner?.form === 'iam' ? 'IMS_IAM_USERNAME/IMS_IAM_PASSWORD/IMS_IAM_DOMAIN' : 'IMS_AUTH_TOKEN';

export async function preflight(config: SuiteConfig, request: APIRequestContext, log: ExchangeLog, ownerAuth: AuthHeaders): Promise<PreflightResult> {
  const warnings: string[] = [];
  // A short per-request budget keeps the whole preflight inside 10 s whatever IMS_TIMEOUT_MS says.
  const quick: SuiteConfig = { ...config, timeoutMs: Math.min(config.timeoutMs, 4_000) };
  const owner = new ApiClient(request, quick, log, 'owner', ownerAuth, new RateLimiter(config.maxRps));

  let tags: Map<string, string | null>;
  try {
    tags = await owner.listTags({}, 'preflight');
  } catch (err) {
    const last = log.exchanges.at(-1);
    if (!last || last.error !== undefined) {
      const reason = last?.error ?? (err instanceof Error ? err.message : String(err));
      throw new PreflightError(`the endpoint IMS_ENDPOINT=${config.endpoint} is unreachable: ${reason}`);
    }
    if (last.status === 401) throw new PreflightError(`the owner's credentials were refused (401): check ${credentialVariables(config)}`);
    if (last.status === 403) throw new PreflightError(`the owner persona may not read image IMS_IMAGE_ID=${config.imageId} (403): check the credentials' project and permissions`);
    if (last.status === 404 || last.status === 400) {
      throw new PreflightError(`image IMS_IMAGE_ID=${config.imageId} was not found${config.dialect === 'ims' ? ` in project IMS_PROJECT_ID=${config.projectId}` : ''} (${last.status})`);
    }
    throw new PreflightError(`listing the image's tags does not work: ${err instanceof Error ? err.message : String(err)}`);
  }

  const first = log.exchanges.find((e) => e.status !== undefined);
  const date = first?.responseHeaders?.date;
  let clockSkewMs: number | undefined;
  if (date && !Number.isNaN(Date.parse(date))) {
    clockSkewMs = first!.startedAt + first!.durationMs / 2 - Date.parse(date);
    if (Math.abs(clockSkewMs) > MAX_CLOCK_SKEW_MS) {
      throw new PreflightError(`this machine's clock differs from the target's Date header by ${Math.round(clockSkewMs / 1000)} s (more than 5 minutes): fix the clock, signed requests and tokens depend on it`);
    }
  } else warnings.push('the target sent no Date header: clock skew was not checked');

  const snapshot: PreflightResult['snapshot'] = { [config.imageId]: Object.fromEntries(tags) };
  const freeSlots: Record<string, number> = { [config.imageId]: config.tagQuota - tags.size };
  if (config.otherImageId) {
    try {
      const other = await owner.listTags({ image: config.otherImageId }, 'preflight');
      snapshot[config.otherImageId] = Object.fromEntries(other);
      freeSlots[config.otherImageId] = config.tagQuota - other.size;
    } catch (err) {
      throw new PreflightError(`IMS_OTHER_IMAGE_ID=${config.otherImageId} cannot be listed by the owner: ${err instanceof HarnessError ? err.message : String(err)}`);
    }
  }
  for (const [image, free] of Object.entries(freeSlots)) {
    if (free < MIN_FREE_SLOTS) {
      const present = Object.keys(snapshot[image] ?? {}).length;
      throw new PreflightError(
        `image ${image} carries ${present} tags and IMS_TAG_QUOTA=${config.tagQuota}: the suite needs at least ${MIN_FREE_SLOTS} free tag slots (raise IMS_TAG_QUOTA if the image allows more)`,
      );
    }
  }
  return { snapshot, freeSlots, clockSkewMs, warnings };
}
