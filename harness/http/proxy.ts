// Proxy settings from the standard variables, and the one bypass rule both senders follow.
import type { SuiteConfig } from '../run/config.js';

export interface ProxySettings {
  /** `http://host:port`, without credentials. */
  server: string;
  /** NO_PROXY as given: comma-separated host suffixes. */
  bypass?: string;
  username?: string;
  password?: string;
}

type Env = Record<string, string | undefined>;

/**
 * The proxy for a remote endpoint, from the standard variables: HTTPS_PROXY for an https endpoint, HTTP_PROXY for
 * an http one (lower-case forms too), NO_PROXY for exceptions. The embedded target is never proxied.
 */
export function readProxy(env: Env, endpoint: URL, problems: string[]): ProxySettings | undefined {
  const names = endpoint.protocol === 'https:' ? ['HTTPS_PROXY', 'https_proxy'] : ['HTTP_PROXY', 'http_proxy'];
  const name = names.find((n) => env[n]?.trim());
  if (!name) return undefined;
  const bypass = (env.NO_PROXY ?? env.no_proxy)?.trim() || undefined;
  if (bypass?.split(',').some((d) => d.trim() === '*')) return undefined;
  let u: URL;
  try {
    u = new URL(env[name]!.trim());
  } catch {
    problems.push(`${name} is not a URL`);
    return undefined;
  }
  // The raw sender tunnels with CONNECT over plain TCP; an https:// or socks proxy would need more than that.
  if (u.protocol !== 'http:') {
    problems.push(`${name} must be an http:// proxy (the suite tunnels through it with CONNECT), got ${u.protocol}`);
    return undefined;
  }
  return {
    server: `http://${u.host}`,
    bypass,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
  };
}

/**
 * Whether a host skips the proxy: the rule Playwright's request context applies to its `bypass` option (each
 * entry is a host suffix, a leading dot optional), so the raw sender agrees with it on every host. Ports in
 * NO_PROXY entries are ignored by both.
 */
function bypassesProxy(hostname: string, bypass: string | undefined): boolean {
  if (!bypass) return false;
  const host = `.${hostname.replace(/^\[|\]$/g, '').toLowerCase()}`;
  return bypass.split(',').some((raw) => {
    const d = raw.trim().toLowerCase().replace(/:\d+$/, '');
    if (!d) return false;
    return host.endsWith(d.startsWith('.') ? d : `.${d}`);
  });
}

/** The proxy a request to `url` goes through, if any. */
export function proxyFor(config: Pick<SuiteConfig, 'proxy'>, url: string): ProxySettings | undefined {
  const proxy = config.proxy;
  if (!proxy) return undefined;
  return bypassesProxy(new URL(url).hostname, proxy.bypass) ? undefined : proxy;
}
