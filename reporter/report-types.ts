// The shape of results/report.json: written by the reporter, read by report.md, the bundle verifier and tests.
import type { RequirementRecord, TestRecord, Verdict } from './outcomes.js';
import type { Shard } from './run-record.js';

export type ReportedTest = Omit<TestRecord, 'exchanges'> & {
  requests: number;
  /** For a test that did not pass: the exchanges its failure names (method, URL, persona, status). */
  evidence: string[];
};

export interface ConformanceReport {
  suite: { name: string; version: string; commit: string | null };
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
  preflight: { ok: boolean; message: string | null; warnings: string[]; freeSlots: Record<string, number> | null; clockSkewMs: number | null } | null;
  integrity: { checked: number; intact: number; lost: unknown[]; otherRuns?: number; error: string | null } | null;
  observations: { test: string; requirement: string; observation: string }[];
  requirements: RequirementRecord[];
  tests: ReportedTest[];
}
