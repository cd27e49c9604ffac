// A byte-exact HTTP/1.1 sender on a bare socket. Used where a normal client would hide the truth:
// the path goes out verbatim (dot-segments included) and every byte after the head is counted, so a 204
// that carries a body is seen as exactly that instead of as a parse error.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { readFileSync } from 'node:fs';

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
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  headerNames: string[];
  /** Bytes after the blank line that ends the head, up to the connection close. */
  body: Buffer;
}

export function rawRequest(req: RawRequest): Promise<RawResponse> {
  const url = new URL(req.origin);
  const secure = url.protocol === 'https:';
  const port = Number(url.port || (secure ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket: Socket = secure
      ? tlsConnect({ host, port, servername: host, ca: req.caFile ? readFileSync(req.caFile) : undefined, rejectUnauthorized: !req.insecureTls })
      : netConnect({ host, port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete response within ${req.timeoutMs} ms`));
    }, req.timeoutMs);
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      const body = req.body ?? '';
      const lines = [`${req.method} ${req.path} HTTP/1.1`, `Host: ${url.host}`, 'Connection: close'];
      for (const [k, v] of Object.entries(req.headers)) lines.push(`${k}: ${v}`);
      if (body) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
      socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
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
