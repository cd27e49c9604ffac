// The results matrix as data, then as one static HTML page and as a markdown table: requirements down, targets
// across, one verdict per cell. The cell and header texts come from one place, so the page and the table say the
// same thing. No script, no external resource: the page can be published as it is.
import type { ConformanceReport, ReportedTest } from '../../reporter/report-types.js';
import type { SignatureStatus } from '../verify.js';

export type CellKind = 'pass' | 'fail' | 'warning' | 'error' | 'skipped' | 'not-applicable' | 'no-result' | 'untrusted';

export interface Cell {
  kind: CellKind;
  /** The words a reader sees in the cell (identical in HTML and markdown). */
  text: string;
  reason?: string;
  notExercised: string[];
  failedTests: Pick<ReportedTest, 'title' | 'id' | 'evidence' | 'reproduce' | 'reason'>[];
  evidence: string[];
  reproduce: string[];
}

export interface Column {
  /** The bundle folder as given, and the link prefix to it from the page's folder. */
  bundle: string;
  href: string;
  vendor: string;
  product: string;
  version: string;
  reference: boolean;
  verdict: string;
  valid: boolean;
  problems: string[];
  signature: SignatureStatus;
  cells: Record<string, Cell>;
}

export interface Row {
  id: string;
  title: string;
  tier: string;
}

export interface Matrix {
  generatedAt: string;
  suiteVersion: string;
  rows: Row[];
  columns: Column[];
}

/** One line per signature state, the same in the page and the table. */
export function signatureText(s: SignatureStatus): string {
  switch (s.state) {
    case 'verified':
      return `signature verified, key ${s.keyid}`;
    case 'unsigned':
      return 'unsigned';
    case 'not-checked':
      return `signed by an untrusted key ${s.keyids.join(', ')}`;
    case 'invalid':
      return 'signature INVALID';
  }
}

export const columnTitle = (c: Column) => (c.reference ? `${c.product} (${c.vendor} ${c.version})` : `${c.vendor} / ${c.product} / ${c.version}`);

/** The cell of one requirement in one report. */
export function cellOf(report: ConformanceReport, id: string, valid: boolean): Cell {
  const empty = { notExercised: [], failedTests: [], evidence: [], reproduce: [] };
  if (!valid) return { ...empty, kind: 'untrusted', text: 'not trusted (bundle not valid)' };
  const q = report.requirements.find((r) => r.id === id);
  if (!q) return { ...empty, kind: 'no-result', text: 'no result' };
  const tests = report.tests.filter((t) => t.requirement === id);
  const notExercised = [
    ...tests.filter((t) => t.skipKind === 'not-exercised').map((t) => `${t.title}: ${t.reason ?? ''}`),
    ...tests.flatMap((t) => (t.notExercised ?? []).map((c) => `${t.title}: ${c}`)),
  ];
  const failedTests = tests.filter((t) => t.outcome === 'fail' || t.outcome === 'error').map(({ title, id: tid, evidence, reproduce, reason }) => ({ title, id: tid, evidence, reproduce, reason }));
  const base = { reason: q.reason, notExercised, failedTests, evidence: q.evidence, reproduce: q.reproduce ?? [] };
  const ne = notExercised.length ? `, ${notExercised.length} not exercised` : '';
  switch (q.outcome) {
    case 'pass':
      return { ...base, kind: 'pass', text: `pass${q.partial ? ` (partial: ${q.partial.exercised} of ${q.partial.of})` : ''}${ne}` };
    case 'fail':
      return q.tier === 'advisory' ? { ...base, kind: 'warning', text: `warning (advisory fail)${ne}` } : { ...base, kind: 'fail', text: `FAIL${ne}` };
    case 'error':
      return { ...base, kind: 'error', text: 'error' };
    case 'skipped':
      if (q.reason?.startsWith('not applicable')) return { ...base, kind: 'not-applicable', text: 'not applicable' };
      return { ...base, kind: 'skipped', text: `skipped: ${shortReason(q.reason)}` };
  }
}

