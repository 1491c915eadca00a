/**
 * Safe text: a model whose names carry terminal escapes (OSC 52 clipboard write, screen clear, BEL, CR),
 * markup (`<img onerror>`, `]]>`, quotes) and line breaks, read by the real reader and analysis, shown by
 * `convlens summary` and exported as Markdown, Mermaid and SVG. The terminal output holds no control
 * character, the Markdown has no live tag and one line per row, the Mermaid has one statement per line,
 * and the SVG is well-formed XML (parsed by Python's expat) whose text still names the layers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelProtoType } from '../../src/formats/onnx/schema';
import { readModelFile } from '../../src/formats/index';
import { analyze } from '../../src/analysis/analyze';
import { buildViewGraph } from '../../src/view/buildViewGraph';
import { main } from '../../src/cli/main';
import { visibleText } from '../../src/common/visibleText';
import { deriveDisplayGraph } from '../../webview/graph/model/displayGraph';
import { layoutGroups } from '../../webview/graph/model/layoutGroups';
import { layeredLayout } from '../../webview/graph/layout/layered';
import { columnGapFor, LAYER_GAP, makeScene, NODE_H, NODE_W } from '../../webview/graph/render/scene';
import { FAMILIES, type Theme } from '../../webview/graph/render/theme';
import { toMarkdown } from '../../webview/graph/export/markdown';
import { toMermaid } from '../../webview/graph/export/mermaid';
import { sceneToSvg } from '../../webview/graph/export/svg';
import { corpus } from '../helpers/corpus';

const HOSTILE = [
  '\x1b]52;c;ZWNobyBwd25lZA==\x07', // OSC 52: sets the clipboard
  '\x1b[2J\x1b[H', // clears the screen
  'bell\x07', 'over\rwrite', 'line\n# injected heading', 'bare\r# heading',
  '<img src=x onerror=alert(1)>', ']]><script>x</script>', '"quoted" \'single\'', '| pipe [link](javascript:x) `code`',
  '\u202eevil\u2028sep', 'nul\x00del\x7f\x9b', 'lone\ud800surrogate', 'amp &amp; #quot; #35;',
];
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]/;

const dir = mkdtempSync(join(tmpdir(), 'convlens-safe-text-'));
/** mnist with each node renamed to a hostile string, and a hostile producer and graph name. */
function hostileModel(): string {
  const proto = ModelProtoType.decode(readFileSync(corpus('real', 'mnist_c_cxx.onnx'))) as unknown as { producer_name: string; graph: { name: string; node: { name: string }[] } };
  proto.graph.node.forEach((n, i) => (n.name = `${HOSTILE[i % HOSTILE.length]}#${i}`));
  proto.producer_name = HOSTILE[0] + HOSTILE[4];
  proto.graph.name = HOSTILE[6];
  const path = join(dir, 'hostile.onnx');
  writeFileSync(path, ModelProtoType.encode(proto as never).finish());
  return path;
}
const path = hostileModel();

test('visibleText shows each control character as a visible escape and leaves the rest', () => {
  assert.equal(visibleText('a\x1b]52;c;x\x07b'), 'a\\x1b]52;c;x\\x07b');
  assert.equal(visibleText('r\rn\n\u202e'), 'r\\x0dn\\x0a\\u202e');
  assert.equal(visibleText('Conv 3×3 /2 — ok'), 'Conv 3×3 /2 — ok');
});

