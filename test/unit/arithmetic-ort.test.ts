/**
 * The arithmetic view's one value, recomputed from what it lists: for every Conv, pooling, Gemm/MatMul and
 * BatchNormalization layer of the MNIST sample and of the LeNet-5, AlexNet and ResNet-18 zoo models (lowered,
 * generated weights), and every activation after them, at corners (where padding matters), an edge and the centre, the sum of the listed
 * products plus the listed bias (the max or mean of the listed cells; the BN formula of the listed numbers),
 * with the listed following bias and activation, equals ONNX Runtime's output within 1e-4 relative. The
 * runtime values come from a run that returns the tensors (not from the arithmetic). A window one cell off
 * (a wrong pad offset) is shown to disagree.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Engine } from '../../src/runtime/engine';
import { defaultAccess } from '../../src/runtime/access';
import { ARITHMETIC_OPS, layerArithmetic, type ArithmeticSource } from '../../src/runtime/arithmetic/index';
import type { Arithmetic } from '../../src/runtime/arithmetic/types';
import { windowAt } from '../../src/analysis/window/formula';
import type { NodeWindow } from '../../src/analysis/window/geometry';
import type { HostTensor } from '../../src/runtime/tensorView';
import type { Node } from '../../src/ir/types';

const engine = new Engine(defaultAccess);
after(() => engine.dispose());
const samples = join(__dirname, '..', '..', 'media', 'samples');

/** The test's own activations (not the view's), by ONNX's definitions. */
const ACT: Record<string, (x: number) => number> = { Relu: (x) => Math.max(0, x), Tanh: Math.tanh, Sigmoid: (x) => 1 / (1 + Math.exp(-x)) };

/** The value from the listed numbers only. */
function fromListed(a: Arithmetic): number {
  if (a.kind === 'activation') return ACT[a.opType](a.activation!.x);
  if (a.kind === 'batchnorm') {
    const n = a.batchNorm!;
    return ((n.x - n.mean) / Math.sqrt(n.variance + n.epsilon)) * n.scale + n.bias;
  }
  if (a.kind === 'pool') {
    const b = a.blocks[0];
    if (a.pool!.mode === 'max') return Math.max(...b.values.filter((_, k) => !b.padding[k]));
    return b.values.reduce((s, v) => s + v, 0) / a.pool!.divisor!;
  }
  let sum = 0;
  for (const b of a.blocks) for (let k = 0; k < b.values.length; k++) sum += b.values[k] * b.weights![k];
  return (a.alpha ?? 1) * sum + (a.bias ?? 0) * (a.beta ?? 1);
}

function valueAt(t: { dims: number[]; data: Float32Array }, index: number[]): number {
  let off = 0;
  for (let k = 0; k < index.length; k++) off = off * t.dims[k] + index[k];
  return t.data[off];
}

/** Output positions to check: corners, an edge, the centre, for the first, a middle and the last channel. */
function positions(dims: number[], kind: Arithmetic['kind'] | 'dot'): { batch: number; channel: number; pos: number[] }[] {
  const out: { batch: number; channel: number; pos: number[] }[] = [];
  const c = kind === 'dot' ? dims[dims.length - 1] : dims[1];
  const channels = [...new Set([0, Math.floor(c / 2), c - 1])];
  if (kind === 'dot') return channels.map((channel) => ({ batch: 0, channel, pos: [] }));
  const sp = dims.slice(2);
  const spots = [sp.map(() => 0), sp.map((d) => d - 1), sp.map((d, i) => (i === 0 ? 0 : d - 1)), sp.map((d) => Math.floor(d / 2)), sp.map((d, i) => (i === 0 ? Math.floor(d / 2) : 0))];
  for (const channel of channels) for (const pos of spots) out.push({ batch: 0, channel, pos });
  return out;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-6);

/** Strict: 1e-4 relative to ONNX Runtime's value. `cancels`: where a sum of thousands of float32 terms
 * cancels to a small value (ResNet-18: 0.034 out of terms of total size 334), float32 accumulation alone
 * is off by ~1e-8 of the terms' size: then 1e-4 relative to max(|value|, 1% of the terms' size). */
