// OpenStack's own credential conventions (openstack dialect): a cloud of clouds.yaml named by OS_CLOUD, or the OS_*
// variables of an openrc file; Keystone v3 password login with project scope; the image endpoint from the token's
// service catalogue. The same forms for the other personas, through prefixed names (IMS_FORBIDDEN_OS_CLOUD, ...).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { APIRequestContext } from '@playwright/test';
import { parse as parseYaml } from 'yaml';
import type { ExchangeLog } from '../http/exchanges.js';
import { registerSecret } from '../http/redact.js';
import { IamLoginError } from './iam.js';

export interface KeystoneCredentials {
  form: 'keystone';
  /** The identity endpoint, ending in /v3. */
  authUrl: string;
  username: string;
  password: string;
  userDomain: string;
  projectName?: string;
  projectId?: string;
  projectDomain: string;
  /** Catalogue selection: the endpoint interface (default public) and, when the cloud has several, the region. */
  interface: string;
  region?: string;
  /** Where these came from, for messages: `OS_CLOUD=owner (./clouds.yaml)` or the variables' names. */
  source: string;
}

type Env = Record<string, string | undefined>;

/** Variable names per persona: the owner uses OpenStack's own, the others the same names behind a prefix. */
export function osVariable(prefix: string, name: string): string {
  return prefix === 'IMS_' ? `OS_${name}` : `${prefix}OS_${name}`;
}

/** Where OpenStack's tools look for clouds.yaml: OS_CLIENT_CONFIG_FILE, then the current folder, the user's, the system's. */
export function cloudsYamlCandidates(env: Env, cwd: string = process.cwd(), home: string = homedir()): string[] {
  const explicit = env.OS_CLIENT_CONFIG_FILE?.trim();
  const dirs = [cwd, join(home, '.config', 'openstack'), '/etc/openstack'];
  return [...(explicit ? [resolve(cwd, explicit)] : []), ...dirs.flatMap((d) => [join(d, 'clouds.yaml'), join(d, 'clouds.yml')])];
}

/** The first clouds.yaml on the search path, or undefined. */
export function findCloudsYaml(env: Env, cwd?: string, home?: string, exists: (p: string) => boolean = existsSync): string | undefined {
  return cloudsYamlCandidates(env, cwd, home).find((p) => exists(p));
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined);

/** `.../v3` whatever form the auth URL was written in (with or without the version, trailing slashes). */
export function identityV3(url: string): string {
  const base = url.replace(/\/+$/, '');
  return /\/v3$/.test(base) ? base : `${base}/v3`;
}

function selection(env: Env, prefix: string, fromCloud: { interface?: string; region?: string }): { interface: string; region?: string } {
  // IMS_OS_INTERFACE / IMS_OS_REGION choose for the suite alone; OS_INTERFACE / OS_REGION_NAME are OpenStack's own.
  const iface = str(env.IMS_OS_INTERFACE) ?? str(env[osVariable(prefix, 'INTERFACE')]) ?? fromCloud.interface ?? 'public';
  const region = str(env.IMS_OS_REGION) ?? str(env[osVariable(prefix, 'REGION_NAME')]) ?? fromCloud.region;
  return { interface: iface.replace(/URL$/, ''), region };
}

/**
 * The persona's OpenStack credentials, if any of its OS variables is set; problems are pushed, one per mistake.
 * `prefix` is the persona's IMS prefix: `IMS_` (owner: OS_CLOUD, OS_AUTH_URL, ...), `IMS_FORBIDDEN_`, `IMS_OUTSIDER_`.
 */
export function readOpenStackCredentials(env: Env, prefix: string, problems: string[], paths: { cwd?: string; home?: string } = {}): KeystoneCredentials | undefined {
  // A named cloud wins over the openrc variables, as in OpenStack's own tools.
  const cloud = str(env[osVariable(prefix, 'CLOUD')]);
  return cloud ? fromCloudsYaml(env, prefix, cloud, problems, paths) : fromOpenrc(env, prefix, problems);
}