test('convlens summary writes no control character from the file to the terminal', async () => {
  let out = '';
  let err = '';
  const code = await main(['summary', path], { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
  assert.equal(code, 0, err);
  for (const [i, line] of out.split('\n').entries()) assert.doesNotMatch(line, CONTROL, `line ${i}: ${JSON.stringify(line)}`);
  assert.match(out, /\(onnx, \\x1b\]52;c;ZWNobyBwd25lZA==\\x07line\\x0a# injected heading/, 'the OSC 52 producer is shown as text');
  assert.match(out, /^\\x1b\[2J\\x1b\[H#1 +Conv /m);
  assert.match(out, /over\\x0dwrite#3/);
  // Node 0 builds a constant (folded away); every other node is one line of the table.
  for (let i = 1; i < 12; i++) assert.equal(out.split('\n').filter((l) => new RegExp(`#${i} +[A-Z]`).test(l)).length, 1, `row #${i}`);
});

test('an error naming a hostile node prints one line without control characters', async () => {
  const proto = ModelProtoType.decode(readFileSync(corpus('real', 'mnist_c_cxx.onnx'))) as unknown as { graph: { initializer: { name: string; data_type: number }[] } };
  proto.graph.initializer[0].name = '\x1b]0;pwned\x07\nsecond line';
  proto.graph.initializer[0].data_type = 999;
  const bad = join(dir, 'bad.onnx');
  writeFileSync(bad, ModelProtoType.encode(proto as never).finish());
  let err = '';
  assert.equal(await main(['summary', bad], { write: () => 0 }, { write: (s: string) => (err += s) }), 1);
  assert.equal(err.split('\n').length, 2, err);
  assert.match(err, /pwned.*second line/);
  assert.doesNotMatch(err.slice(0, -1), CONTROL);
});

async function exports() {
  const model = await readModelFile(path);
  const view = buildViewGraph(model, analyze(model), model.graph.name);
  const display = deriveDisplayGraph(view, { fold: false, collapsed: new Set(), hideBatchDim: true });
  const groups = layoutGroups(display);
  const edges = Int32Array.from(display.edges.flatMap((e) => [e.from, e.to]));
  const layout = layeredLayout({ nodeCount: display.nodes.length, edges, nodeWidth: NODE_W, nodeHeight: NODE_H, layerGap: LAYER_GAP, columnGap: columnGapFor(groups.maxDepth), groupOf: groups.groupOf, groupParent: groups.groupParent });
  const theme: Theme = {
    family: Object.fromEntries(FAMILIES.map((f) => [f, '#123456'])) as Theme['family'],
    color: new Proxy({}, { get: () => 'rgb(1, 2, 3)' }) as Theme['color'],
    fontFamily: '"Segoe UI", sans-serif', highContrast: false,
  };
  return { view, display, svg: sceneToSvg(makeScene(display, layout, groups), theme) };
}

test('Markdown export: no live HTML, no injected line, one table row per layer', async () => {
  const { view } = await exports();
  const md = toMarkdown(view, true);
  assert.doesNotMatch(md, /<img|<script/i);
  assert.doesNotMatch(md, /\r|\u2028/);
  assert.doesNotMatch(md.replace(/\n/g, ''), CONTROL);
  const lines = md.trimEnd().split('\n');
  assert.equal(lines.filter((l) => l.startsWith('#')).length, 1, 'only the title is a heading');
  assert.equal(lines.filter((l) => /^\| \d+ \|/.test(l)).length, view.nodes.length);
  for (const l of lines.filter((x) => /^\| \d+ \|/.test(x))) assert.equal(l.split(/(?<!\\)\|/).length, 10, `nine cells: ${l}`);
  assert.match(md, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.doesNotMatch(md, /(?<!\\)\[link\]/, 'no link syntax survives');
});

test('Mermaid export: one statement per line, labels hold no quote, markup or line break', async () => {
  const { display } = await exports();
  const mm = toMermaid(display);
  const lines = mm.trimEnd().split('\n');
  const nodes = lines.filter((l) => /^ {2}n\d+[([]/.test(l));
  assert.equal(nodes.length, display.nodes.length);
  for (const l of nodes) {
    const label = /"(.*)"/.exec(l)?.[1] ?? '';
    assert.doesNotMatch(label.replace(/<br\/>/g, ''), /["<>`]|[\x00-\x1f]/, l);
  }
  assert.match(mm, /#60;img src=x onerror=alert\(1\)#62;/);
});

test('SVG export is well-formed XML whatever the names, and its text names the layers', async () => {
  const { svg, display } = await exports();
  const py = spawnSync('/usr/bin/python3', ['-c', [
    'import sys, json, xml.dom.minidom as m',
    'd = m.parseString(sys.stdin.buffer.read())',
    'print(json.dumps([t.toxml() for t in d.getElementsByTagName("text")]))',
  ].join('\n')], { input: svg, encoding: 'utf8' });
  assert.equal(py.status, 0, `expat refused the SVG: ${py.stderr}`);
  const texts = (JSON.parse(py.stdout) as string[]).join('\n');
  assert.ok(display.nodes.length > 10);
  assert.match(texts, /\\x1b\[2J\\x1b\[H#1/);
  assert.match(texts, /\]\]&gt;&lt;script&gt;/);
  assert.doesNotMatch(svg, CONTROL);
});