function close(value: number, want: number, a: Arithmetic, cancels: boolean): boolean {
  if (rel(value, want) <= 1e-4) return true;
  if (!cancels) return false;
  const size = a.blocks.reduce((s, b) => s + (b.products ?? b.values).reduce((t, v) => t + Math.abs(v), 0), 0);
  return Math.abs(value - want) <= 1e-4 * Math.max(Math.abs(want), 1e-2 * size);
}

async function checkModel(file: string, cancels = false, inputDims: Record<string, number> = {}): Promise<{ layers: Map<string, number>; padded: number; worst: number }> {
  const model = await defaultAccess.read(file);
  const analysis = defaultAccess.analyze(model);
  const nodes = analysis.order.map((id) => analysis.nodeById.get(id)!).filter((n) => ARITHMETIC_OPS.has(n.opType));
  const followers = (t: string) => model.graph.nodes.filter((n) => n.inputs.includes(t));
  const wanted = [...new Set(nodes.flatMap((n) => [n.inputs[0], n.outputs[0], ...followers(n.outputs[0]).flatMap((f) => [f.outputs[0], ...followers(f.outputs[0]).map((g) => g.outputs[0])])]))];
  const r = await engine.run({ modelPath: file, providers: ['cpu'], memoryBudgetMB: 1024, picture: { kind: 'pattern', pattern: 'digit' }, normalization: 'auto', bgr: false, dims: { N: 1, ...inputDims }, noThumbnails: true, returnTensors: wanted });
  const ortTensors = new Map(r.returned.map((t) => [t.name, t]));
  const layers = new Map<string, number>();
  let padded = 0;
  let worst = 0;
  for (const node of nodes) {
    const out = ortTensors.get(node.outputs[0]);
    assert.ok(out, `${file}: ONNX Runtime's ${node.outputs[0]} came back`);
    const kind = node.opType === 'Gemm' || node.opType === 'MatMul' ? 'dot' : 'conv';
    for (const at of positions(out.dims, kind)) {
      const a = await engine.arithmetic(node.id, at);
      const index = kind === 'dot' ? [0, at.channel] : [0, at.channel, ...at.pos];
      let value = fromListed(a);
      assert.ok(close(value, valueAt(out, index), a, cancels), `${file} ${node.id} (${node.opType}) at ${JSON.stringify(at)}: listed ${value}, ONNX Runtime ${valueAt(out, index)}`);
      worst = Math.max(worst, rel(value, valueAt(out, index)));
      assert.equal(a.stages[0].tensor, node.outputs[0]);
      for (const s of a.stages.slice(1)) {
        value = s.kind === 'bias' ? value + s.operand! : ACT[s.op](value);
        const t = ortTensors.get(s.tensor);
        assert.ok(t, `${s.tensor} came back`);
        const want = valueAt(t, index);
        assert.ok(close(value, want, a, cancels), `${file} ${node.id} then ${s.op} at ${JSON.stringify(at)}: ${value} vs ONNX Runtime ${want}`);
      }
      const last = a.stages[a.stages.length - 1];
      assert.equal(last.agree, true, `${node.id}: the view says its value and the runtime's agree`);
      if (a.blocks.some((b) => b.padding.some(Boolean))) padded++;
      layers.set(node.opType, (layers.get(node.opType) ?? 0) + 1);
    }
  }
  return { layers, padded, worst };
}

