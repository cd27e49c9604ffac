// Configuration: IMS_* variables (and a .env file), validated once with one message per problem.
import { existsSync, readFileSync } from 'node:fs';
import { DEFAULT_EXPLORE_REQUESTS } from '../explore/budget.js';
import type { Dialect } from '../spec.js';
import { EMBEDDED_SEED } from './embedded-target.js';
import { readProxy, type ProxySettings } from '../http/proxy.js';
import { osVariable, readOpenStackCredentials, type KeystoneCredentials } from '../auth/openstack.js';

export type Credentials =
  | { form: 'token'; token: string }
  | { form: 'aksk'; accessKey: string; secretKey: string }
  | { form: 'iam'; endpoint: string; username: string; password: string; domain: string }
  | KeystoneCredentials;

/** The suite's personas and the prefix of their variables. */
const PERSONA_PREFIX = { owner: 'IMS_', forbidden: 'IMS_FORBIDDEN_', outsider: 'IMS_OUTSIDER_' } as const;
export type Persona = keyof typeof PERSONA_PREFIX;

export interface SuiteConfig {
  endpoint: string;
  embedded: boolean;
  dialect: Dialect;
  projectId: string;
  imageId: string;
  otherImageId?: string;
  otherProjectId?: string;
  owner?: Credentials;
  forbidden?: Credentials;
  /** A persona of another project (IMS_OTHER_PROJECT_ID in the ims dialect) that owns outsiderImageId: DT-09's cross-tenant case. */
  outsider?: Credentials;
  outsiderImageId?: string;
  /** No IMS_ENDPOINT, OpenStack credentials: the endpoint comes from the owner's token's catalogue (set before the run). */
  endpointFromCatalogue?: boolean;
  tagQuota: number;
  timeoutMs: number;
  maxRps?: number;
  /**
   * One request at a time, one test at a time (IMS_SERIAL_WRITES=1), except DT-06's deliberately concurrent
   * deletes: for targets that lose updates when one image's tags are written concurrently (OpenStack Glance).
   */
  serialWrites: boolean;
  /**
   * Nobody else writes to the image (IMS_IMAGE_EXCLUSIVE=1): every change of a tag the run did not create is judged
   * against the run's requests. Off by default: on a shared image only requests that can have caused a change are
   * judged for it (harness/books/judge.ts), the rest are other writers' changes, recorded.
   */
  imageExclusive: boolean;
  /** IMS_SERIAL_WRITES=0: writes stay parallel even when the preflight finds the target loses overlapping ones. */
  parallelWritesForced: boolean;
  /** IMS_STRICT=1 (--strict, always for certify): unknown IMS_* names are errors; a required requirement left unexercised makes the run INCOMPLETE. */
  strict: boolean;
  caFile?: string;
  insecureTls: boolean;
  /** From HTTPS_PROXY/HTTP_PROXY and NO_PROXY; never for the embedded target. */
  proxy?: ProxySettings;
  resultsDir: string;
  /** Playwright workers (IMS_WORKERS, default 4; 1 with serial writes). */
  workers: number;
  /** The embedded reference target's latency per response (IMS_REFERENCE_LATENCY_MS, benchmarks only). */
  referenceLatencyMs?: number;
  /** Requests the stateful exploration may send (IMS_EXPLORE; 0 turns it off). */
  explore: number;
  /** The exploration's seed (IMS_SEED): replays a run's sequences. */
  seed?: number;
}

