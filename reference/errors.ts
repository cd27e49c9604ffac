// Error bodies in the service's and the gateway's shapes, and the mutants that get them wrong.
import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { MutantName } from './mutants.js';

export function sendError(res: ServerResponse, status: number, code: string, message: string, has: (m: MutantName) => boolean): void {
  if (has('html-errors')) {
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<html><head><title>${status}</title></head><body><h1>${status}</h1><p>${message}</p></body></html>`);
    return;
  }
  let body: unknown;
  if (has('wrong-error-shape')) body = { message, status };
  else if (status === 401) body = { error_code: 'APIG.0301', error_msg: `Incorrect IAM authentication information: ${message}`, request_id: randomUUID().replace(/-/g, '') };
  else body = { error: { code, message } };
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': has('error-text-plain') ? 'text/plain; charset=utf-8' : 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
