// `ims-conformance run|certify|verify|keygen|matrix|sweep|reference`: one command for the entry points, with the same exit
// codes (0 conformant, 1 not shown conformant, 2 unusable, tampered or bad input).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import dotenv from 'dotenv';
import { runConformance } from './conformance.js';
import { certify } from './certify.js';
import { parseVerifyArgs, verify } from './verify.js';
import { keygen } from './keygen.js';
import { matrix } from './matrix.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const USAGE = `usage: ims-conformance <command> [options]
  run [playwright options]   run the suite against the configured target (IMS_* variables or .env)
  certify [--out DIR] --vendor V --product P --product-version N [--sign-key KEY]
                             locked full run that writes a verifiable (optionally signed) evidence bundle
  verify <bundle> [--trust-key PUB] [--require-signature]
                             check a bundle: intact, complete, consistent, signed; prints its verdict
  keygen [--out PREFIX]      make an Ed25519 key pair for certify --sign-key / verify --trust-key
  matrix BUNDLE... [--out DIR] [--trust-key PUB]...
                             one HTML page and a markdown table: requirements down, targets across
  sweep [--apply]            list (delete with --apply) the tags earlier runs of the suite left behind
  reference [options]        start the reference target (see: ims-conformance reference --help)
Exit codes: 0 conformant (or valid and conformant), 1 not shown conformant, 2 unusable, tampered or bad input.
Each command takes --help.`;

/** Runs another entry point of the suite as its own process and passes its exit code on. */
function delegate(script: string, args: string[]): Promise<number> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], { cwd: ROOT, stdio: 'inherit' });
    child.on('error', (err) => {
      process.stderr.write(`ims-conformance: could not start ${script}: ${err.message}\n`);
      done(2);
    });
    child.on('exit', (code) => done(code ?? 2));
  });
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const say = (code: number, text: string) => {
    (code === 2 ? process.stderr : process.stdout).write(`${text}\n`);
    return code;
  };
  switch (command) {
    case undefined:
      return say(2, USAGE);
    case '--help':
    case '-h':
    case 'help':
      return say(0, USAGE);
    case 'run': {
      if (rest.includes('--help')) return say(0, 'usage: ims-conformance run [playwright test options]\n  Configuration: IMS_* variables or a .env file (see .env.example).');
      dotenv.config({ quiet: true });
      const run = await runConformance({ args: rest });
      if (run.message) process.stderr.write(`ims-conformance: ${run.message}\n`);
      return run.exitCode;
    }
    case 'certify': {
      const { exitCode, message } = await certify(rest);
      return say(exitCode, exitCode === 2 ? `ims-conformance: ${message}` : message);
    }
    case 'verify': {
      const parsed = parseVerifyArgs(rest);
      if (typeof parsed === 'string') return say(2, `ims-conformance: ${parsed}`);
      const { exitCode, lines } = verify(parsed.dir, parsed.opts);
      return say(exitCode, lines.join('\n'));
    }
    case 'keygen': {
      const { exitCode, message } = keygen(rest);
      return say(exitCode, exitCode === 2 ? `ims-conformance: ${message}` : message);
    }
    case 'matrix': {
      const { exitCode, message } = matrix(rest);
      return say(exitCode, exitCode === 2 ? `ims-conformance: ${message}` : message);
    }
    case 'sweep':
      // Built separately; dispatched only once it exists.
      if (!existsSync(join(ROOT, 'scripts', 'sweep.ts'))) return say(2, 'ims-conformance: sweep is not available in this version of the suite');
      return delegate('scripts/sweep.ts', rest);
    case 'reference':
      return delegate('reference/main.ts', rest);
    default:
      return say(2, `ims-conformance: unknown command ${JSON.stringify(command)}\n${USAGE}`);
  }
}

process.exit(await main(process.argv.slice(2)));
