// End to end: transport options against local servers only. A TLS front (node:tls, certificate from a CA made
// here with openssl) relays to a reference target; a CONNECT proxy (node:http, a few lines) counts its tunnels.
// The whole suite passes over HTTPS with IMS_CA_FILE through HTTPS_PROXY (raw-socket tests included: they tunnel
// too); without the CA the run stops at the preflight; IMS_INSECURE_TLS=1 warns loudly and is recorded.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, type Socket, type AddressInfo } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { join } from 'node:path';
import { startReference, type ReferenceProcess } from '../scripts/lib/reference-process.js';
import { EMBEDDED_SEED } from '../harness/run/embedded-target.js';
import { rawRequest } from '../harness/http/raw-http.js';
import { authVars, readJsonFile, runSuite, targetVars, tempDir } from './lib/e2e.js';

const seed = EMBEDDED_SEED;
let ref: ReferenceProcess;
let tlsFront: TlsServer;
let proxy: HttpServer;
let httpsUrl = '';
let proxyUrl = '';
let pki = '';
const tunnels: string[] = [];
const sockets = new Set<Socket>();
const dirs: string[] = [];

function makePki(dir: string): void {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=ims-e2e test CA');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', 'ext.cnf');
}

const track = (s: Socket) => {
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
  s.on('error', () => s.destroy());
};

before(async () => {
  pki = tempDir('pki');
  makePki(pki);
  ref = await startReference([], seed);
  const target = new URL(ref.url);
  // TLS termination in front of the reference target: bytes relayed as they are.
  tlsFront = createTlsServer({ key: readFileSync(join(pki, 'server.key')), cert: readFileSync(join(pki, 'server.pem')) }, (client) => {
    track(client);
    const upstream = connect(Number(target.port), target.hostname);
    track(upstream);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => tlsFront.listen(0, '127.0.0.1', r));
  httpsUrl = `https://127.0.0.1:${(tlsFront.address() as AddressInfo).port}`;
  // The CONNECT proxy: opens the tunnel, then relays; every tunnel is counted.
  proxy = createHttpServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client: Socket, head: Buffer) => {
    track(client);
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    track(upstream);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  // Stop by themselves whatever happens to the test.
  setTimeout(() => void stopServers(), 300_000).unref();
});

async function stopServers(): Promise<void> {
  for (const s of sockets) s.destroy();
  await Promise.all([new Promise((r) => tlsFront.close(r)), new Promise((r) => proxy.close(r))]);
}

after(async () => {
  await stopServers();
  await ref.stop();
  for (const d of [pki, ...dirs]) rmSync(d, { recursive: true, force: true });
});

const vars = (dir: string, more: Record<string, string> = {}) => ({ ...targetVars(seed, httpsUrl, dir), ...authVars(seed, httpsUrl, 'owner', 'aksk'), ...authVars(seed, httpsUrl, 'forbidden', 'token'), ...more });

test('raw sender: HTTPS with the CA, through a CONNECT tunnel, the path verbatim', async () => {
  const before = tunnels.length;
  const res = await rawRequest({
    origin: httpsUrl,
    path: `/v2/${seed.projectId}/images/${seed.imageId}/tags/..`,
    method: 'DELETE',
    headers: { 'X-Auth-Token': seed.tokens.owner },
    timeoutMs: 5_000,
    caFile: join(pki, 'ca.pem'),
    proxy: { server: proxyUrl },
  });
  assert.equal(res.status, 404, 'the key ".." reached the target as sent (no such tag)');
  assert.equal(tunnels.length, before + 1);
  assert.equal(tunnels.at(-1), new URL(httpsUrl).host);
});

test('raw sender: without the CA the TLS handshake fails; with IMS_INSECURE_TLS it goes through', async () => {
  const req = { origin: httpsUrl, path: '/', method: 'GET', headers: {}, timeoutMs: 5_000 };
  await assert.rejects(rawRequest(req), /self[- ]signed|unable to verify|certificate/i);
  assert.equal((await rawRequest({ ...req, insecureTls: true })).status, 200);
});

test('raw sender: a proxy that refuses the tunnel is a clear error', async () => {
  const refusing = createHttpServer().on('connect', (_req, s: Socket) => s.end('HTTP/1.1 403 Forbidden\r\n\r\n'));
  await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
  try {
    const server = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
    await assert.rejects(rawRequest({ origin: httpsUrl, path: '/', method: 'GET', headers: {}, timeoutMs: 5_000, proxy: { server } }), /refused the tunnel .*403/);
  } finally {
    refusing.close();
  }
});

test('the whole suite passes over HTTPS with IMS_CA_FILE, through HTTPS_PROXY, AK/SK signed', async () => {
  const dir = tempDir('transport');
  dirs.push(dir);
  const before = tunnels.length;
  const run = await runSuite(vars(dir, { IMS_CA_FILE: join(pki, 'ca.pem'), HTTPS_PROXY: proxyUrl }));
  const report = readJsonFile<{ verdict: string; target: { proxy: string | null } }>(`${dir}/report.json`);
  assert.equal(report.verdict, 'CONFORMANT', run.stdout.slice(-2500) + run.stderr);
  assert.equal(run.code, 0);
  assert.equal(report.target.proxy, proxyUrl);
  // Playwright keeps connections alive, the raw sender opens one per request: at least the raw DT-02/DT-13 ones.
  assert.ok(tunnels.length - before >= 3, `only ${tunnels.length - before} tunnels`);
});

test('NO_PROXY exempts the host: the same run opens no tunnel', async () => {
  const dir = tempDir('transport-noproxy');
  dirs.push(dir);
  const before = tunnels.length;
  const run = await runSuite(vars(dir, { IMS_CA_FILE: join(pki, 'ca.pem'), HTTPS_PROXY: proxyUrl, NO_PROXY: 'localhost,127.0.0.1' }), ['-g', 'zero body bytes']);
  assert.notEqual(run.code, 2, run.stdout.slice(-1500) + run.stderr);
  assert.equal(tunnels.length, before);
});

test('without IMS_CA_FILE the private CA is not trusted: one line, exit 2', async () => {
  const dir = tempDir('transport-noca');
  dirs.push(dir);
  const run = await runSuite(vars(dir));
  const lines = (run.stdout + run.stderr).split('\n').filter((l) => l.trim());
  assert.equal(run.code, 2);
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0]!, /preflight failed: the endpoint IMS_ENDPOINT=https:\/\/127\.0\.0\.1:\d+ is unreachable: .*(self[- ]signed|certificate)/i);
});

test('IMS_INSECURE_TLS=1: a loud warning at start, recorded in the results', async () => {
  const dir = tempDir('transport-insecure');
  dirs.push(dir);
  const run = await runSuite(vars(dir, { IMS_INSECURE_TLS: '1' }), ['-g', 'zero body bytes']);
  assert.notEqual(run.code, 2, run.stdout.slice(-1500) + run.stderr);
  assert.match(run.stderr, /WARNING: IMS_INSECURE_TLS=1: TLS certificates are NOT verified/);
  const report = readJsonFile<{ transport?: { insecureTls: boolean }; warnings?: string[]; preflight: { warnings: string[] } }>(`${dir}/report.json`);
  assert.ok(report.preflight.warnings.some((w) => w.includes('IMS_INSECURE_TLS=1')), 'recorded with the preflight');
  assert.equal(report.transport?.insecureTls, true, 'recorded in report.json transport');
});
