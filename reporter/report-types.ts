// The shape of results/report.json: written by the reporter, read by report.md, the bundle verifier and tests.
import type { RequirementRecord, TestRecord, Verdict } from './outcomes.js';
import type { Shard } from './run-record.js';
import type { ProductIdentity } from './product.js';
import type { OtherWriters, Unavailability } from './other-writers.js';
import type { StuckTagRecord } from '../harness/run/run-files.js';

/** The version of report.json's shape (reporter/report.schema.json); docs/REPORT-SCHEMA.md says when it changes. */
export const REPORT_SCHEMA_VERSION = '1.1.0';

export type ReportedTest = Omit<TestRecord, 'exchanges' | 'named'> & {
  requests: number;
  /** For a test that did not pass: the exchanges its failure names (method, URL, persona, status). */
  evidence: string[];
  /** For a test that did not pass: curl command lines repeating its decisive request(s), credentials as variables. */
  reproduce?: string[];
};

export interface ConformanceReport {
  schemaVersion: string;
  suite: { name: string; version: string; commit: string | null };
  /** The target's vendor, product and version (null when a plain run did not name them). */
  product: ProductIdentity | null;
  runtime: { node: string; playwright: string };
  spec: { path: string; sha256: string };
  target: Record<string, unknown> | null;
  /** How the target was reached (proxy, CA, TLS checks) and the warnings that go with it (IMS_INSECURE_TLS). */
  transport?: (Record<string, unknown> & { warnings: string[] }) | null;
  run: {
    id: string | null;
    shards: Shard[] | null;
    startedAt: string;
    endedAt: string;
    durationMs: number;
    workers: number;
    playwrightStatus: string;
  };
  verdict: Verdict;
  exitCode: number;
  /** --strict (always for certify): required requirements left unexercised made the run INCOMPLETE. Absent in older reports. */
  strict?: boolean;
  /** Required requirements this run did not exercise (filtered out, not configured, blocked), with why. */
  notExercised?: { id: string; reason: string }[];
  counts: { pass: number; fail: number; skipped: number; error: number };
  fatal: string[];
  warnings: string[];
  requests: { total: number; retries: number };
  /** Changes by other writers (no request of the run can have caused them), and whether the image was declared exclusive. */
  otherWriters?: OtherWriters;
  /** Tags present before the run that a request of the run destroyed or changed (a finding names the fault). */
  harm?: { image: string; key: string; value: string | null; now: string | null }[];
  /** Requests under test sent again after a 503 that changed nothing, and cases left unexercised by it. */
  unavailable?: Unavailability;
  preflight: {
    ok: boolean;
    message: string | null;
    warnings: string[];
    freeSlots: Record<string, number> | null;
    clockSkewMs: number | null;
    /** The target lost overlapping writes (DT-17), so the run wrote one at a time. */
    serialWrites?: boolean;
  } | null;
  integrity: { checked: number; intact: number; lost: unknown[]; otherRuns?: number; left?: { image: string; key: string }[]; lastPass?: { tried: number; removed: number }; error: string | null } | null;
  /** Whether the run left the target as it found it: tags of this run still there, and the command that removes them. */
  cleanup: {
    left: { image: string; key: string }[];
    sweep: string | null;
    stuck?: StuckTagRecord[];
    /** The teardown's last pass over tags whose cleanup the service never answered: how many it tried and removed. Absent when it had none. */
    lastPass?: { tried: number; removed: number };
  } | null;
  observations: { test: string; requirement: string; observation: string }[];
  /** `reproduce`: for a failed requirement decided over the whole run, curl lines repeating the requests it names. */
  requirements: (RequirementRecord & { reproduce?: string[] })[];
  tests: ReportedTest[];
}
