/** `convlens diff`: exit codes as diff(1), the text, JSON and Markdown reports (rendered by markdown-it). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import MarkdownIt from 'markdown-it';

const root = resolve(__dirname, '..', '..');
const zoo = (n: string) => join(root, 'media/samples/zoo', n);

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function edited(edit: (m: { layers: Record<string, unknown>[] }) => void, name = 'edited.json'): string {
  const m = JSON.parse(readFileSync(zoo('lenet5.json'), 'utf8'));
  delete m.$schema;
  edit(m);
  const f = join(mkdtempSync(join(tmpdir(), 'convlens-diff-')), name);
  writeFileSync(f, JSON.stringify(m));
  return f;
}

test('diff exits 0 for equivalent models, 1 for different ones', () => {
  const same = cli('diff', zoo('lenet5.json'), edited(() => {}));
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stdout, /: equivalent: 8 layers match\n/);
  const other = cli('diff', zoo('lenet5.json'), edited((m) => { m.layers[0].filters = 8; }));
  assert.equal(other.code, 1, other.stderr);
  assert.match(other.stdout, /^~ C1 \(Conv2D\): .*params 156 → 208 \(\+52\)/m);
  assert.equal(other.stderr, '');
});

test('diff usage errors and unreadable models exit 2 with one line', () => {
  for (const args of [['diff'], ['diff', zoo('lenet5.json')], ['diff', 'a', 'b', 'c'], ['diff', 'a', 'b', '--json', '--markdown'], ['diff', 'a', 'b', '--input-shape', 'x=1x2']]) {
    const r = cli(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /Usage:/);
  }
  const missing = cli('diff', zoo('lenet5.json'), join(tmpdir(), 'no-such-model.onnx'));
  assert.equal(missing.code, 2);
  assert.deepEqual(missing.stderr.trim().split('\n'), [`${join(tmpdir(), 'no-such-model.onnx')}: cannot open model file: no such file`]);
});

test('diff --json is the report: deltas, marks and the equivalence verdict', () => {
  const r = cli('diff', zoo('lenet5.json'), edited((m) => { m.layers.splice(8, 0, { type: 'Dense', name: 'F5b', units: 120, activation: 'tanh' }); }), '--json');
  assert.equal(r.code, 1);
  const d = JSON.parse(r.stdout);
  assert.equal(d.equivalent, false);
  // F5b, 120 → 120 after the flatten: 120·120 + 120 = 14,520 params and 14,400 MACs; F6 still reads 120.
  assert.deepEqual(d.added.map((l: { name: string; params: number; macs: number }) => [l.name, l.params, l.macs]), [['F5b', 14520, 14400]]);
  assert.deepEqual(d.changed, []);
  assert.deepEqual(d.totals.params, { before: 61706, after: 76226, delta: 14520 });
  assert.equal(Object.values(d.marks.new).filter((m) => m === 'added').length, 1);
});

test('diff --markdown renders as a table with the changes, and names from the file stay text', () => {
  const hostile = '<img src=x onerror=alert(1)>|`x`\r# heading';
  const r = cli('diff', zoo('lenet5.json'), edited((m) => { m.layers[0].name = hostile; m.layers[0].filters = 8; }), '--markdown');
  assert.equal(r.code, 1, r.stderr);
  const html = new MarkdownIt({ html: true }).render(r.stdout);
  assert.doesNotMatch(html, /<img/);
  assert.doesNotMatch(html, /<h1/);
  assert.match(html, /<details open><summary>\d+ changes<\/summary>/);
  const tables = html.match(/<table>[\s\S]*?<\/table>/g) ?? [];
  assert.equal(tables.length, 2);
  // Totals table: C1 5·5·1·8 + 8 = 208 params (was 156); C3 now reads 8 maps, 5·5·8·16 + 16 = 3,216 (was 2,416).
  assert.match(tables[0], /<td>Params<\/td>\s*<td[^>]*>61,706<\/td>\s*<td[^>]*>62,558<\/td>\s*<td[^>]*>\+852<\/td>/);
  // The hostile name is one cell of one row, escaped, with its pipe kept inside the cell.
  const row = (tables[1].match(/<tr>[\s\S]*?<\/tr>/g) ?? []).find((t) => t.includes('onerror'));
  assert.ok(row, 'the renamed layer has a row');
  assert.equal((row.match(/<td/g) ?? []).length, 4);
  // The CR shows as a visible escape instead of starting a new line.
  assert.ok(row.includes('&lt;img src=x onerror=alert(1)&gt;|`x`\\x0d# heading'), row);
});

test('summary --markdown renders: io table, the totals, and every layer row inside <details>', () => {
  const r = cli('summary', join(root, 'media/samples/mnist_c_cxx.onnx'), '--markdown');
  assert.equal(r.code, 0, r.stderr);
  const html = new MarkdownIt({ html: true }).render(r.stdout);
  const tables = html.match(/<table>[\s\S]*?<\/table>/g) ?? [];
  assert.equal(tables.length, 2);
  assert.match(tables[0], /<td>input<\/td>\s*<td>Input3<\/td>\s*<td>float32<\/td>\s*<td>\[1, 1, 28, 28\]<\/td>/);
  assert.match(html, /<li>Total params: 5,994 \(23\.41 KiB of weights\)<\/li>/);
  assert.match(html, /<details><summary>11 layers<\/summary>/);
  // 11 layer rows and the header row, each with six cells.
  const rows = tables[1].match(/<tr>[\s\S]*?<\/tr>/g) ?? [];
  assert.equal(rows.length, 12);
  assert.ok(rows.slice(1).every((row) => (row.match(/<td/g) ?? []).length === 6));
  assert.match(rows[1], /<td>Convolution28<\/td>\s*<td>Conv<\/td>\s*<td>\[1, 8, 28, 28\]<\/td>\s*<td[^>]*>200<\/td>\s*<td[^>]*>156,800<\/td>/);
});