/** Exit code 2 material: the configuration cannot describe a usable run. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Every IMS_* name the suite reads; anything else with the prefix is most likely a typo. */
const KNOWN_VARIABLES = [
  'IMS_ENDPOINT', 'IMS_PROJECT_ID', 'IMS_IMAGE_ID', 'IMS_OTHER_IMAGE_ID', 'IMS_OTHER_PROJECT_ID', 'IMS_API_DIALECT',
  'IMS_AUTH_TOKEN', 'IMS_ACCESS_KEY', 'IMS_SECRET_KEY', 'IMS_IAM_ENDPOINT', 'IMS_IAM_USERNAME', 'IMS_IAM_PASSWORD', 'IMS_IAM_DOMAIN',
  'IMS_FORBIDDEN_AUTH_TOKEN', 'IMS_FORBIDDEN_ACCESS_KEY', 'IMS_FORBIDDEN_SECRET_KEY', 'IMS_FORBIDDEN_IAM_ENDPOINT',
  'IMS_FORBIDDEN_IAM_USERNAME', 'IMS_FORBIDDEN_IAM_PASSWORD', 'IMS_FORBIDDEN_IAM_DOMAIN',
  'IMS_TAG_QUOTA', 'IMS_TIMEOUT_MS', 'IMS_MAX_RPS', 'IMS_CA_FILE', 'IMS_INSECURE_TLS', 'IMS_RESULTS_DIR', 'IMS_WORKERS',
  'IMS_SERIAL_WRITES', 'IMS_IMAGE_EXCLUSIVE', 'IMS_STRICT', 'IMS_EXPLORE', 'IMS_SEED',
  // The target's identity (vendor, product, version): recorded in the report; required by certify.
  'IMS_VENDOR', 'IMS_PRODUCT', 'IMS_PRODUCT_VERSION',
  'IMS_OUTSIDER_IMAGE_ID', 'IMS_OUTSIDER_AUTH_TOKEN', 'IMS_OUTSIDER_ACCESS_KEY', 'IMS_OUTSIDER_SECRET_KEY', 'IMS_OUTSIDER_IAM_ENDPOINT',
  'IMS_OUTSIDER_IAM_USERNAME', 'IMS_OUTSIDER_IAM_PASSWORD', 'IMS_OUTSIDER_IAM_DOMAIN', 'IMS_OS_INTERFACE', 'IMS_OS_REGION',
  ...(['IMS_FORBIDDEN_', 'IMS_OUTSIDER_'] as const).flatMap((p) =>
    ['CLOUD', 'AUTH_URL', 'USERNAME', 'PASSWORD', 'PROJECT_NAME', 'PROJECT_ID', 'USER_DOMAIN_NAME', 'PROJECT_DOMAIN_NAME', 'INTERFACE', 'REGION_NAME'].map((n) => `${p}OS_${n}`),
  ),
  'IMS_RUN_IAM_TOKEN_OUTSIDER', 'IMS_RUN_TOKEN_EXPIRES_OWNER', 'IMS_RUN_TOKEN_EXPIRES_FORBIDDEN', 'IMS_RUN_TOKEN_EXPIRES_OUTSIDER',
  // Set by the runner itself for its worker processes.
  'IMS_RUN_ID', 'IMS_REFERENCE_PORT', 'IMS_REFERENCE_LATENCY_MS', 'IMS_BROKER_URL', 'IMS_RUN_IAM_TOKEN_OWNER', 'IMS_RUN_IAM_TOKEN_FORBIDDEN',
  'IMS_PREFLIGHT_RUN_ID',
] as const;

type Env = Record<string, string | undefined>;

function readCredentials(env: Env, prefix: string, problems: string[], dialect: Dialect = 'ims'): Credentials | undefined {
  const v = (name: string) => env[`${prefix}${name}`]?.trim() || undefined;
  const forms: Credentials[] = [];
  const token = v('AUTH_TOKEN');
  if (token) forms.push({ form: 'token', token });
  const [ak, sk] = [v('ACCESS_KEY'), v('SECRET_KEY')];
  if (ak && sk) forms.push({ form: 'aksk', accessKey: ak, secretKey: sk });
  else if (ak || sk) problems.push(`${prefix}ACCESS_KEY and ${prefix}SECRET_KEY must be set together`);
  const iam = { endpoint: v('IAM_ENDPOINT'), username: v('IAM_USERNAME'), password: v('IAM_PASSWORD'), domain: v('IAM_DOMAIN') };
  const iamSet = Object.entries(iam).filter(([, x]) => x);
  if (iamSet.length === 4) forms.push({ form: 'iam', ...(iam as { endpoint: string; username: string; password: string; domain: string }) });
  else if (iamSet.length > 0) {
    const missing = Object.entries(iam).filter(([, x]) => !x).map(([k]) => `${prefix}IAM_${k.toUpperCase()}`);
    problems.push(`IAM authentication needs ${missing.join(', ')} as well`);
  }
  if (iam.endpoint && iamSet.length === 4 && !/^https?:\/\//.test(iam.endpoint)) problems.push(`${prefix}IAM_ENDPOINT must be an http(s) URL`);
  // OpenStack's conventions (openstack dialect). The owner's OS_* may be ambient in an OpenStack user's shell: an
  // IMS_* form given explicitly wins over them; the other personas' prefixed names are never ambient.
  if (dialect === 'openstack' && !(prefix === 'IMS_' && forms.length)) {
    const os = readOpenStackCredentials(env, prefix, problems);
    if (os) forms.push(os);
  } else if (dialect === 'ims' && prefix !== 'IMS_' && Object.keys(env).some((n) => n.startsWith(osVariable(prefix, '')) && env[n]?.trim())) {
    problems.push(`${osVariable(prefix, '*')}: OpenStack credentials are read in the openstack dialect only (IMS_API_DIALECT=openstack)`);
  }
  if (forms.length > 1) problems.push(`${prefix}: set one authentication form (token, AK/SK, IAM or OpenStack), not ${forms.map((f) => f.form).join(' and ')}`);
  return forms[0];
}

function positiveInt(env: Env, name: string, fallback: number | undefined, problems: string[]): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^[1-9][0-9]*$/.test(raw)) {
    problems.push(`${name} must be a positive whole number, got ${JSON.stringify(raw)}`);
    return fallback;
  }
  return Number(raw);
}

