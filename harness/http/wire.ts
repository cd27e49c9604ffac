// One HTTP request on the wire, through Playwright's request context or, byte-exact, on a bare socket. No retries,
// no records: the client does those (harness/http/client.ts).
import type { APIRequestContext } from '@playwright/test';
import type { SuiteConfig } from '../run/config.js';
import { rawRequest } from './raw-http.js';
import { proxyFor } from './proxy.js';

export interface WireRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** The URL's path goes out verbatim on a bare socket (dot-segments, byte-level checks). */
  raw?: boolean;
}

export interface WireResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: Buffer;
  /** No usable HTTP response: the first line of the client's error. */
  error?: string;
}

export async function sendOnWire(request: APIRequestContext, config: SuiteConfig, req: WireRequest): Promise<WireResponse> {
  try {
    if (req.raw) {
      const u = new URL(config.endpoint);
      const res = await rawRequest({
        origin: u.origin,
        path: req.url.slice(u.origin.length),
        method: req.method,
        headers: req.headers,
        body: req.body,
        timeoutMs: config.timeoutMs,
        caFile: config.caFile,
        insecureTls: config.insecureTls,
        proxy: proxyFor(config, u.origin),
      });
      return { status: res.status, headers: res.headers, body: res.body };
    }
    const res = await request.fetch(req.url, { method: req.method, headers: req.headers, data: req.body, failOnStatusCode: false, maxRedirects: 0, timeout: config.timeoutMs });
    return { status: res.status(), headers: res.headers(), body: await res.body() };
  } catch (err) {
    return { error: (err instanceof Error ? err.message : String(err)).split('\n')[0] };
  }
}
