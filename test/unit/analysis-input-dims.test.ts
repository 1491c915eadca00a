/**
 * The sizes symbolic input dims are analysed at: defaults decided in one place (inputDims.ts), the
 * figures at those sizes (never silently at 1), `dimValues` making every shape concrete, and
 * `convlens check` run at the stated defaults with no false differences.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModelBytes, readModelFile } from '../../src/formats/index';
import { analyze } from '../../src/analysis/analyze';
import { defaultDimValues, describeDims, inputDimsOf, listInputDims } from '../../src/analysis/inputDims';
import { encodeModel } from '../../src/formats/onnx/writer';
import { runtimeCheck } from '../../src/cli/runtimeCheck';
import { main } from '../../src/cli/main';
import type { Model } from '../../src/ir/types';
import { tensorFromBytes, bytesOf } from '../../src/ir/tensor';
import { corpus } from '../helpers/corpus';
import { withInputDims } from '../helpers/dynamicInputs';
import { buildViewGraph } from '../../src/view/buildViewGraph';
import { toMarkdown } from '../../webview/graph/export/markdown';

const squeezenet = corpus('onnx-backend', 'light', 'light_squeezenet.onnx');
const classifier = corpus('real', 'image_classifier32.onnx');

async function dynamicSqueezenet(): Promise<{ model: Model; bytes: Uint8Array }> {
  const bytes = await withInputDims(squeezenet, ['N', 3, 'height', 'width']);
  return { model: await readModelBytes(bytes, 'squeezenet-dynamic.onnx'), bytes };
}

function capture(): { write(t: string): void; text: string } {
  const o = { text: '', write(t: string) { o.text += t; } };
  return o;
}

test('defaults: a batch is 1, height and width 224, each marked as a default', async () => {
  const c = await readModelFile(classifier);
  assert.deepEqual(inputDimsOf(c), [{ name: 'batch_size', input: 'modelInput', axis: 0, role: 'batch', value: 1, source: 'default' }]);
  const { model } = await dynamicSqueezenet();
  assert.deepEqual(defaultDimValues(model), { N: 1, height: 224, width: 224 });
  assert.deepEqual(inputDimsOf(model).map((d) => [d.name, d.role, d.source]), [['N', 'batch', 'default'], ['height', 'spatial', 'default'], ['width', 'spatial', 'default']]);
  assert.equal(describeDims(inputDimsOf(model)), 'N=1, height=224, width=224 (default sizes)');
});

test('defaults read the layout: NHWC, unnamed dims, a symbolic channel axis', () => {
  const nhwc = listInputDims([{ name: 'image', shape: ['N', 'N_1', 'N_2', 3] }]);
  assert.deepEqual(nhwc.map((d) => [d.name, d.role, d.value]), [['N', 'batch', 1], ['N_1', 'spatial', 224], ['N_2', 'spatial', 224]]);
  const unnamed = listInputDims([{ name: 'x', shape: ['?', '?', '?', '?'] }]);
  assert.deepEqual(unnamed.map((d) => [d.name, d.role, d.value]), [['x[0]', 'batch', 1], ['x[1]', 'channel', 3], ['x[2]', 'spatial', 224], ['x[3]', 'spatial', 224]]);
  // One name used by two inputs is one dim.
  assert.equal(listInputDims([{ name: 'a', shape: ['N', 3, 8, 8] }, { name: 'b', shape: ['N', 10] }]).length, 1);
});

test("sizes the model's metadata states win over defaults; the user's choice over both", () => {
  const inputs = [{ name: 'images', shape: [1, 3, 'height', 'width'] }];
  const yolo = listInputDims(inputs, { imgsz: '[640, 480]' });
  assert.deepEqual(yolo.map((d) => [d.name, d.value, d.source]), [['height', 640, 'metadata'], ['width', 480, 'metadata']]);
  const named = listInputDims(inputs, { width: '320' });
  assert.deepEqual(named.map((d) => [d.name, d.value, d.source]), [['height', 224, 'default'], ['width', 320, 'metadata']]);
  const chosen = listInputDims(inputs, { imgsz: '640' }, { height: 480, width: 0 });
  assert.deepEqual(chosen.map((d) => [d.name, d.value, d.source]), [['height', 480, 'chosen'], ['width', 640, 'metadata']]);
  assert.equal(describeDims(chosen), "height=480, width=640 (width from the model's metadata)");
});

test('without chosen sizes, shapes stay symbolic and every figure is the one at the default sizes', async () => {
  const { model } = await dynamicSqueezenet();
  const a = analyze(model);
  // The same network with its input fixed at 1×3×224×224 is the file as published.
  const fixed = analyze(await readModelFile(squeezenet));
  assert.ok([...a.tensors.values()].some((t) => t.shape?.some((d) => typeof d === 'string' && d.includes('height'))), 'shapes became concrete');
  assert.equal(a.totals.macs, fixed.totals.macs);
  assert.equal(a.totals.activationBytes, fixed.totals.activationBytes);
  assert.equal(a.totals.params, fixed.totals.params);
  assert.ok(a.totals.macs > 300e6, `${a.totals.macs} MACs: SqueezeNet at 224 is ~350 M, not the ~10 k of every dim taken as 1`);
  for (const [id, f] of fixed.nodes) assert.equal(a.nodes.get(id)?.macs, f.macs, id);
  for (const [name, t] of fixed.tensors) assert.equal(a.tensors.get(name)?.bytes, t.bytes, name);
  assert.deepEqual(a.totals.evaluatedAt?.map((d) => `${d.name}=${d.value}:${d.source}`), ['N=1:default', 'height=224:default', 'width=224:default']);
});

test('a symbolic batch at 1 needs no second pass, and its figures are those at batch 1', async () => {
  const model = await readModelFile(classifier);
  const a = analyze(model);
  const at1 = analyze(model, { inputShapes: { modelInput: [1, 3, 32, 32] } });
  assert.deepEqual({ ...a.totals, evaluatedAt: undefined }, { ...at1.totals, evaluatedAt: undefined });
  assert.equal(a.totals.evaluatedAt?.[0].name, 'batch_size');
  assert.equal(at1.totals.evaluatedAt, undefined, '--input-shape fixed every size');
});

test('a dim built from the batch (N+N after a Concat) counts 2 at N=1, not 1', async () => {
  const w = new Float32Array(4 * 3 * 3 * 3).fill(0.1);
  const model: Model = {
    format: 'onnx', producer: 'test', opsets: { '': 13 }, metadata: {}, readWarnings: [],
    graph: {
      name: 'g', valueInfo: new Map(),
      inputs: [{ name: 'x', dtype: 'float32', shape: ['N', 3, 8, 8] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: null }],
      initializers: new Map([['w', tensorFromBytes('w', 'float32', [4, 3, 3, 3], bytesOf(w))]]),
      nodes: [
        { id: 'cat', name: 'cat', opType: 'Concat', domain: '', attributes: { axis: 0 }, inputs: ['x', 'x'], outputs: ['xx'], scope: [] },
        { id: 'conv', name: 'conv', opType: 'Conv', domain: '', attributes: { kernel_shape: [3, 3] }, inputs: ['xx', 'w'], outputs: ['y'], scope: [] },
      ],
    },
  };
  const m = await readModelBytes(encodeModel(model), 'concat.onnx');
  const a = analyze(m);
  assert.equal(a.nodes.get(m.graph.nodes[1].id)?.macs, 2 * 4 * 6 * 6 * 3 * 3 * 3);
  assert.equal(a.totals.macs, 2 * 4 * 6 * 6 * 3 * 3 * 3);
});

test('dimValues makes every shape concrete at the chosen sizes, the rest at their defaults', async () => {
  const { model } = await dynamicSqueezenet();
  const a = analyze(model, { dimValues: { height: 480, width: 640 } });
  for (const t of a.tensors.values()) assert.ok(t.shape?.every((d) => typeof d === 'number'), `${t.name} ${t.shape}`);
  assert.deepEqual(a.tensors.get(model.graph.inputs[0].name)?.shape, [1, 3, 480, 640]);
  assert.deepEqual(a.totals.evaluatedAt?.map((d) => `${d.name}=${d.value}:${d.source}`), ['N=1:default', 'height=480:chosen', 'width=640:chosen']);
  assert.ok(a.totals.macs > 6 * analyze(model).totals.macs * 0.9);
});

test('check runs at the stated default sizes, prints them, and finds no difference', async () => {
  const { model, bytes } = await dynamicSqueezenet();
  const dir = mkdtempSync(join(tmpdir(), 'convlens-dims-'));
  const file = join(dir, 'squeezenet-dynamic.onnx');
  writeFileSync(file, bytes); // check runs the file in the inference process
  const r = await runtimeCheck(model, file);
  assert.deepEqual(r.inputShapes, { [model.graph.inputs[0].name]: [1, 3, 224, 224] });
  assert.deepEqual(r.differences, []);
  assert.ok(r.compared > 50);
  const c = await runtimeCheck(await readModelFile(classifier), classifier);
  assert.deepEqual(c.inputShapes, { modelInput: [1, 3, 32, 32] });
  assert.deepEqual(c.differences, []);

  const out = capture();
  const err = capture();
  assert.equal(await main(['check', file], out, err), 0, err.text);
  assert.match(out.text, /^symbolic input dims at N=1, height=224, width=224 \(default sizes\); choose others with --input-shape\nok: \d+ tensors/);
  const summary = capture();
  assert.equal(await main(['summary', file], summary, err), 0, err.text);
  assert.match(summary.text, /MACs: [\d,]+ \([\d.]+ M\) at N=1, height=224, width=224 \(default sizes\)/);
  const json = capture();
  assert.equal(await main(['summary', file, '--json'], json, err), 0, err.text);
  assert.deepEqual(JSON.parse(json.text).totals.evaluatedAt.map((d: { name: string; value: number }) => d.value), [1, 224, 224]);
});

test('the Markdown export says at which sizes its MACs are', async () => {
  const { model } = await dynamicSqueezenet();
  const g = buildViewGraph(model, analyze(model, { dimValues: { width: 640 } }), 'sq.onnx');
  assert.match(toMarkdown(g, true), new RegExp(`MACs: ${g.totals.macs.toLocaleString('en-US')} at N=1, height=224, width=640 \\(N, height default\\);`));
  const fixed = await readModelFile(corpus('real', 'mnist_c_cxx.onnx'));
  assert.doesNotMatch(toMarkdown(buildViewGraph(fixed, analyze(fixed), 'mnist.onnx'), true), /MACs: [\d,]+ at/);
});
