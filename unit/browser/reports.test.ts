// What a person sees, in headless Chromium (/usr/bin/chromium; npm run test:browser, run by .ci/run after it
// installs Chromium, never by npm test): the HTML report of a certificate with a test's exchanges and no secret, a
// failed test's curl reproduction line, and the results matrix over three certificates with the right verdict in
// every cell, each column's signature and key, and a failed cell leading to its evidence. Screenshots: results/browser/.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { requirements } from '../../harness/spec.js';
import { EMBEDDED_SEED } from '../../harness/run/embedded-target.js';
import { fingerprint, loadPublicKey } from '../../scripts/lib/attestation.js';
import { ROOT, runScript } from '../e2e/helpers.js';
import { expectedCell, makeThreeBundles, type ThreeBundles } from '../e2e/three-bundles.js';
import { CHROMIUM, launchChromium, showAttachment, showExchanges } from './html-report.js';

const SHOTS = join(ROOT, 'results', 'browser');
const work = mkdtempSync(join(tmpdir(), 'ims-browser-'));
const secrets = [...Object.values(EMBEDDED_SEED.tokens), EMBEDDED_SEED.accessKeys.owner.sk, EMBEDDED_SEED.iamUsers.owner.password];
let b: ThreeBundles;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  mkdirSync(SHOTS, { recursive: true });
  b = await makeThreeBundles(work);
  assert.deepEqual(b.runs.map((r) => r.code), [0, 1, 0], b.runs.map((r) => r.out.slice(-600)).join('\n---\n'));
});
after(() => rmSync(work, { recursive: true, force: true }));

test('the HTML report opens in headless Chromium with a test\'s exchanges and no secret', async () => {
  const shot = join(SHOTS, 'html-report.png');
  const text = await showExchanges(join(b.reference, 'html', 'index.html'), 'deleting an existing tag answers 204', shot);
  assert.match(text, /\[under-test\] DELETE http:\/\/127\.0\.0\.1:\d+\/v2\/\S+\/tags\/\S+ \[owner\] -> 204/);
  assert.match(text, /X-Auth-Token: \[REDACTED\]/);
  for (const s of secrets) assert.ok(!text.includes(s), 'the page shows a secret');
  assert.ok(statSync(shot).size > 10_000, 'a screenshot was taken');
});

test('a failed test in the HTML report carries its curl line, the token as a shell variable', async () => {
  const shot = join(SHOTS, 'html-report-reproduce.png');
  const text = await showAttachment(join(b.mutant, 'html', 'index.html'), 'a second delete of the same key answers 404', 'reproduce.sh', /curl -sS/, shot);
  assert.match(text, /curl -sS -i -g --path-as-is -X 'DELETE' .*-H "X-Auth-Token: \$IMS_AUTH_TOKEN" 'http:\/\/127\.0\.0\.1:\d+\/v2\/\S+\/tags\/\S+'/);
  for (const s of secrets) assert.ok(!text.includes(s), 'the page shows a secret');
});

test('the matrix page shows every verdict, each column\'s signature and key, and leads from a failed cell to its evidence', async () => {
  const out = join(work, 'matrix');
  const run = await runScript('scripts/matrix.ts', [b.reference, b.mutant, b.vendor, '--trust-key', `${b.keyA}.pub.pem`, '--trust-key', `${b.keyB}.pub.pem`, '--out', out], process.env);
  assert.equal(run.code, 0, run.out);
  const md = readFileSync(join(out, 'matrix.md'), 'utf8');
  const mdRows = new Map(md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---')).map((l) => l.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim())).map((c) => [c[0]!.split(' ')[0]!, c.slice(2)]));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`file://${join(out, 'matrix.html')}`);
    await assertColumnHeads(page);
    await assertCells(page, mdRows);
    await page.screenshot({ path: join(SHOTS, 'matrix.png'), fullPage: true });
    await assertEvidenceLinks(page);
    const all = await page.locator('body').innerText();
    for (const s of secrets) assert.ok(!all.includes(s), 'the page shows a secret');
  } finally {
    await browser.close();
  }
  assert.ok(statSync(join(SHOTS, 'matrix.png')).size > 20_000, 'a screenshot was taken');
});

