// Decisions made once per run, in the runner's main process, before workers start: the run id and, when no
// endpoint is configured, a free loopback port for the embedded reference target. Workers inherit them
// through the environment, so every process of the run agrees.
import { execFileSync } from 'node:child_process';
import dotenv from 'dotenv';
import { newRunId } from './run-id.js';

export interface RunSetup {
  runId: string;
  embedded: boolean;
  referencePort?: number;
}

function freeLoopbackPort(): number {
  // Synchronous on purpose: Playwright's config is evaluated synchronously.
  const script = "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

export function prepareRun(env: NodeJS.ProcessEnv = process.env): RunSetup {
  dotenv.config({ quiet: true });
  env.IMS_RUN_ID ||= newRunId();
  // OpenStack credentials without IMS_ENDPOINT: the endpoint comes from the catalogue (the global setup sets it).
  const catalogue = env.IMS_API_DIALECT?.trim() === 'openstack' && !env.IMS_AUTH_TOKEN?.trim() && !env.IMS_ACCESS_KEY?.trim() && !env.IMS_IAM_ENDPOINT?.trim() &&
    !!(env.OS_CLOUD?.trim() || env.OS_AUTH_URL?.trim());
  const embedded = !env.IMS_ENDPOINT?.trim() && !catalogue;
  if (embedded) env.IMS_REFERENCE_PORT ||= String(freeLoopbackPort());
  return { runId: env.IMS_RUN_ID, embedded, referencePort: embedded ? Number(env.IMS_REFERENCE_PORT) : undefined };
}