test('MNIST sample: every Conv, MaxPool and MatMul value recomputed from the listed window, weights and bias equals ONNX Runtime', async () => {
  const r = await checkModel(join(samples, 'mnist_c_cxx.onnx'));
  assert.deepEqual([...r.layers.keys()].sort(), ['Conv', 'MatMul', 'MaxPool', 'Relu']);
  assert.ok(r.padded > 0, 'corners read padding cells');
  const conv = (await engine.arithmetic((await firstOf(join(samples, 'mnist_c_cxx.onnx'), 'Conv')).id, { channel: 0, pos: [0, 0] }));
  // 5×5 kernel, pads 2: the corner window's first two rows and columns are padding (25 − 9 = 16 cells).
  assert.equal(conv.blocks[0].padding.filter(Boolean).length, 16);
  assert.deepEqual(conv.stages.map((s) => s.kind), ['sum', 'bias', 'activation'], 'the Add after the Conv is its bias, then the ReLU');
});

for (const name of ['lenet5', 'alexnet', 'resnet18']) {
  test(`zoo ${name} (generated weights): every layer's value from the listed numbers equals ONNX Runtime`, async () => {
    const r = await checkModel(join(samples, 'zoo', `${name}.json`), name === 'resnet18');
    assert.ok((r.layers.get('Conv') ?? 0) > 0);
    assert.ok((r.layers.get(name === 'lenet5' ? 'Tanh' : 'Relu') ?? 0) > 0, 'activations are checked too');
    if (name === 'resnet18') assert.ok((r.layers.get('BatchNormalization') ?? 0) > 0, 'ResNet-18 has BatchNormalization layers');
    else assert.ok((r.layers.get('Gemm') ?? 0) > 0 && ((r.layers.get('MaxPool') ?? 0) + (r.layers.get('AveragePool') ?? 0)) > 0);
  });
}

async function firstOf(file: string, op: string): Promise<Node> {
  const model = await defaultAccess.read(file);
  const a = defaultAccess.analyze(model);
  return a.order.map((id) => a.nodeById.get(id)!).find((n) => n.opType === op)!;
}

test('a window one cell off (wrong pad offset) gives a value that disagrees with ONNX Runtime at the corner', async () => {
  const file = join(samples, 'mnist_c_cxx.onnx');
  const model = await defaultAccess.read(file);
  const analysis = defaultAccess.analyze(model);
  // The second convolution: its input (pooled ReLU of conv + bias) is not zero at the border.
  const conv = analysis.order.map((id) => analysis.nodeById.get(id)!).filter((n) => n.opType === 'Conv')[1];
  const r = await engine.run({ modelPath: file, providers: ['cpu'], memoryBudgetMB: 256, picture: { kind: 'pattern', pattern: 'digit' }, normalization: 'auto', bgr: false, dims: { N: 1 }, noThumbnails: true, returnTensors: [conv.inputs[0], conv.outputs[0]] });
  const tensors = new Map<string, HostTensor>(r.returned.map((t) => [t.name, { ...t, dtype: 'float32' }]));
  const init = (n: string): HostTensor | undefined => { const i = model.graph.initializers.get(n); return i ? { name: n, dims: i.dims, dtype: 'float32', data: Float32Array.from(i.values()) } : undefined; };
  const x = tensors.get(conv.inputs[0])!;
  const right = windowAt(analysis.nodes.get(conv.id)!.window!, x.dims.slice(2));
  const broken: NodeWindow = { ...right, axes: right.axes.map((a) => ({ ...a, padBegin: a.padBegin! - 1 })) };
  const src: ArithmeticSource = { node: () => conv, consumers: () => [], isGraphOutput: () => false, tensor: (n) => tensors.get(n) ?? init(n), constant: init, window: () => right };
  const out = tensors.get(conv.outputs[0])!;
  // A corner and a point inside: the right window agrees, the shifted one does not.
  for (const pos of [[0, 0], [13, 13], [6, 7]]) {
    const want = valueAt(out, [0, 0, ...pos]);
    const good = fromListed(layerArithmetic(src, conv, { channel: 0, pos }, right));
    const bad = fromListed(layerArithmetic(src, conv, { channel: 0, pos }, broken));
    assert.ok(rel(good, want) <= 1e-4, `right window: ${good} vs ${want}`);
    assert.ok(rel(bad, want) > 1e-2, `the shifted window must disagree: ${bad} vs ${want}`);
  }
});