/** The credentials of the cloud named `cloud` in the clouds.yaml on the search path. */
function fromCloudsYaml(env: Env, prefix: string, cloud: string, problems: string[], paths: { cwd?: string; home?: string }): KeystoneCredentials | undefined {
  const file = findCloudsYaml(env, paths.cwd, paths.home);
  const label = `${osVariable(prefix, 'CLOUD')}=${cloud}`;
  if (!file) {
    problems.push(`${label}: no clouds.yaml found (looked in ${cloudsYamlCandidates(env, paths.cwd, paths.home).filter((p) => p.endsWith('.yaml')).join(', ')})`);
    return undefined;
  }
  const entry = cloudEntry(file, cloud, label, problems);
  if (!entry) return undefined;
  const auth = (entry.auth ?? {}) as Record<string, unknown>;
  const authType = str(entry.auth_type);
  if (authType && authType !== 'password' && authType !== 'v3password') {
    problems.push(`${label}: auth_type ${authType} is not supported (password only)`);
    return undefined;
  }
  return build(
    {
      authUrl: str(auth.auth_url),
      username: str(auth.username),
      password: str(auth.password),
      userDomain: str(auth.user_domain_name) ?? str(auth.domain_name),
      projectName: str(auth.project_name),
      projectId: str(auth.project_id),
      projectDomain: str(auth.project_domain_name) ?? str(auth.domain_name),
      ...selection(env, prefix, { interface: str(entry.interface), region: str(entry.region_name) }),
      source: `${label} (${file})`,
    },
    (field) => `${label}: ${file} lacks auth.${field}`,
    problems,
  );
}