/** Each column's head: the target, whether it is the reference target, its verdict, its signature and key. */
async function assertColumnHeads(page: Page): Promise<void> {
  const headers = await page.locator('thead th[data-column]').allInnerTexts();
  assert.equal(headers.length, 3);
  const [fa, fb] = [fingerprint(loadPublicKey(`${b.keyA}.pub.pem`)), fingerprint(loadPublicKey(`${b.keyB}.pub.pem`))];
  assert.match(headers[0]!, /embedded reference target[\s\S]*REFERENCE TARGET: the suite's own, not a vendor's product[\s\S]*CONFORMANT/);
  assert.ok(headers[0]!.replace(/\s+/g, '').includes(`signatureverified,key${fa}`), headers[0]);
  assert.match(headers[1]!, /Brokenware \/ Tagless \/ 0\.0\.1[\s\S]*NON-CONFORMANT/);
  assert.ok(headers[1]!.replace(/\s+/g, '').includes(`signatureverified,key${fb}`), headers[1]);
  assert.match(headers[2]!, /Acme Cloud \/ Acme Image Service \/ 2024\.3-beta[\s\S]*CONFORMANT[\s\S]*unsigned/);
  assert.doesNotMatch(headers[1]! + headers[2]!, /REFERENCE TARGET/);
}

/** Every requirement's cell in every column says what the markdown table says, and its colour carries the verdict. */
async function assertCells(page: Page, mdRows: Map<string, string[]>): Promise<void> {
  for (const q of requirements) {
    for (const [i, column] of (['reference', 'mutant', 'vendor'] as const).entries()) {
      const cell = page.locator(`td[data-column="${i + 1}"][data-requirement="${q.id}"]`);
      assert.ok(await cell.isVisible(), `${q.id} ${column} is visible`);
      const text = (await cell.innerText()).trim();
      const want = expectedCell(column, q.id);
      if (typeof want === 'string') assert.equal(text, want, `${q.id} ${column}`);
      else assert.match(text, want, `${q.id} ${column}`);
      assert.equal(text, mdRows.get(q.id)![i], `${q.id} ${column}: the markdown table says the same`);
    }
  }
  // Colour carries the verdict too: a failed cell is red, a pass green, a warning amber.
  const bg = (sel: string) => page.locator(sel).evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(await bg('td[data-column="2"][data-requirement="DT-05"]'), 'rgb(251, 222, 222)');
  assert.equal(await bg('td[data-column="1"][data-requirement="DT-05"]'), 'rgb(227, 245, 227)');
  assert.equal(await bg('td[data-column="3"][data-requirement="DT-12"]'), 'rgb(255, 243, 214)');
}

/** A person clicks the failed cell and lands on its evidence: the request and the curl line that repeats it. */
async function assertEvidenceLinks(page: Page): Promise<void> {
  await page.locator('td[data-column="2"][data-requirement="DT-05"] a').click();
  const evidence = page.locator('#ev-2-DT-05');
  await evidence.waitFor();
  assert.ok(await evidence.isVisible());
  const box = await evidence.boundingBox();
  // Scrolled to its anchor the element sits at the top edge, up to a sub-pixel of rounding.
  assert.ok(box && box.y > -1 && box.y < 900, `the evidence is scrolled into view (y=${box?.y})`);
  const ev = await evidence.innerText();
  assert.match(ev, /Brokenware \/ Tagless \/ 0\.0\.1: DT-05 .*: FAIL/);
  assert.match(ev, /request: DELETE http:\/\/127\.0\.0\.1:\d+\/v2\/\S+ \[owner\] -> 204/);
  assert.match(ev, /curl -sS -i -g --path-as-is -X 'DELETE' .*"X-Auth-Token: \$IMS_AUTH_TOKEN"/);
  await page.screenshot({ path: join(SHOTS, 'matrix-evidence.png') });
  // The not-exercised cases of the vendor are one click away, too.
  await page.locator('td[data-column="3"][data-requirement="DT-04"] a').click();
  assert.match(await page.locator('#ne-3-DT-04').innerText(), /case\(s\) not exercised/);
}
