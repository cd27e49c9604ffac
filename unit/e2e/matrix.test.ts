// `ims-conformance matrix` over three certificates (the reference target, a mutant, a vendor-like variant) and a
// tampered copy: the markdown table shows the right verdict in every cell, each column's signature state and key,
// and the HTML page says the same cell by cell. (What a person sees in Chromium: unit/browser/matrix.test.ts.)
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requirements } from '../../harness/spec.js';
import { fingerprint, loadPublicKey } from '../../scripts/lib/attestation.js';
import { expectedCell, makeThreeBundles, MUTANT_IDENTITY, VENDOR_IDENTITY, type ThreeBundles } from './three-bundles.js';
import { runScript } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'ims-e2e-matrix-'));
let b: ThreeBundles;
let tampered: string;

before(async () => {
  b = await makeThreeBundles(work);
  tampered = join(work, 'vendor-tampered');
  cpSync(b.vendor, tampered, { recursive: true });
  const md = join(tampered, 'report.md');
  writeFileSync(md, readFileSync(md, 'utf8').replace('CONFORMANT', 'C0NFORMANT'));
});
after(() => rmSync(work, { recursive: true, force: true }));

/** The markdown table as rows of cells keyed by the first column. */
function table(md: string): Map<string, string[]> {
  const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---'));
  return new Map(rows.map((l) => l.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim())).map((cells) => [cells[0]!, cells.slice(2)]));
}

test('three bundles: every cell of the markdown table shows the verdict its bundle recorded, and the signatures', async () => {
  assert.deepEqual(b.runs.map((r) => r.code), [0, 1, 0], b.runs.map((r) => r.out.slice(-600)).join('\n---\n'));
  const out = join(work, 'out');
  const run = await runScript('scripts/matrix.ts', [b.reference, b.mutant, b.vendor, tampered, '--trust-key', `${b.keyA}.pub.pem`, '--trust-key', `${b.keyB}.pub.pem`, '--out', out], process.env);
  assert.equal(run.code, 0, run.out);
  const md = readFileSync(join(out, 'matrix.md'), 'utf8');
  const t = table(md);
  assert.deepEqual(t.get('Requirement'), [
    'embedded reference target (ims-conformance 0.1.0)',
    `${MUTANT_IDENTITY.vendor} / ${MUTANT_IDENTITY.product} / ${MUTANT_IDENTITY.version}`,
    `${VENDOR_IDENTITY.vendor} / ${VENDOR_IDENTITY.product} / ${VENDOR_IDENTITY.version}`,
    `${VENDOR_IDENTITY.vendor} / ${VENDOR_IDENTITY.product} / ${VENDOR_IDENTITY.version}`,
  ]);
  assert.deepEqual(t.get('Verdict'), ['CONFORMANT (REFERENCE TARGET)', 'NON-CONFORMANT', 'CONFORMANT', 'NOT VALID (bundle NOT VALID)']);
  const fa = fingerprint(loadPublicKey(`${b.keyA}.pub.pem`));
  const fb = fingerprint(loadPublicKey(`${b.keyB}.pub.pem`));
  assert.deepEqual(t.get('Signature'), [`signature verified, key ${fa}`, `signature verified, key ${fb}`, 'unsigned', 'unsigned']);
  for (const q of requirements) {
    const row = t.get(`${q.id} ${q.title.replace(/\|/g, '\\|')}`);
    assert.ok(row, `row ${q.id}`);
    (['reference', 'mutant', 'vendor'] as const).forEach((column, i) => {
      const want = expectedCell(column, q.id);
      if (typeof want === 'string') assert.equal(row[i], want, `${q.id} ${column}`);
      else assert.match(row[i]!, want, `${q.id} ${column}`);
    });
    assert.equal(row[3], 'not trusted (bundle not valid)', `${q.id} tampered copy`);
  }
  // The page says the same, cell by cell, and a failed cell links to its evidence with a curl line.
  const html = readFileSync(join(out, 'matrix.html'), 'utf8');
  for (const q of requirements) {
    t.get(`${q.id} ${q.title.replace(/\|/g, '\\|')}`)!.forEach((text, i) => {
      const cell = new RegExp(`<td class="cell cell-[a-z-]+" data-column="${i + 1}" data-requirement="${q.id}"[^>]*>(?:<a href="#([^"]+)">)?([^<]*)`).exec(html);
      assert.ok(cell, `${q.id} column ${i + 1} in the page`);
      assert.equal(cell[2], text.replace(/'/g, '&#39;'), `${q.id} column ${i + 1}`);
    });
  }
  const link = /data-column="2" data-requirement="DT-05"[^>]*><a href="#(ev-2-DT-05)">FAIL<\/a>/.exec(html);
  assert.ok(link, 'the failed cell links to its evidence');
  const section = html.slice(html.indexOf(`id="${link[1]}"`), html.indexOf('</section>', html.indexOf(`id="${link[1]}"`)));
  assert.match(section, /request: <code>DELETE http:\/\/127\.0\.0\.1:\d+\/v2\/\S+ \[owner\] -&gt; 204<\/code>/);
  assert.match(section, /curl -sS -i -g --path-as-is -X &#39;DELETE&#39; .*&quot;X-Auth-Token: \$IMS_AUTH_TOKEN&quot;/);
  assert.match(html, /id="ne-3-DT-04"/, 'the not-exercised cases are listed');
});

test('a column signed by a key not given as trusted says so; bad input exits 2', async () => {
  const out = join(work, 'out-a');
  const run = await runScript('scripts/matrix.ts', [b.reference, b.mutant, '--trust-key', `${b.keyA}.pub.pem`, '--out', out], process.env);
  assert.equal(run.code, 0, run.out);
  const t = table(readFileSync(join(out, 'matrix.md'), 'utf8'));
  assert.match(t.get('Signature')![1]!, /^signed by an untrusted key sha256:[0-9a-f]{64}$/);
  assert.equal((await runScript('scripts/matrix.ts', [], process.env)).code, 2);
  assert.equal((await runScript('scripts/matrix.ts', [join(work, 'nope')], process.env)).code, 2);
  assert.equal((await runScript('scripts/matrix.ts', [b.reference, '--trust-key', `${b.keyA}.pem`], process.env)).code, 2, 'a private key as trusted key');
});