/** The entry of one cloud of a clouds.yaml file, or undefined (the problem pushed) when it cannot be read or is absent. */
function cloudEntry(file: string, cloud: string, label: string, problems: string[]): Record<string, unknown> | undefined {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    problems.push(`${label}: ${file} is not valid YAML: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
    return undefined;
  }
  const entry = (doc as { clouds?: Record<string, unknown> } | null)?.clouds?.[cloud] as Record<string, unknown> | undefined;
  if (!entry || typeof entry !== 'object') {
    const names = Object.keys((doc as { clouds?: object } | null)?.clouds ?? {});
    problems.push(`${label}: ${file} has no cloud named ${JSON.stringify(cloud)} (it has: ${names.join(', ') || 'none'})`);
    return undefined;
  }
  return entry;
}

/** The credentials of an openrc file's OS_* variables (prefixed for the other personas), if any of them is set. */
function fromOpenrc(env: Env, prefix: string, problems: string[]): KeystoneCredentials | undefined {
  const v = (name: string) => str(env[osVariable(prefix, name)]);
  const names = ['AUTH_URL', 'USERNAME', 'PASSWORD', 'PROJECT_NAME', 'PROJECT_ID', 'USER_DOMAIN_NAME', 'PROJECT_DOMAIN_NAME'];
  if (!names.some((n) => v(n))) return undefined;
  return build(
    {
      authUrl: v('AUTH_URL'),
      username: v('USERNAME'),
      password: v('PASSWORD'),
      userDomain: v('USER_DOMAIN_NAME'),
      projectName: v('PROJECT_NAME'),
      projectId: v('PROJECT_ID'),
      projectDomain: v('PROJECT_DOMAIN_NAME'),
      ...selection(env, prefix, {}),
      source: `${osVariable(prefix, 'AUTH_URL')}/${osVariable(prefix, 'USERNAME')}/${osVariable(prefix, 'PASSWORD')}`,
    },
    (field) => `${osVariable(prefix, FIELD_VARIABLE[field] ?? field)} must be set with ${osVariable(prefix, 'AUTH_URL')}`,
    problems,
  );
}

const FIELD_VARIABLE: Record<string, string> = { auth_url: 'AUTH_URL', username: 'USERNAME', password: 'PASSWORD', 'project_name or project_id': 'PROJECT_NAME (or PROJECT_ID)' };

function build(
  c: Omit<KeystoneCredentials, 'form' | 'authUrl' | 'username' | 'password' | 'userDomain' | 'projectDomain'> & { authUrl?: string; username?: string; password?: string; userDomain?: string; projectDomain?: string },
  missing: (field: string) => string,
  problems: string[],
): KeystoneCredentials | undefined {
  const lacks = [
    ...(!c.authUrl ? ['auth_url'] : []),
    ...(!c.username ? ['username'] : []),
    ...(!c.password ? ['password'] : []),
    ...(!c.projectName && !c.projectId ? ['project_name or project_id'] : []),
  ];
  for (const field of lacks) problems.push(missing(field));
  if (c.authUrl && !/^https?:\/\//.test(c.authUrl)) problems.push(`${c.source}: the auth URL must be an http(s) URL`);
  if (lacks.length || !c.authUrl || !/^https?:\/\//.test(c.authUrl)) return undefined;
  // Keystone needs a domain for a user or project given by name; "Default" is the one every deployment has.
  return { ...c, form: 'keystone', authUrl: identityV3(c.authUrl), username: c.username!, password: c.password!, userDomain: c.userDomain ?? 'Default', projectDomain: c.projectDomain ?? 'Default' };
}

export interface CatalogEndpoint {
  interface?: string;
  region_id?: string;
  region?: string;
  url?: string;
}
export type Catalog = { type?: string; name?: string; endpoints?: CatalogEndpoint[] }[];

/**
 * The image service's URL from a Keystone v3 catalogue, for the interface (and region, when given). Without a region
 * the endpoints of the interface must agree on one URL. The version suffix (`/v2`) is dropped: the suite adds it.
 */
export function imageEndpointFromCatalog(catalog: unknown, iface: string, region?: string): { url: string } | { problem: string } {
  if (!Array.isArray(catalog)) return { problem: 'the token carries no service catalogue: set IMS_ENDPOINT' };
  const services = (catalog as Catalog).filter((s) => s?.type === 'image');
  if (!services.length) return { problem: `the service catalogue has no service of type "image" (it has: ${(catalog as Catalog).map((s) => s?.type).join(', ') || 'none'}): set IMS_ENDPOINT` };
  const all = services.flatMap((s) => s.endpoints ?? []);
  const candidates = all.filter((e) => e.interface === iface && (!region || (e.region_id ?? e.region) === region));
  const urls = [...new Set(candidates.map((e) => e.url).filter((u): u is string => !!u))];
  if (!urls.length) {
    const offered = all.map((e) => `${e.interface}@${e.region_id ?? e.region ?? '?'}`).join(', ');
    return { problem: `the image service has no ${iface} endpoint${region ? ` in region ${region}` : ''} (it has: ${offered || 'none'}): choose with IMS_OS_INTERFACE / IMS_OS_REGION` };
  }
  if (urls.length > 1) return { problem: `the image service has ${urls.length} ${iface} endpoints (${candidates.map((e) => e.region_id ?? e.region).join(', ')}): choose one with IMS_OS_REGION` };
  return { url: urls[0]!.replace(/\/+$/, '').replace(/\/v2(\.\d+)?$/, '') };
}

export interface IssuedToken {
  token: string;
  /** Epoch ms, when the issuer said. */
  expiresAt?: number;
  catalog?: unknown;
}

/** Keystone v3 password login, project scope: POST {auth_url}/v3/auth/tokens, the token in X-Subject-Token. */
export async function fetchKeystoneToken(
  creds: KeystoneCredentials,
  opts: { context: APIRequestContext; timeoutMs: number; log?: ExchangeLog; persona: string },
): Promise<IssuedToken> {
  const url = `${creds.authUrl}/auth/tokens`;
  const project = creds.projectId ? { id: creds.projectId } : { name: creds.projectName, domain: { name: creds.projectDomain } };
  const body = JSON.stringify({
    auth: {
      identity: { methods: ['password'], password: { user: { name: creds.username, password: creds.password, domain: { name: creds.userDomain } } } },
      scope: { project },
    },
  });
  const requestHeaders = { 'Content-Type': 'application/json', Accept: 'application/json' };
  const startedAt = Date.now();
  let status: number | undefined;
  let headers: Record<string, string> | undefined;
  let text: string | undefined;
  let error: string | undefined;
  try {
    const res = await opts.context.fetch(url, { method: 'POST', headers: requestHeaders, data: body, failOnStatusCode: false, maxRedirects: 0, timeout: opts.timeoutMs });
    status = res.status();
    headers = res.headers();
    text = (await res.body()).toString('utf8');
  } catch (err) {
    error = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  }
  const token = headers?.['x-subject-token'];
  registerSecret(token); // before the exchange is recorded, so the record cannot hold it
  // The catalogue is not recorded: it is long and says nothing about the target's conformance.
  opts.log?.add({ operationId: null, role: 'auth', persona: opts.persona, transport: 'api', method: 'POST', url, requestHeaders, requestBody: body, status, responseHeaders: headers, error, attempt: 1, startedAt, durationMs: Date.now() - startedAt });
  if (error !== undefined) throw new IamLoginError('unreachable', `the Keystone endpoint ${creds.authUrl} (${creds.source}) is unreachable: ${error}`);
  if (status !== 201 && status !== 200) throw new IamLoginError('refused', `Keystone login of user ${creds.username} was refused (${status}): check ${creds.source}`);
  if (!token) throw new IamLoginError('no-token', `Keystone login of user ${creds.username} answered ${status} without an X-Subject-Token header`);
  let parsed: { token?: { expires_at?: string; catalog?: unknown } } | undefined;
  try {
    parsed = JSON.parse(text ?? '') as typeof parsed;
  } catch {
    parsed = undefined;
  }
  const expires = Date.parse(parsed?.token?.expires_at ?? '');
  return { token, expiresAt: Number.isNaN(expires) ? undefined : expires, catalog: parsed?.token?.catalog };
}
