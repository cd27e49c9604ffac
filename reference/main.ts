// `npm run reference`: starts the reference target. The seed comes from REFERENCE_SEED (JSON) or is made up
// and printed as the IMS_* lines that point the suite at it.
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { createReferenceServer } from './server.js';
import { MUTANTS, isMutantName, type MutantName } from './mutants.js';
import { parseSeed, randomSeed } from './seed.js';
import { NEIGHBOUR_KINDS, type NeighbourKind } from './neighbour.js';

const USAGE = `usage: ims-conformance reference [options]   (in a clone of the repository: npm run reference -- [options])
  --port N                    listen port (default 8080; 0 picks a free one)
  --host H                    listen address (default 127.0.0.1)
  --latency-ms N              delay every response by N ms
  --shed-listings N:MS        from the Nth listing of tags on, answer every listing with 503 for MS ms (a service shedding load)
  --clock-offset-s N          run the target's clock N seconds ahead (negative: behind): Date header and signature checks
  --tag-quota N               at most N tags per image (adds beyond answer 400)
  --unknown-image-status 400  answer 400 instead of 404 for an unknown image
  --add-key-rule strict       the add operation refuses keys outside [A-Za-z0-9_-.:+@]{1,36}
  --extra-headers             add gateway-like extra headers to every response
  --uuid-any-case             read image ids (UUIDs) case-insensitively, as RFC 9562 allows
  --preexisting-tags JSON     tags the main image carries at start, e.g. '{"env":"prod"}'
  --neighbour KIND[,KIND]     other writers on the owner's images: adder (adds a tag every 250 ms, removes it
                              a second later), rewriter (rewrites its own tag's value every 250 ms)
  --shed-503-rate R           answer a share R (0..1) of requests 503 with Retry-After: 0, changing nothing
  --shed-503-burst N          the 503s come in bursts of N consecutive requests
  --shed-503-scope S          deletes (default) or all (adds and listings too)
  --mutant NAME[,NAME]        start with deliberate faults (see --list-mutants)
  --each-mutant               one server per mutant (those named by --mutant, else all), each on its own free port
  --max-lifetime-s N          stop by itself after N seconds
  --list-mutants              print the mutant names and what each breaks, then exit
  REFERENCE_SEED='{...}'      ids and credentials to serve (default: random, printed)`;

function fatal(message: string): never {
  process.stderr.write(`reference: ${message}\n`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      'latency-ms': { type: 'string' },
      'shed-listings': { type: 'string' },
      'clock-offset-s': { type: 'string' },
      'tag-quota': { type: 'string' },
      'unknown-image-status': { type: 'string' },
      'add-key-rule': { type: 'string' },
      'extra-headers': { type: 'boolean' },
      'uuid-any-case': { type: 'boolean' },
      'preexisting-tags': { type: 'string' },
      mutant: { type: 'string', multiple: true },
      neighbour: { type: 'string', multiple: true },
      'shed-503-rate': { type: 'string' },
      'shed-503-burst': { type: 'string' },
      'shed-503-scope': { type: 'string' },
      'max-lifetime-s': { type: 'string' },
      'each-mutant': { type: 'boolean' },
      'list-mutants': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
} catch (err) {
  fatal(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
}
const { values } = parsed;
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (values['list-mutants']) {
  for (const [name, what] of Object.entries(MUTANTS)) process.stdout.write(`${name}\t${what}\n`);
  process.exit(0);
}

const int = (name: string, raw: string | undefined): number | undefined => {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) fatal(`--${name} must be a whole number`);
  return Number(raw);
};
const mutants = new Set<MutantName>();
for (const name of (values.mutant ?? []).flatMap((m) => m.split(',')).filter(Boolean)) {
  if (!isMutantName(name)) fatal(`unknown mutant ${name} (see --list-mutants)`);
  mutants.add(name);
}
const unknownImageStatus = int('unknown-image-status', values['unknown-image-status']);
if (unknownImageStatus !== undefined && unknownImageStatus !== 400 && unknownImageStatus !== 404) fatal('--unknown-image-status must be 400 or 404');
const addKeyRule = values['add-key-rule'];
if (addKeyRule !== undefined && addKeyRule !== 'strict' && addKeyRule !== 'none') fatal('--add-key-rule must be strict or none');
let preexistingTags: Record<string, string> | undefined;
try {
  preexistingTags = values['preexisting-tags'] ? (JSON.parse(values['preexisting-tags']) as Record<string, string>) : undefined;
} catch {
  fatal('--preexisting-tags must be a JSON object of key to value');
}

const neighbours = new Set<NeighbourKind>();
for (const name of (values.neighbour ?? []).flatMap((m) => m.split(',')).filter(Boolean)) {
  if (!(NEIGHBOUR_KINDS as readonly string[]).includes(name)) fatal(`unknown neighbour ${name} (adder or rewriter)`);
  neighbours.add(name as NeighbourKind);
}
const shedRate = values['shed-503-rate'];
if (shedRate !== undefined && !(/^(0(\.\d+)?|1(\.0+)?)$/.test(shedRate))) fatal('--shed-503-rate must be a number from 0 to 1');
const shedScope = values['shed-503-scope'] ?? 'deletes';
if (shedScope !== 'deletes' && shedScope !== 'all') fatal('--shed-503-scope must be deletes or all');
const shedding = shedRate !== undefined ? { rate: Number(shedRate), burst: int('shed-503-burst', values['shed-503-burst']), scope: shedScope as 'deletes' | 'all' } : undefined;
function shedListings(raw: string | undefined): { after: number; forMs: number } | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d+):(\d+)$/.exec(raw);
  if (!m) fatal('--shed-listings must be N:MS (whole numbers)');
  return { after: Number(m[1]), forMs: Number(m[2]) };
}

