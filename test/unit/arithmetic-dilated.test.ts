/**
 * The arithmetic view on windows the sample models do not have, against ONNX Runtime: a dilated,
 * padded, strided, grouped convolution (taps every 2nd cell, padding at every border) and an
 * AveragePool with count_include_pad = 1 and 0 (the divisor at the corners). Each small model is
 * built here, encoded by ConvLens's ONNX writer and run; every output position is recomputed from
 * the listed window and weights.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { analyze } from '../../src/analysis/analyze';
import { windowAt } from '../../src/analysis/window/formula';
import { windowTaps } from '../../src/analysis/window/geometry';
import { encodeModel } from '../../src/formats/onnx/writer';
import { tensorFromBytes, bytesOf } from '../../src/ir/tensor';
import type { AttrValue, Graph, Model, Node } from '../../src/ir/types';
import { layerArithmetic, type ArithmeticSource } from '../../src/runtime/arithmetic/index';
import type { HostTensor } from '../../src/runtime/tensorView';

function oneNode(opType: string, attributes: Record<string, AttrValue>, x: number[], weights: Record<string, { dims: number[]; data: Float32Array }>): Model {
  const n: Node = { id: 'n', name: 'n', opType, domain: '', attributes, inputs: ['x', ...Object.keys(weights)], outputs: ['y'], scope: [] };
  const inits = Object.entries(weights).map(([name, t]) => tensorFromBytes(name, 'float32', t.dims, bytesOf(t.data)));
  const graph: Graph = {
    name: 'g', nodes: [n], inputs: [{ name: 'x', dtype: 'float32', shape: x }], outputs: [{ name: 'y', dtype: 'float32', shape: null }],
    valueInfo: new Map(), initializers: new Map(inits.map((t) => [t.name, t])),
  };
  return { format: 'onnx', producer: 'test', opsets: { '': 17 }, metadata: {}, graph, readWarnings: [] };
}

const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + seed) + 0.25 * Math.cos(i * 0.3));

async function check(m: Model, x: HostTensor): Promise<{ checked: number; padded: number }> {
  const s = await ort.InferenceSession.create(encodeModel(m));
  const y = (await s.run({ x: new ort.Tensor('float32', x.data, x.dims) })).y;
  const a = analyze(m);
  const node = m.graph.nodes[0];
  const window = windowAt(a.nodes.get('n')!.window!, x.dims.slice(2));
  const init = (name: string): HostTensor | undefined => { const t = m.graph.initializers.get(name); return t ? { name, dims: t.dims, dtype: 'float32', data: Float32Array.from(t.values()) } : undefined; };
  const src: ArithmeticSource = { node: () => node, consumers: () => [], isGraphOutput: () => true, tensor: (n) => (n === 'x' ? x : init(n)), constant: init, window: () => window };
  const [, c, ...spatial] = y.dims;
  const plane = spatial.reduce((a, b) => a * b, 1);
  let checked = 0, padded = 0;
  for (let ch = 0; ch < c; ch++) for (let k = 0; k < plane; k++) {
    // Position k of the output map, outermost axis first (a 1-D map has one axis).
    const pos: number[] = [];
    for (let i = spatial.length - 1, r = k; i >= 0; i--) { pos.unshift(r % spatial[i]); r = Math.floor(r / spatial[i]); }
    const r = layerArithmetic(src, node, { channel: ch, pos });
    let v: number;
    if (r.kind === 'conv') v = r.blocks.reduce((s, b) => s + b.values.reduce((t, x, k) => t + x * b.weights![k], 0), 0) + (r.bias ?? 0);
    else if (r.pool!.mode === 'max') v = Math.max(...r.blocks[0].values.filter((_, i) => !r.blocks[0].padding[i]));
    else v = r.blocks[0].values.reduce((s2, x) => s2 + x, 0) / r.pool!.divisor!;
    const want = (y.data as Float32Array)[ch * plane + k];
    assert.ok(Math.abs(v - want) <= 1e-4 * Math.max(Math.abs(want), 1e-3), `${node.opType} ${JSON.stringify(node.attributes)} channel ${ch} at (${pos.join(', ')}): listed ${v}, ONNX Runtime ${want}`);
    if (r.blocks.some((b) => b.padding.some(Boolean))) padded++;
    checked++;
  }
  return { checked, padded };
}

test('dilated, padded, strided, grouped Conv: every output from the listed taps equals ONNX Runtime', async () => {
  const x: HostTensor = { name: 'x', dims: [1, 4, 9, 10], dtype: 'float32', data: values(4 * 9 * 10, 1) };
  const m = oneNode('Conv', { dilations: [2, 2], pads: [2, 1, 2, 3], strides: [1, 2], group: 2 }, x.dims, {
    w: { dims: [6, 2, 3, 3], data: values(6 * 2 * 9, 2) }, b: { dims: [6], data: values(6, 3) },
  });
  const r = await check(m, x);
  assert.ok(r.checked > 100 && r.padded > 0, JSON.stringify(r));
  // The taps are every 2nd cell of a 5-wide span, and output channel 4 reads input channels 2–3 (group 1).
  const win = windowAt(analyze(m).nodes.get('n')!.window!, [9, 10]);
  assert.deepEqual(windowTaps(win.axes, [0, 0]), [{ taps: [-2, 0, 2], span: [-2, -1, 0, 1, 2] }, { taps: [-1, 1, 3], span: [-1, 0, 1, 2, 3] }]);
  const init = (n: string): HostTensor | undefined => { const t = m.graph.initializers.get(n); return t ? { name: n, dims: t.dims, dtype: 'float32', data: Float32Array.from(t.values()) } : undefined; };
  const a = layerArithmetic({ node: () => m.graph.nodes[0], consumers: () => [], isGraphOutput: () => true, tensor: (n) => (n === 'x' ? x : init(n)), constant: init, window: () => win }, m.graph.nodes[0], { channel: 4, pos: [0, 0] });
  assert.deepEqual(a.group, { index: 1, count: 2, channels: [2, 3] });
  assert.deepEqual(a.blocks[0].padding, [true, true, true, true, false, false, true, false, false]);
});

for (const include of [1, 0]) {
  test(`AveragePool 3×3, pads 1, count_include_pad = ${include}: every output (corners and edges included) equals ONNX Runtime`, async () => {
    const x: HostTensor = { name: 'x', dims: [1, 2, 7, 6], dtype: 'float32', data: values(2 * 7 * 6, 4) };
    const r = await check(oneNode('AveragePool', { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2], count_include_pad: include }, x.dims, {}), x);
    assert.ok(r.padded > 0);
  });
}

test('1-D Conv over a sentence (padded, strided, dilated) and MaxPool1d: every output from the listed taps equals ONNX Runtime', async () => {
  // 8 embedding channels over 23 tokens, 5 filters of 3 tokens, dilation 2: a text CNN's Conv1d.
  const x: HostTensor = { name: 'x', dims: [1, 8, 23], dtype: 'float32', data: values(8 * 23, 5) };
  const conv = oneNode('Conv', { dilations: [2], pads: [2, 1], strides: [2] }, x.dims, {
    w: { dims: [5, 8, 3], data: values(5 * 8 * 3, 6) }, b: { dims: [5], data: values(5, 7) },
  });
  const r = await check(conv, x);
  assert.ok(r.checked === 5 * 11 && r.padded > 0, JSON.stringify(r));
  const pool = await check(oneNode('MaxPool', { kernel_shape: [3], pads: [1, 1], strides: [2] }, x.dims, {}), x);
  assert.ok(pool.checked === 8 * 12 && pool.padded > 0, JSON.stringify(pool));
});

