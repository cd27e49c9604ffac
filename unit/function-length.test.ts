// The function-length rule (`npm run lint:length`): over 60 lines is reported unless a comment gives a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFunctionLengths, measureSource } from '../scripts/check-function-length.js';

/** A function declaration spanning exactly `lines` lines, header and closing brace included. */
function fn(name: string, lines: number, body: string[] = []): string[] {
  const filler = Array.from({ length: lines - 2 - body.length }, (_, i) => `  const v${i} = ${i};`);
  return [`function ${name}() {`, ...body, ...filler, '}'];
}

const check = (...lines: string[]) => checkFunctionLengths([{ file: 'm.ts', text: lines.join('\n') }]);

test('a 61-line function is reported with its file, line and name; a 60-line one is not', () => {
  const r = check('// a file', ...fn('tooLong', 61), ...fn('justRight', 60));
  assert.deepEqual(
    r.functions.map((f) => [f.name, f.line, f.lines]),
    [
      ['tooLong', 2, 61],
      ['justRight', 63, 60],
    ],
  );
  assert.equal(r.findings.length, 1);
  assert.match(r.findings[0]!.message, /^m\.ts:2 tooLong is 61 lines \(limit 60\)$/);
});

test('a length-exempt comment with a reason exempts the function, on the line above or in its JSDoc', () => {
  const r = check(
    '// length-exempt: one row per status code, a table read top to bottom',
    ...fn('table', 80),
    '/**',
    ' * The mutants.',
    ' * length-exempt: a data table, one entry per mutant',
    ' */',
    'export const mutants = () => {',
    ...Array.from({ length: 70 }, (_, i) => `  void ${i};`),
    '};',
  );
  assert.deepEqual(r.findings, []);
  assert.deepEqual(
    r.functions.map((f) => f.exemptReason),
    ['one row per status code, a table read top to bottom', 'a data table, one entry per mutant'],
  );
});

test('an exempt marker without a reason exempts nothing', () => {
  for (const marker of ['// length-exempt:', '/* length-exempt: */', '// length-exempt: -']) {
    const r = check(marker, ...fn('bare', 61));
    assert.equal(r.findings.length, 1, marker);
    assert.match(r.findings[0]!.message, /bare is 61 lines .*gives no reason/, marker);
  }
});

test('a marker further up, not directly above the function, exempts nothing', () => {
  const r = check('// length-exempt: a long table', '', 'const x = 1;', ...fn('far', 61));
  assert.equal(r.findings.length, 1);
});

test('nested functions are measured on their own, and an exempt outer function does not exempt them', () => {
  const inner = fn('inner', 61).map((l) => `  ${l}`);
  const r = check('// length-exempt: a long data table', 'function outer() {', ...inner, '  return inner;', '}');
  assert.deepEqual(
    r.functions.map((f) => [f.name, f.line, f.lines]),
    [
      ['outer', 2, 64],
      ['inner', 3, 61],
    ],
  );
  assert.deepEqual(
    r.findings.map((f) => f.name),
    ['inner'],
  );
  // A short inner function is not reported because of its long outer function.
  const short = check('function outer() {', '  const inner = () => 1;', ...Array.from({ length: 70 }, () => '  void 0;'), '}');
  assert.deepEqual(
    short.findings.map((f) => f.name),
    ['outer'],
  );
});

test('every kind of function is measured and named', () => {
  const names = measureSource(
    'k.ts',
    [
      'function decl() {}',
      'const arrow = () => 1;',
      'const expr = function () {};',
      "test('a title', async () => {});",
      'class C {',
      '  constructor() {}',
      '  method() {}',
      '  get value() { return 1; }',
      '  set value(v: number) { void v; }',
      '  overload(): void;',
      '  overload(): void {}',
      '}',
      'const o = { m() {}, p: () => 2 };',
    ].join('\n'),
  ).map((f) => f.name);
  assert.deepEqual(names, ['decl', 'arrow', 'expr', 'test("a title") callback', 'constructor', 'method', 'get value', 'set value', 'overload', 'm', 'p']);
});
