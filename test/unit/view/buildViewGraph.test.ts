import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/analysis/analyze';
import { readModelBytes } from '../../../src/formats/index';
import { tensorFromBytes } from '../../../src/ir/tensor';
import type { AttrValue, Model, Node, Shape } from '../../../src/ir/types';
import { buildViewGraph } from '../../../src/view/buildViewGraph';

/** Small models as the readers produce them, through the real analyze(): the view only carries its figures. */
function node(id: string, opType: string, inputs: string[], outputs: string[], attributes: Record<string, AttrValue> = {}): Node {
  return { id, name: id, opType, domain: '', attributes, inputs, outputs, scope: [] };
}

function floats(name: string, dims: number[]) {
  return tensorFromBytes(name, 'float32', dims, new Uint8Array(dims.reduce((a, b) => a * b, 1) * 4));
}

function int64s(name: string, values: number[]) {
  return tensorFromBytes(name, 'int64', [values.length], new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer));
}

function onnx(nodes: Node[], x: Shape, output: string, inits: ReturnType<typeof floats>[]): Model {
  return {
    format: 'onnx', producer: 'test', opsets: { '': 17 }, metadata: {}, readWarnings: ['read warning'],
    graph: {
      name: 'g', nodes, inputs: [{ name: 'x', dtype: 'float32', shape: x }], outputs: [{ name: output, dtype: 'float32', shape: null }],
      valueInfo: new Map(), initializers: new Map(inits.map((t) => [t.name, t])),
    },
  };
}

const view = (m: Model) => buildViewGraph(m, analyze(m), 'test');

test('AlexNet conv1: label, formula and params from the analysis; weight generators are left out', () => {
  const m = onnx(
    [
      node('wgen', 'ConstantOfShape', ['wshape'], ['w1'], { value: floats('v', [1]) }),
      node('conv1', 'Conv', ['x', 'w1'], ['y'], { kernel_shape: [11, 11], strides: [4, 4], pads: [0, 0, 0, 0] }),
      node('relu1', 'Relu', ['y'], ['z']),
    ],
    [1, 3, 227, 227], 'z', [int64s('wshape', [96, 3, 11, 11])],
  );
  const g = view(m);
  assert.deepEqual(g.nodes.map((n) => n.id), ['conv1', 'relu1']);
  const conv = g.nodes[0];
  assert.equal(conv.label, '11×11 /4 ×96');
  assert.deepEqual(conv.formulas, ['H: (227 + 2·0 − 11)/4 + 1 = 55', 'W: (227 + 2·0 − 11)/4 + 1 = 55']);
  assert.equal(conv.params, 96 * 3 * 121);
  assert.equal(conv.macs, 96 * 55 * 55 * 3 * 121);
  assert.equal(conv.family, 'convolution');
  assert.equal(g.nodes[1].family, 'activation');
  assert.deepEqual(g.edges, [
    { from: 'input:x', to: 'conv1', tensor: 'x' },
    { from: 'conv1', to: 'relu1', tensor: 'y' },
    { from: 'relu1', to: 'output:z', tensor: 'z' },
  ]);
  assert.deepEqual(g.tensors['y'].shape, [1, 96, 55, 55]);
  assert.equal(g.totals.params, 96 * 3 * 121);
  assert.deepEqual(g.warnings, [{ node: '', message: 'read warning' }]);
});

test('inexact division shows floor brackets; dilation as the effective kernel; pooling has no channel count; residual Add is a merge, bias Add is not', () => {
  const m = onnx(
    [
      node('pool', 'MaxPool', ['x'], ['p'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
      node('conv', 'Conv', ['p', 'w'], ['c'], { kernel_shape: [3, 3], dilations: [2, 2], pads: [2, 2, 2, 2], group: 64 }),
      node('res', 'Add', ['c', 'p'], ['r']),
      node('bias', 'Add', ['r', 'wb'], ['o']),
    ],
    [1, 64, 112, 112], 'o', [floats('w', [64, 1, 3, 3]), floats('wb', [64, 1, 1])],
  );
  const [pool, conv, res, bias] = view(m).nodes;
  assert.equal(pool.label, '3×3 /2');
  assert.equal(pool.formulas[0], 'H: ⌊(112 + 2·1 − 3)/2⌋ + 1 = 56');
  assert.equal(conv.label, '3×3 d2 dw ×64');
  assert.equal(conv.formulas[1], 'W: (56 + 2·2 − 5)/1 + 1 = 56, k_eff = 2·(3 − 1) + 1 = 5');
  assert.equal(conv.params, 64 * 9);
  assert.equal(res.family, 'merge');
  assert.equal(bias.family, 'other');
  assert.equal(bias.params, 64);
});

test('Keras channels-last Conv2D with same padding and a Dense head (ConvLens JSON)', async () => {
  const text = JSON.stringify({
    name: 'k', input: [28, 28, 1],
    layers: [
      { type: 'Conv2D', name: 'c1', filters: 32, kernel_size: 3, strides: 2, padding: 'same', activation: 'relu' },
      { type: 'Flatten', name: 'f' },
      { type: 'Dense', name: 'd', units: 10 },
    ],
  });
  const m = await readModelBytes(new TextEncoder().encode(text), 'k.convlens.json');
  const g = view(m);
  const [c1, f, d] = g.nodes;
  assert.equal(c1.label, '3×3 /2 ×32');
  assert.deepEqual(c1.formulas, ['H: ⌈28/2⌉ = 14', 'W: ⌈28/2⌉ = 14']);
  assert.equal(c1.params, 32 * 9 + 32);
  assert.equal(f.family, 'reshape');
  assert.equal(f.label, '→6272');
  assert.equal(d.family, 'dense');
  assert.equal(d.label, '→10');
  assert.equal(c1.attributes['padding'], 'same');
});

test('ConvTranspose formula: s·(in − 1) + k − pads + output_padding', () => {
  const m = onnx(
    [node('up', 'ConvTranspose', ['x', 'w'], ['y'], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] })],
    [1, 16, 7, 7], 'y', [floats('w', [16, 8, 3, 3])],
  );
  const g = view(m);
  assert.equal(g.nodes[0].label, '3×3 /2 ×8');
  assert.equal(g.nodes[0].formulas[0], 'H: 2·(7 − 1) + 3 − 2·1 + 1 = 14');
  assert.deepEqual(g.tensors['y'].shape, [1, 8, 14, 14]);
});

test('a figure the analysis cannot compute reaches the view as null, and the totals say they are partial', () => {
  const m = onnx([node('u', 'FancyOp', ['x'], ['y']), node('c', 'Conv', ['y', 'w'], ['z'], { kernel_shape: [3, 3] })], [1, 3, 8, 8], 'z', [floats('w', [4, 3, 3, 3])]);
  const g = view(m);
  const [u, c] = g.nodes;
  assert.equal(u.macs, null);
  assert.equal(c.macs, null);
  assert.equal(c.params, 4 * 27);
  assert.deepEqual(g.totals.partial?.macs, ['u', 'c']);
  assert.ok(c.warnings.some((w) => /MACs of 'c' are unknown: its output shape is unknown/.test(w)), c.warnings.join('\n'));
});
