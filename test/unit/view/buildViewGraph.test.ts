import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Analysis, TensorInfo } from '../../../src/analysis/types';
import type { Model, Node, Shape } from '../../../src/ir/types';
import { buildViewGraph } from '../../../src/view/buildViewGraph';

/** A hand-built model and analysis, shaped as the readers and analyze() produce them. */
function node(id: string, opType: string, inputs: string[], outputs: string[], attributes: Node['attributes'] = {}, domain = '', scope: string[] = []): Node {
  return { id, name: id, opType, domain, attributes, inputs, outputs, scope };
}

function build(nodes: Node[], shapes: Record<string, Shape>, inputs: string[], outputs: string[], format: Model['format'] = 'onnx') {
  const model: Model = {
    format, producer: 'hand', opsets: { '': 13 }, metadata: {}, readWarnings: ['read warning'],
    graph: {
      name: 'g', nodes,
      inputs: inputs.map((name) => ({ name, dtype: 'float32', shape: shapes[name] })),
      outputs: outputs.map((name) => ({ name, dtype: 'float32', shape: shapes[name] })),
      valueInfo: new Map(), initializers: new Map(),
    },
  };
  const tensors = new Map<string, TensorInfo>();
  for (const [name, shape] of Object.entries(shapes)) {
    tensors.set(name, { name, dtype: 'float32', shape, consumers: [], receptiveField: null, stride: null, bytes: 4, isWeight: name.startsWith('w') });
  }
  const analysis: Analysis = {
    tensors,
    nodes: new Map(nodes.map((n) => [n.id, { id: n.id, params: n.opType === 'Conv' ? 100 : 0, macs: 7, activationBytes: 8 }])),
    totals: { params: 100, macs: 7, activationBytes: 8, weightBytes: 400, trainableParams: 100, nonTrainableParams: 0 },
    warnings: [{ kind: 'unused-pixels', node: 'conv1', message: 'one column unused' }],
    order: nodes.map((n) => n.id),
    nodeById: new Map(nodes.map((n) => [n.id, n])),
  };
  return buildViewGraph(model, analysis, 'test');
}

test('AlexNet conv1: label and formula carry the layer\'s own numbers; weight generators are left out', () => {
  const g = build(
    [
      node('wgen', 'ConstantOfShape', ['wshape'], ['w1']),
      node('conv1', 'Conv', ['x', 'w1'], ['y'], { kernel_shape: [11, 11], strides: [4, 4], pads: [0, 0, 0, 0] }),
      node('relu1', 'Relu', ['y'], ['z']),
    ],
    { x: [1, 3, 227, 227], w1: [96, 3, 11, 11], y: [1, 96, 55, 55], z: [1, 96, 55, 55], wshape: [4] },
    ['x'], ['z'],
  );
  assert.deepEqual(g.nodes.map((n) => n.id), ['conv1', 'relu1']);
  const conv = g.nodes[0];
  assert.equal(conv.label, '11×11 /4 ×96');
  assert.deepEqual(conv.formulas, ['H: (227 + 2·0 − 11)/4 + 1 = 55', 'W: (227 + 2·0 − 11)/4 + 1 = 55']);
  assert.equal(conv.family, 'convolution');
  assert.equal(g.nodes[1].family, 'activation');
  assert.deepEqual(conv.warnings, ['one column unused']);
  assert.deepEqual(g.edges, [
    { from: 'input:x', to: 'conv1', tensor: 'x' },
    { from: 'conv1', to: 'relu1', tensor: 'y' },
    { from: 'relu1', to: 'output:z', tensor: 'z' },
  ]);
  assert.deepEqual(g.tensors['y'].shape, [1, 96, 55, 55]);
  assert.equal(g.warnings.length, 2);
});

test('inexact division shows floor brackets; pooling has no channel count; residual Add is a merge, bias Add is not', () => {
  const g = build(
    [
      node('pool', 'MaxPool', ['x'], ['p'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
      node('conv', 'Conv', ['p', 'w'], ['c'], { kernel_shape: [3, 3], dilations: [2, 2], pads: [2, 2, 2, 2], group: 64 }),
      node('res', 'Add', ['c', 'p'], ['r']),
      node('bias', 'Add', ['r', 'wb'], ['o']),
    ],
    { x: [1, 64, 112, 112], p: [1, 64, 56, 56], w: [64, 1, 3, 3], c: [1, 64, 56, 56], r: [1, 64, 56, 56], wb: [64, 1, 1], o: [1, 64, 56, 56] },
    ['x'], ['o'],
  );
  const [pool, conv, res, bias] = g.nodes;
  assert.equal(pool.label, '3×3 /2');
  assert.equal(pool.formulas[0], 'H: ⌊(112 + 2·1 − 3)/2⌋ + 1 = 56');
  assert.equal(conv.label, '3×3 d2 dw ×64');
  assert.equal(conv.formulas[1], 'W: 56 + 2·2 − (2·(3 − 1) + 1) + 1 = 56');
  assert.equal(res.family, 'merge');
  assert.equal(bias.family, 'other');
  assert.equal(g.edges.filter((e) => e.to === 'res').length, 2);
});

test('Keras channels-last Conv2D with same padding and a Dense head', () => {
  const g = build(
    [
      node('c1', 'Conv2D', ['in'], ['h'], { filters: 32, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu' }, 'keras', ['block1']),
      node('f', 'Flatten', ['h'], ['flat'], {}, 'keras'),
      node('d', 'Dense', ['flat'], ['out'], { units: 10 }, 'keras'),
    ],
    { in: ['N', 28, 28, 1], h: ['N', 14, 14, 32], flat: ['N', 6272], out: ['N', 10] },
    ['in'], ['out'], 'keras',
  );
  const [c1, f, d] = g.nodes;
  assert.equal(c1.label, '3×3 /2 ×32');
  assert.deepEqual(c1.formulas, ['H: ⌈28/2⌉ = 14 (same padding)', 'W: ⌈28/2⌉ = 14 (same padding)']);
  assert.deepEqual(c1.scope, ['block1']);
  assert.equal(f.family, 'reshape');
  assert.equal(f.label, '→6272');
  assert.equal(d.family, 'dense');
  assert.equal(d.label, '→10');
  assert.equal(c1.attributes['padding'], 'same');
  assert.equal(g.format, 'keras');
});

test('ConvTranspose formula', () => {
  const g = build(
    [node('up', 'ConvTranspose', ['x', 'w'], ['y'], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] })],
    { x: [1, 16, 7, 7], w: [16, 8, 3, 3], y: [1, 8, 14, 14] },
    ['x'], ['y'],
  );
  assert.equal(g.nodes[0].label, '3×3 /2 ×8');
  assert.equal(g.nodes[0].formulas[0], 'H: 2·(7 − 1) + 1 + 3 − 2·1 = 14');
});
