/**
 * The editor's view of a JSON model, without VS Code: problems at exact ranges (syntax, unknown type,
 * missing reference, cycle, channel mismatch at an Add, kernel larger than its input, a window that
 * drops rows), layer lookup by offset, go to definition, and hover figures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeJsonText, LIVE_ANALYSIS_LIMIT } from '../../src/formats/json/modelDocument';
import { readConvLensJson } from '../../src/formats/convlens-json/read';
import { ModelError } from '../../src/ir/types';

const model = (layers: string, input = '[32, 32, 3]') => `{\n  "input": ${input},\n  "layers": [\n${layers}\n  ]\n}\n`;
/** The problem whose range covers exactly `snippet` (its first occurrence after `after`). */
function at(text: string, snippet: string, after = 0): { offset: number; length: number } {
  const offset = text.indexOf(snippet, after);
  assert.ok(offset >= 0, `snippet ${snippet} not in text`);
  return { offset, length: snippet.length };
}

test('a valid model: no problems; layerAt, definitionAt and figures per layer', () => {
  const text = model([
    '    {"type": "Conv2D", "name": "a", "filters": 8, "kernel_size": 3, "padding": "same"},',
    '    {"type": "Conv2D", "name": "b", "filters": 8, "kernel_size": 3, "padding": 1},',
    '    {"type": "Add", "name": "sum", "inputs": ["a", "b"]}',
  ].join('\n'));
  const d = analyzeJsonText(text);
  assert.equal(d.kind, 'convlens');
  assert.deepEqual(d.problems, []);
  const b = d.layerAt(text.indexOf('"name": "b"'))!;
  assert.equal(b.node.name, 'b');
  assert.equal(b.outputShape, '[N, 32, 32, 8]');
  assert.equal(b.params, 3 * 3 * 8 * 8 + 8);
  assert.equal(b.macs, 32 * 32 * 8 * 72);
  assert.deepEqual(b.receptiveField, [5, 5]);
  const ref = text.indexOf('"a", "b"]') + 1;
  const def = d.definitionAt(ref)!;
  assert.equal(text.slice(def.offset, def.offset + 17), '{"type": "Conv2D"');
  assert.equal(d.definitionAt(text.indexOf('"name": "a"') + 9), undefined, 'a name is not a reference to itself');
});

test('JSON syntax error: a diagnostic at the error, no crash', () => {
  const text = model('    {"type": "Conv2D", "filters": 8 "kernel_size": 3}');
  const d = analyzeJsonText(text);
  const p = d.problems.find((x) => x.message.includes("','"))!;
  assert.ok(p, JSON.stringify(d.problems));
  assert.equal(p.severity, 'error');
  assert.equal(text.slice(p.range.offset, p.range.offset + 13), '"kernel_size"');
  assert.throws(() => readConvLensJson(text, 'm.json'), (e: unknown) => e instanceof ModelError && /line 4, column/.test(e.message));
});

test('unknown layer type: a warning on the type with a suggestion; the layer is still drawn', () => {
  const text = model('    {"type": "Conv2d"},\n    {"type": "Cnov2D", "filters": 4}');
  const d = analyzeJsonText(text);
  const p = d.problems.find((x) => x.message.includes("unknown layer type 'Cnov2D'"))!;
  assert.match(p.message, /did you mean 'Conv2D'/);
  assert.deepEqual(p.range, at(text, '"Cnov2D"'));
  assert.equal(d.model!.graph.nodes.length, 2);
  assert.equal(d.model!.graph.nodes[0].opType, 'Conv2D', 'case-insensitive match');
});

test('missing reference and cycle: errors at the reference and at the inputs', () => {
  const text = model([
    '    {"type": "ReLU", "name": "r1", "inputs": ["r2"]},',
    '    {"type": "ReLU", "name": "r2", "inputs": ["r1"]},',
    '    {"type": "Add", "name": "s", "inputs": ["r1", "nope"]}',
  ].join('\n'));
  const d = analyzeJsonText(text);
  const missing = d.problems.find((p) => p.message.includes("'nope'"))!;
  assert.deepEqual(missing.range, at(text, '"nope"'));
  const cyc = d.problems.filter((p) => p.message.includes('cycle'));
  assert.equal(cyc.length, 2);
  assert.deepEqual(cyc[0].range, at(text, '["r2"]'));
});

test('channels that disagree at an Add, a kernel larger than its input, a window that drops rows', () => {
  const text = model([
    '    {"type": "Conv2D", "name": "a", "filters": 8, "kernel_size": 3, "padding": "same"},',
    '    {"type": "Conv2D", "name": "b", "filters": 16, "kernel_size": 1},',
    '    {"type": "Add", "name": "sum", "inputs": ["a", "b"]},',
    '    {"type": "Conv2D", "name": "big", "filters": 4, "kernel_size": 40, "inputs": ["a"]},',
    '    {"type": "MaxPooling2D", "name": "drop", "pool_size": 3, "strides": 2, "inputs": ["a"]}',
  ].join('\n'));
  const d = analyzeJsonText(text);
  const add = d.problems.find((p) => p.node === 'sum')!;
  assert.equal(add.severity, 'error');
  assert.match(add.message, /channel counts disagree/);
  assert.deepEqual(add.range, at(text, '"Add"'));
  const big = d.problems.find((p) => p.node === 'big')!;
  assert.match(big.message, /larger than the padded input/);
  const drop = d.problems.find((p) => p.node === 'drop')!;
  assert.equal(drop.severity, 'warning');
  assert.match(drop.message, /never read/);
});

test('wrong types: a string where a shape belongs, a layer that is not an object — messages, no crash', () => {
  const text = '{"input": "224x224", "layers": [42, {"type": 7}]}';
  const d = analyzeJsonText(text);
  assert.ok(d.problems.some((p) => /needs "shape"|should be a shape/.test(p.message) && text.slice(p.range.offset).startsWith('"224x224"')));
  assert.ok(d.problems.some((p) => /layer 0 should be an object/.test(p.message) && text.slice(p.range.offset).startsWith('42')));
  assert.ok(d.problems.some((p) => /needs a "type"/.test(p.message)));
});

test('Keras JSON in the editor: a missing inbound layer is reported at the reference', () => {
  const text = JSON.stringify({
    class_name: 'Functional', keras_version: '2.15.0',
    config: {
      name: 'm', input_layers: [['in', 0, 0]], output_layers: [['d', 0, 0]],
      layers: [
        { class_name: 'InputLayer', name: 'in', config: { batch_input_shape: [null, 8], name: 'in' }, inbound_nodes: [] },
        { class_name: 'Dense', name: 'd', config: { units: 2, name: 'd' }, inbound_nodes: [[['ghost', 0, 0, {}]]] },
      ],
    },
  }, null, 1);
  const d = analyzeJsonText(text);
  assert.equal(d.kind, 'keras');
  const p = d.problems[0];
  assert.match(p.message, /'ghost'/);
  assert.match(text.slice(p.range.offset, p.range.offset + p.range.length), /"ghost"/);
});

test('a text over the live limit is not parsed: one warning, immediately', () => {
  const big = `{"input": [8], "layers": [${'{"type": "ReLU"},'.repeat(Math.ceil(LIVE_ANALYSIS_LIMIT / 17))}{"type": "ReLU"}]}`;
  const t0 = performance.now();
  const d = analyzeJsonText(big);
  assert.ok(performance.now() - t0 < 50);
  assert.equal(d.tooLarge, true);
  assert.match(d.problems[0].message, /Open Graph/);
});