function shortReason(reason: string | undefined): string {
  const r = (reason ?? '').split(/[:\n|]/)[0]!.trim();
  return r.length > 40 ? `${r.slice(0, 39)}…` : r || 'no reason given';
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const anchor = (col: number, id: string, kind: 'ev' | 'ne') => `${kind}-${col + 1}-${id.replace(/[^A-Za-z0-9-]/g, '_')}`;
/** Cells whose details are listed under the table: failures, warnings, errors, and not-exercised cases. */
const hasEvidence = (c: Cell) => c.kind === 'fail' || c.kind === 'warning' || c.kind === 'error';

export function renderHtml(m: Matrix): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Conformance results: DELETE image tag</title>
<style>
${STYLE}</style>
</head>
<body>
<h1>Conformance results: DELETE /v2/{project_id}/images/{image_id}/tags/{key}</h1>
<p>Requirements down, targets across. Each column is one evidence bundle written by <code>ims-conformance certify</code> and checked by this page's generator: its files against their SHA-256s, and its signature against the trusted keys given (the key's fingerprint is shown). A failed cell links to its evidence; "not exercised" counts cases the target's behaviour left unjudged, which are not passes. Generated ${esc(m.generatedAt)} by ims-conformance ${esc(m.suiteVersion)}.</p>
<table>
<thead><tr><th scope="col">Requirement</th>
${columnHeads(m)}
</tr></thead>
<tbody>
${tableBody(m)}
</tbody>
</table>
<h2>Evidence</h2>
${evidenceSections(m).join('\n') || '<p>No failures, warnings or unexercised cases.</p>'}
</body>
</html>
`;
}

/** The page's style sheet: verdicts and cells coloured by kind. */
const STYLE = `body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #111; }
table { border-collapse: collapse; }
th, td { border: 1px solid #999; padding: 6px 8px; vertical-align: top; }
thead th { background: #f2f2f2; min-width: 14em; text-align: left; }
th[scope=row] { text-align: left; font-weight: normal; max-width: 28em; }
.req { font-weight: bold; }
.tier { font-size: 85%; color: #555; }
.target { font-weight: bold; font-size: 110%; }
.reference { color: #7a4b00; background: #fff3d6; font-weight: bold; padding: 2px 4px; margin: 2px 0; }
.verdict { font-weight: bold; }
.verdict-conformant { color: #0a6b0a; } .verdict-non-conformant, .verdict-error { color: #a30000; } .verdict-incomplete { color: #7a4b00; }
.signature { font-size: 85%; word-break: break-all; }
.sig-ok { color: #0a6b0a; } .sig-bad { color: #a30000; font-weight: bold; } .sig-none { color: #7a4b00; }
.invalid { color: #a30000; font-weight: bold; }
.cell-pass { background: #e3f5e3; } .cell-fail, .cell-error { background: #fbdede; font-weight: bold; }
.cell-warning { background: #fff3d6; } .cell-skipped, .cell-no-result, .cell-untrusted { background: #eee; } .cell-not-applicable { background: #f7f7f7; color: #666; }
pre { white-space: pre-wrap; word-break: break-all; background: #f6f6f6; padding: 6px; }
section { margin-top: 1.5em; }
`;

/** One header cell per column: the target, its verdict, its signature, and its reports. */
function columnHeads(m: Matrix): string {
  return m.columns
    .map((c, i) => {
      const sigClass = c.signature.state === 'verified' ? 'sig-ok' : c.signature.state === 'invalid' ? 'sig-bad' : 'sig-none';
      return `<th scope="col" data-column="${i + 1}">
  <div class="target">${esc(columnTitle(c))}</div>
  ${c.reference ? '<div class="reference">REFERENCE TARGET: the suite\'s own, not a vendor\'s product</div>' : ''}
  <div class="verdict verdict-${esc(c.verdict.toLowerCase())}">${esc(c.verdict)}</div>
  <div class="signature ${sigClass}">${esc(signatureText(c.signature))}</div>
  ${c.valid ? '' : `<div class="invalid">bundle NOT VALID: ${esc(c.problems.slice(0, 3).join('; '))}</div>`}
  <div class="links"><a href="${esc(c.href)}/report.md">report.md</a> · <a href="${esc(c.href)}/html/index.html">tests</a></div>
</th>`;
    })
    .join('\n');
}

/** One row per requirement, a cell per column linking to its evidence or its unexercised cases. */
function tableBody(m: Matrix): string {
  return m.rows
    .map((r) => {
      const cells = m.columns
        .map((c, i) => {
          const cell = c.cells[r.id]!;
          const text = esc(cell.text);
          const inner = hasEvidence(cell) ? `<a href="#${anchor(i, r.id, 'ev')}">${text}</a>` : cell.notExercised.length ? `<a href="#${anchor(i, r.id, 'ne')}">${text}</a>` : text;
          return `<td class="cell cell-${cell.kind}" data-column="${i + 1}" data-requirement="${esc(r.id)}"${cell.reason ? ` title="${esc(cell.reason.slice(0, 300))}"` : ''}>${inner}</td>`;
        })
        .join('');
      return `<tr><th scope="row"><span class="req">${esc(r.id)}</span> <span class="tier tier-${esc(r.tier)}">${esc(r.tier)}</span><br><span class="title">${esc(r.title)}</span></th>${cells}</tr>`;
    })
    .join('\n');
}

/** Under the table: each failed, warned or errored cell's evidence, and each cell's unexercised cases. */
function evidenceSections(m: Matrix): string[] {
  const details: string[] = [];
  m.columns.forEach((c, i) => {
    for (const r of m.rows) {
      const cell = c.cells[r.id]!;
      if (hasEvidence(cell)) details.push(evidenceSection(c, i, r, cell));
      if (cell.notExercised.length) details.push(notExercisedSection(c, i, r, cell));
    }
  });
  return details;
}

function evidenceSection(c: Column, i: number, r: Row, cell: Cell): string {
  const tests = cell.failedTests
    .map(
      (t) => `<li><strong>${esc(t.title)}</strong> (<code>${esc(t.id)}</code>)<pre class="reason">${esc((t.reason ?? '').split('\n').filter((l) => !l.trim().startsWith('evidence:')).slice(0, 4).join('\n'))}</pre>
  ${t.evidence.length ? `<ul>${t.evidence.map((e) => `<li>request: <code>${esc(e)}</code></li>`).join('')}</ul>` : ''}
  ${t.reproduce?.length ? `<p>Reproduce (credentials are shell variables):</p><pre class="curl">${esc(t.reproduce.join('\n'))}</pre>` : ''}</li>`,
    )
    .join('\n');
  const runScope = cell.failedTests.length
    ? ''
    : `<p>Decided over every response of the run: ${esc(cell.reason ?? '')}</p><ul>${cell.evidence.slice(0, 10).map((e) => `<li>request: <code>${esc(e)}</code></li>`).join('')}</ul>${cell.reproduce.length ? `<p>Reproduce (credentials are shell variables):</p><pre class="curl">${esc(cell.reproduce.join('\n'))}</pre>` : ''}`;
  return `<section class="evidence" id="${anchor(i, r.id, 'ev')}">
<h3>${esc(columnTitle(c))}: ${esc(r.id)} ${esc(r.title)}: ${esc(cell.text)}</h3>
${runScope}<ul>${tests}</ul>
<p>Full evidence: <a href="${esc(c.href)}/report.md">report.md</a>, <a href="${esc(c.href)}/html/index.html">HTML report with every exchange</a>.</p>
</section>`;
}

function notExercisedSection(c: Column, i: number, r: Row, cell: Cell): string {
  return `<section class="not-exercised" id="${anchor(i, r.id, 'ne')}">
<h3>${esc(columnTitle(c))}: ${esc(r.id)}: ${cell.notExercised.length} case(s) not exercised</h3>
<p>The target refused these keys or did not list them as sent, so the requirement could not be judged on them. They are not counted as passes.</p>
<ul>${cell.notExercised.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>
</section>`;
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMarkdown(m: Matrix): string {
  const out = ['# Conformance results: DELETE image tag', ''];
  out.push(`| Requirement | Tier | ${m.columns.map((c) => mdCell(columnTitle(c))).join(' | ')} |`);
  out.push(`| --- | --- | ${m.columns.map(() => '---').join(' | ')} |`);
  out.push(`| Verdict | | ${m.columns.map((c) => mdCell(`${c.verdict}${c.reference ? ' (REFERENCE TARGET)' : ''}${c.valid ? '' : ' (bundle NOT VALID)'}`)).join(' | ')} |`);
  out.push(`| Signature | | ${m.columns.map((c) => mdCell(signatureText(c.signature))).join(' | ')} |`);
  for (const r of m.rows) out.push(`| ${r.id} ${mdCell(r.title)} | ${r.tier} | ${m.columns.map((c) => mdCell(c.cells[r.id]!.text)).join(' | ')} |`);
  out.push('', 'Failed cells: the evidence (requests, curl lines) is under the table of the HTML page and in each bundle\'s report.md.', '');
  return out.join('\n');
}
