// A byte-exact HTTP/1.1 sender on a bare socket. Used where a normal client would hide the truth:
// the path goes out verbatim (dot-segments included) and every byte after the head is counted, so a 204
// that carries a body is seen as exactly that instead of as a parse error.
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { readFileSync } from 'node:fs';
import type { ProxySettings } from './proxy.js';

export interface RawRequest {
  /** Base URL: scheme, host, port. Only its origin is used. */
  origin: string;
  /** Sent verbatim as the request target. */
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  caFile?: string;
  insecureTls?: boolean;
  /** Already chosen for this origin (NO_PROXY applied): the request goes through a CONNECT tunnel. */
  proxy?: ProxySettings;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  headerNames: string[];
  /** Bytes after the blank line that ends the head, up to the connection close. */
  body: Buffer;
}

export async function rawRequest(req: RawRequest): Promise<RawResponse> {
  const url = new URL(req.origin);
  const secure = url.protocol === 'https:';
  const port = Number(url.port || (secure ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // One budget for tunnel, handshake and exchange, as Playwright's `timeout` covers the whole request.
  const sockets: Socket[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      for (const s of sockets) s.destroy();
      reject(new Error(`no complete response within ${req.timeoutMs} ms`));
    }, req.timeoutMs);
  });
  const attempt = async (): Promise<RawResponse> => {
    const through = req.proxy ? await connectTunnel(req.proxy, host, port, sockets) : undefined;
    // SNI carries names only (RFC 6066); Node warns when given an address.
    const tlsOptions = { servername: isIP(host) ? undefined : host, ca: req.caFile ? readFileSync(req.caFile) : undefined, rejectUnauthorized: !req.insecureTls };
    const socket: Socket = secure
      ? tlsConnect(through ? { socket: through, ...tlsOptions } : { host, port, ...tlsOptions })
      : (through ?? netConnect({ host, port }));
    sockets.push(socket);
    return exchange(socket, req, url.host);
  };
  try {
    return await Promise.race([attempt(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Opens a CONNECT tunnel to host:port through the proxy; resolves with the socket once the proxy answers 200. */
function connectTunnel(proxy: ProxySettings, host: string, port: number, sockets: Socket[]): Promise<Socket> {
  const p = new URL(proxy.server);
  const target = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: p.hostname.replace(/^\[|\]$/g, ''), port: Number(p.port || 80) });
    sockets.push(socket);
    let head = Buffer.alloc(0);
    const onData = (c: Buffer) => {
      head = Buffer.concat([head, c]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const statusLine = head.subarray(0, end).toString('latin1').split('\r\n')[0] ?? '';
      if (!/^HTTP\/1\.[01] 200/.test(statusLine)) {
        socket.destroy();
        return reject(new Error(`the proxy ${proxy.server} refused the tunnel to ${target}: ${statusLine}`));
      }
      const rest = head.subarray(end + 4);
      if (rest.length) socket.unshift(rest);
      resolve(socket);
    };
    socket.on('data', onData);
    socket.once('error', (err) => reject(new Error(`the proxy ${proxy.server} is unreachable: ${err.message}`)));
    socket.once('connect', () => {
      const auth = proxy.username !== undefined ? [`Proxy-Authorization: Basic ${Buffer.from(`${proxy.username}:${proxy.password ?? ''}`).toString('base64')}`] : [];
      socket.write([`CONNECT ${target} HTTP/1.1`, `Host: ${target}`, ...auth, '', ''].join('\r\n'));
    });
  });
}

/** Writes the request verbatim on a connected socket and reads the whole response up to the close. */
function exchange(socket: Socket, req: RawRequest, hostHeader: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const body = req.body ?? '';
    const lines = [`${req.method} ${req.path} HTTP/1.1`, `Host: ${hostHeader}`, 'Connection: close'];
    for (const [k, v] of Object.entries(req.headers)) lines.push(`${k}: ${v}`);
    if (body) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
    // write, not end: a half-closed socket lets some servers drop a response they have not sent yet.
    // `Connection: close` makes the server close once the response is complete.
    socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) return reject(new Error(`connection closed before a complete response head (${all.length} bytes)`));
      const [statusLine = '', ...headerLines] = all.subarray(0, end).toString('latin1').split('\r\n');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
      if (!match) return reject(new Error(`not an HTTP response: ${JSON.stringify(statusLine.slice(0, 80))}`));
      const headers: Record<string, string> = {};
      const headerNames: string[] = [];
      for (const line of headerLines) {
        const i = line.indexOf(':');
        if (i <= 0) continue;
        const name = line.slice(0, i).trim().toLowerCase();
        headerNames.push(name);
        headers[name] = headers[name] === undefined ? line.slice(i + 1).trim() : `${headers[name]}, ${line.slice(i + 1).trim()}`;
      }
      const payload = all.subarray(end + 4);
      resolve({ status: Number(match[1]), headers, headerNames, body: /chunked/i.test(headers['transfer-encoding'] ?? '') ? dechunk(payload) : payload });
    });
  });
}

/** Undoes chunked transfer coding, so an error body reads as the server meant it. */
function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