const seedFromEnv = process.env.REFERENCE_SEED;
let seed;
try {
  seed = seedFromEnv ? parseSeed(seedFromEnv) : randomSeed();
} catch (err) {
  fatal(`REFERENCE_SEED: ${err instanceof Error ? err.message : String(err)}`);
}

const common = {
  seed,
  latencyMs: int('latency-ms', values['latency-ms']),
  shedListings: shedListings(values['shed-listings']),
  clockOffsetMs: (() => {
    const raw = values['clock-offset-s'];
    if (raw !== undefined && !/^-?\d+$/.test(raw)) fatal('--clock-offset-s must be a whole number of seconds');
    return raw === undefined ? undefined : Number(raw) * 1000;
  })(),
  tagQuota: int('tag-quota', values['tag-quota']),
  unknownImageStatus: unknownImageStatus as 400 | 404 | undefined,
  addKeyRule: addKeyRule as 'strict' | 'none' | undefined,
  extraHeaders: values['extra-headers'],
  uuidAnyCase: values['uuid-any-case'],
  preexistingTags,
  neighbours,
  shedding,
};
// --each-mutant serves many faulty targets from one process: the self-test's targets cost one start-up.
const targets: Set<MutantName>[] = values['each-mutant']
  ? [...(mutants.size ? mutants : (Object.keys(MUTANTS) as MutantName[]))].map((m) => new Set([m]))
  : [mutants];
const servers = targets.map((set) => {
  const server = createReferenceServer({ ...common, mutants: set });
  server.on('error', (err) => fatal(err.message));
  server.listen(values['each-mutant'] ? 0 : (int('port', values.port) ?? 8080), values.host, () => {
    const { port } = server.address() as AddressInfo;
    const endpoint = `http://${values.host}:${port}`;
    const notes = [set.size ? `mutants: ${[...set].join(', ')}` : 'no mutants', values['latency-ms'] ? `latency ${values['latency-ms']} ms` : ''].filter(Boolean);
    process.stdout.write(`reference target listening on ${endpoint} (${notes.join('; ')})\n`);
    if (!seedFromEnv && targets.length === 1) {
      // A made-up seed is only useful if the user can see it; these are throwaway local credentials.
      process.stdout.write(
        [
          `IMS_ENDPOINT=${endpoint}`,
          `IMS_PROJECT_ID=${seed.projectId}`,
          `IMS_IMAGE_ID=${seed.imageId}`,
          `IMS_OTHER_IMAGE_ID=${seed.otherImageId}`,
          `IMS_OTHER_PROJECT_ID=${seed.otherProjectId}`,
          `IMS_AUTH_TOKEN=${seed.tokens.owner}`,
          `IMS_FORBIDDEN_AUTH_TOKEN=${seed.tokens.forbidden}`,
          `IMS_OUTSIDER_AUTH_TOKEN=${seed.tokens.otherProject}`,
          `IMS_OUTSIDER_IMAGE_ID=${seed.otherProjectImageId}`,
        ].join('\n') + '\n',
      );
    }
  });
  return server;
});

const lifetime = int('max-lifetime-s', values['max-lifetime-s']);
if (lifetime) setTimeout(() => process.exit(0), lifetime * 1000).unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const server of servers) server.close();
    process.exit(0);
  });
}