function wholeNumber(env: Env, name: string, fallback: number, problems: string[]): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^(0|[1-9][0-9]{0,6})$/.test(raw)) problems.push(`${name} must be a whole number of requests (0 turns the exploration off), got ${JSON.stringify(raw)}`);
  return /^[0-9]+$/.test(raw) ? Number(raw) : fallback;
}

function seedOf(env: Env, problems: string[]): number | undefined {
  const raw = env.IMS_SEED?.trim();
  if (!raw) return undefined;
  if (!/^-?[0-9]{1,10}$/.test(raw) || Math.abs(Number(raw)) > 0x7fffffff) {
    problems.push(`IMS_SEED must be the whole number a run printed (a 32-bit integer), got ${JSON.stringify(raw)}`);
    return undefined;
  }
  return Number(raw);
}

/**
 * IMS_* names the suite does not read, one line each: most likely typos, but the prefix is common (IMS_REGION), so
 * they are a warning, and an error only under IMS_STRICT=1.
 */
export function unknownVariables(env: Env): string[] {
  return Object.keys(env)
    .filter((name) => name.startsWith('IMS_') && !(KNOWN_VARIABLES as readonly string[]).includes(name))
    .map((name) => `${name} is not a variable this suite reads (see .env.example)`);
}

export function loadConfig(env: Env = process.env): SuiteConfig {
  const problems: string[] = env.IMS_STRICT?.trim() === '1' ? unknownVariables(env) : [];
  const strictRaw = env.IMS_STRICT?.trim();
  if (strictRaw && strictRaw !== '0' && strictRaw !== '1') problems.push('IMS_STRICT must be 1 or 0');
  const dialectRaw = env.IMS_API_DIALECT?.trim() || 'ims';
  if (dialectRaw !== 'ims' && dialectRaw !== 'openstack') problems.push(`IMS_API_DIALECT must be "ims" or "openstack", got ${JSON.stringify(dialectRaw)}`);
  const dialect: Dialect = dialectRaw === 'openstack' ? 'openstack' : 'ims';

  // The problems are pushed in the order the variables are read: the owner's credentials decide the endpoint's form.
  const endpointRaw = env.IMS_ENDPOINT?.trim();
  const ownerGiven = readCredentials(env, PERSONA_PREFIX.owner, problems, dialect);
  const endpointFromCatalogue = !endpointRaw && ownerGiven?.form === 'keystone';
  const embedded = !endpointRaw && !endpointFromCatalogue;
  const { endpoint, proxy } = readEndpoint(env, endpointRaw, endpointFromCatalogue, problems);
  const ids = readIds(env, embedded, dialect, problems);
  const { owner, forbidden, outsider, outsiderImageId } = readPersonas(env, dialect, embedded, ownerGiven, ids, problems);
  const { caFile, insecure, serial, exclusive } = readSwitches(env, problems);

  const config: SuiteConfig = {
    endpoint,
    embedded,
    dialect,
    projectId: ids.projectId ?? '',
    imageId: ids.imageId ?? '',
    otherImageId: ids.otherImageId,
    otherProjectId: dialect === 'ims' ? ids.otherProjectId : undefined,
    owner,
    forbidden,
    outsider: outsider && outsiderImageId ? outsider : undefined,
    outsiderImageId: outsider ? outsiderImageId : undefined,
    endpointFromCatalogue,
    tagQuota: positiveInt(env, 'IMS_TAG_QUOTA', 10, problems)!,
    timeoutMs: positiveInt(env, 'IMS_TIMEOUT_MS', 10_000, problems)!,
    maxRps: positiveInt(env, 'IMS_MAX_RPS', undefined, problems),
    serialWrites: serial === '1',
    imageExclusive: exclusive === '1',
    parallelWritesForced: serial === '0',
    strict: strictRaw === '1',
    caFile,
    insecureTls: insecure === '1',
    proxy,
    resultsDir: env.IMS_RESULTS_DIR?.trim() || 'results',
    // I/O bound: more workers than cores. Serial writes: one test at a time, and the client holds one request at a time.
    workers: serial === '1' ? 1 : positiveInt(env, 'IMS_WORKERS', 4, problems)!,
    referenceLatencyMs: positiveInt(env, 'IMS_REFERENCE_LATENCY_MS', undefined, problems),
    explore: wholeNumber(env, 'IMS_EXPLORE', DEFAULT_EXPLORE_REQUESTS, problems),
    seed: seedOf(env, problems),
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** The target's base URL and the proxy to reach it by: IMS_ENDPOINT, else the embedded target's loopback port. */
function readEndpoint(env: Env, endpointRaw: string | undefined, endpointFromCatalogue: boolean, problems: string[]): { endpoint: string; proxy?: ProxySettings } {
  if (endpointRaw) {
    try {
      const u = new URL(endpointRaw);
      const proxy = readProxy(env, u, problems);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') problems.push(`IMS_ENDPOINT must use http or https, got ${u.protocol}`);
      if (u.search || u.hash) problems.push('IMS_ENDPOINT must not carry a query or fragment');
      if (u.username || u.password) problems.push('IMS_ENDPOINT must not carry credentials; use the IMS_* auth variables');
      return { endpoint: `${u.origin}${u.pathname.replace(/\/+$/, '')}`, proxy };
    } catch {
      problems.push(`IMS_ENDPOINT is not a URL: ${JSON.stringify(endpointRaw)}`);
      return { endpoint: '' };
    }
  }
  // The catalogue's endpoint is set before the run, from the owner's token.
  if (endpointFromCatalogue) return { endpoint: '' };
  const port = env.IMS_REFERENCE_PORT?.trim();
  if (!port) problems.push('IMS_ENDPOINT is not set and no embedded reference target was started (run through npm run conformance)');
  return { endpoint: `http://127.0.0.1:${port ?? 0}` };
}

/** A variable's value; for the embedded target the seed's value when it is not set. */
function pick(env: Env, embedded: boolean, name: string, embeddedValue: string | undefined): string | undefined {
  return embedded ? env[name]?.trim() || embeddedValue : env[name]?.trim() || undefined;
}

interface Ids {
  projectId?: string;
  imageId?: string;
  otherImageId?: string;
  otherProjectId?: string;
}

/** The project and the images the suite works on. */
function readIds(env: Env, embedded: boolean, dialect: Dialect, problems: string[]): Ids {
  const seed = EMBEDDED_SEED;
  const projectId = pick(env, embedded, 'IMS_PROJECT_ID', seed.projectId);
  const imageId = pick(env, embedded, 'IMS_IMAGE_ID', seed.imageId);
  const otherImageId = pick(env, embedded, 'IMS_OTHER_IMAGE_ID', seed.otherImageId);
  const otherProjectId = pick(env, embedded, 'IMS_OTHER_PROJECT_ID', seed.otherProjectId);
  if (!imageId) problems.push('IMS_IMAGE_ID is required with IMS_ENDPOINT: the image the suite tags and untags');
  if (!projectId && dialect === 'ims') problems.push('IMS_PROJECT_ID is required with IMS_ENDPOINT in the ims dialect');
  if (otherImageId && otherImageId === imageId) problems.push('IMS_OTHER_IMAGE_ID must name a different image than IMS_IMAGE_ID');
  if (otherProjectId && otherProjectId === projectId) problems.push('IMS_OTHER_PROJECT_ID must differ from IMS_PROJECT_ID');
  return { projectId, imageId, otherImageId, otherProjectId };
}

/** The personas' credentials (the embedded target's tokens where none is given) and the outsider's image. */
function readPersonas(
  env: Env,
  dialect: Dialect,
  embedded: boolean,
  ownerGiven: Credentials | undefined,
  ids: Ids,
  problems: string[],
): { owner?: Credentials; forbidden?: Credentials; outsider?: Credentials; outsiderImageId?: string } {
  const seed = EMBEDDED_SEED;
  let owner = ownerGiven;
  let forbidden = readCredentials(env, PERSONA_PREFIX.forbidden, problems, dialect);
  let outsider = readCredentials(env, PERSONA_PREFIX.outsider, problems, dialect);
  if (embedded) {
    owner ??= { form: 'token', token: seed.tokens.owner };
    forbidden ??= { form: 'token', token: seed.tokens.forbidden };
    outsider ??= { form: 'token', token: seed.tokens.otherProject };
  }
  const outsiderImageId = pick(env, embedded, 'IMS_OUTSIDER_IMAGE_ID', seed.otherProjectImageId);
  if (outsider && !outsiderImageId) problems.push('the outsider persona (IMS_OUTSIDER_*) needs IMS_OUTSIDER_IMAGE_ID: the image it owns in the other project');
  if (outsiderImageId && !outsider) problems.push('IMS_OUTSIDER_IMAGE_ID needs the outsider persona\'s credentials (IMS_OUTSIDER_AUTH_TOKEN, the AK/SK, IAM or OS variables)');
  if (outsider && dialect === 'ims' && !ids.otherProjectId) problems.push('the outsider persona needs IMS_OTHER_PROJECT_ID in the ims dialect: the project that owns IMS_OUTSIDER_IMAGE_ID');
  if (outsiderImageId && (outsiderImageId === ids.imageId || outsiderImageId === ids.otherImageId)) problems.push("IMS_OUTSIDER_IMAGE_ID must be the outsider's own image, not one of the owner's");
  return { owner, forbidden, outsider, outsiderImageId };
}

/** TLS and the run's on/off switches, as given (each checked to be 1 or 0). */
function readSwitches(env: Env, problems: string[]): { caFile?: string; insecure?: string; serial?: string; exclusive?: string } {
  const caFile = env.IMS_CA_FILE?.trim() || undefined;
  if (caFile && !existsSync(caFile)) problems.push(`IMS_CA_FILE does not exist: ${caFile}`);
  else if (caFile && !readFileSync(caFile, 'utf8').includes('BEGIN CERTIFICATE')) problems.push(`IMS_CA_FILE holds no PEM certificate: ${caFile}`);
  const insecure = env.IMS_INSECURE_TLS?.trim();
  if (insecure && insecure !== '0' && insecure !== '1') problems.push('IMS_INSECURE_TLS must be 1 or 0');
  const serial = env.IMS_SERIAL_WRITES?.trim();
  if (serial && serial !== '0' && serial !== '1') problems.push('IMS_SERIAL_WRITES must be 1 or 0');
  const exclusive = env.IMS_IMAGE_EXCLUSIVE?.trim();
  if (exclusive && exclusive !== '0' && exclusive !== '1') problems.push('IMS_IMAGE_EXCLUSIVE must be 1 or 0');
  return { caFile, insecure, serial, exclusive };
}

/**
 * This process's configuration, parsed once from its environment and then handed on: in Playwright's main process
 * the config file, the global setup and the reporters share this one parse. A separate process (a worker, a script
 * started again) cannot share it: it reads the environment the runner hands down, the one serialised form of the
 * configuration, through loadConfig. Without a reference port (a reporter replaying shards: merge-reports) an
 * embedded endpoint is port 0, never dialled.
 */
export function runConfig(): SuiteConfig {
  current ??= parse(() => loadConfig({ ...process.env, IMS_REFERENCE_PORT: process.env.IMS_REFERENCE_PORT ?? '0' }));
  if ('error' in current) throw current.error;
  return current.config;
}

/** The global setup's session may complete the configuration (the endpoint from the catalogue): the rest of this process uses that. */
export function adoptRunConfig(config: SuiteConfig): void {
  current = { config };
}

let current: { config: SuiteConfig } | { error: unknown } | undefined;
const parse = (load: () => SuiteConfig): { config: SuiteConfig } | { error: unknown } => {
  try {
    return { config: load() };
  } catch (error) {
    return { error };
  }
};

/** What may be shown of a configuration: no secret, only which forms are configured. */
export function describeConfig(c: SuiteConfig): Record<string, unknown> {
  return {
    endpoint: c.endpoint,
    embedded: c.embedded,
    dialect: c.dialect,
    projectId: c.projectId,
    imageId: c.imageId,
    otherImageId: c.otherImageId ?? null,
    otherProjectId: c.otherProjectId ?? null,
    ownerAuth: c.owner?.form ?? 'none',
    forbiddenPersona: c.forbidden?.form ?? 'not configured',
    outsiderPersona: c.outsider?.form ?? 'not configured',
    outsiderImageId: c.outsiderImageId ?? null,
    tagQuota: c.tagQuota,
    timeoutMs: c.timeoutMs,
    maxRps: c.maxRps ?? null,
    serialWrites: c.serialWrites,
    imageExclusive: c.imageExclusive,
    explore: c.explore,
    seed: c.seed ?? null,
    caFile: c.caFile ?? null,
    insecureTls: c.insecureTls,
    proxy: c.proxy?.server ?? null,
  };
}
