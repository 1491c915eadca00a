/** Engine behaviour on hand-built IR: symbolic dims, folding, lint messages, figures, deep chains. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttrValue, DType, Graph, Model, Node, Shape, ValueInfo } from '../../src/ir/types';
import { tensorFromBytes } from '../../src/ir/tensor';
import { analyze } from '../../src/analysis/analyze';
import { evalDim } from '../../src/analysis/dims';

function node(id: string, opType: string, inputs: string[], outputs: string[], attributes: Record<string, AttrValue> = {}): Node {
  return { id, name: id, opType, domain: '', attributes, inputs, outputs, scope: [] };
}

function floatInit(name: string, dims: number[]) {
  const n = dims.reduce((a, b) => a * b, 1);
  return tensorFromBytes(name, 'float32', dims, new Uint8Array(n * 4));
}

function int64Init(name: string, values: number[]) {
  return tensorFromBytes(name, 'int64', [values.length], new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer));
}

function model(nodes: Node[], inputs: ValueInfo[], inits: ReturnType<typeof floatInit>[] = [], valueInfo: ValueInfo[] = []): Model {
  const graph: Graph = {
    name: 'g', nodes, inputs, outputs: [],
    valueInfo: new Map(valueInfo.map((v) => [v.name, v])),
    initializers: new Map(inits.map((t) => [t.name, t])),
  };
  return { format: 'onnx', producer: 'test', opsets: { '': 17 }, metadata: {}, graph, readWarnings: [] };
}

const input = (name: string, shape: Shape, dtype: DType = 'float32'): ValueInfo => ({ name, dtype, shape });

test('Conv on a symbolic batch and height keeps N and writes the size formula', () => {
  const m = model(
    [node('c', 'Conv', ['x', 'w'], ['y'], { kernel_shape: [7, 7], strides: [2, 2], pads: [3, 3, 3, 3] })],
    [input('x', ['N', 3, 'H', 224])],
    [floatInit('w', [64, 3, 7, 7])],
  );
  const a = analyze(m);
  const y = a.tensors.get('y')?.shape as Shape;
  assert.equal(y[0], 'N');
  assert.equal(y[1], 64);
  assert.equal(y[3], 112);
  assert.equal(typeof y[2], 'string');
  assert.equal(evalDim(y[2], { H: 224 }), 112);
  assert.equal(evalDim(y[2], { H: 227 }), 114);
  assert.equal(a.nodes.get('c')?.params, 64 * 3 * 49);
  // N·Cout·Hout·Wout·Cin·kH·kW at the stated default sizes N = 1, H = 224 (never silently 1)
  assert.equal(a.nodes.get('c')?.macs, 64 * 112 * 112 * 3 * 49);
  assert.deepEqual(a.totals.evaluatedAt?.map((d) => [d.name, d.value, d.source]), [['N', 1, 'default'], ['H', 224, 'default']]);
});

test('unused rows are reported with the numbers when input pixels are lost, not when only padding is', () => {
  const unused = (size: number, k: number, stride: number, pads: number[]) =>
    analyze(
      model(
        [node('c', 'Conv', ['x', 'w'], ['y'], { kernel_shape: [k, k], strides: [stride, stride], pads })],
        [input('x', [1, 3, size, size])],
        [floatInit('w', [8, 3, k, k])],
      ),
    ).warnings.filter((w) => w.kind === 'unused-pixels').map((w) => w.message);
  // ResNet's stem: the window that would start at the last row would read only end padding.
  assert.deepEqual(unused(224, 7, 2, [3, 3, 3, 3]), []);
  assert.deepEqual(unused(226, 7, 2, [0, 0, 0, 0]), [
    '(226 − 7) = 219 is not divisible by stride 2: the last 1 row and column are never read',
  ]);
  assert.deepEqual(unused(20, 3, 4, [0, 0, 1, 1]), [
    '(20 + 0 + 1 − 3) = 18 is not divisible by stride 4: the last 2 rows and columns are never read (1 of them input row and column, the rest padding)',
  ]);
});

test('a layer that loses a row and a column gets one warning naming both; different axes keep their own figures', () => {
  const unused = (h: number, w: number, k: number, stride: number, pads: number[]) =>
    analyze(
      model(
        [node('p', 'Conv', ['x', 'w'], ['y'], { kernel_shape: [k, k], strides: [stride, stride], pads })],
        [input('x', [1, 3, h, w])],
        [floatInit('w', [8, 3, k, k])],
      ),
    ).warnings.filter((x) => x.kind === 'unused-pixels').map((x) => [x.node, x.message]);
  // ResNet's projection shortcut: 1×1 /2 on an odd-sized map (the issue saw it warned twice, rows then columns).
  assert.deepEqual(unused(56, 56, 1, 2, [0, 0, 0, 0]), [['p', '(56 − 1) = 55 is not divisible by stride 2: the last 1 row and column are never read']]);
  assert.deepEqual(unused(56, 57, 1, 2, [0, 0, 0, 0]), [['p', '(56 − 1) = 55 is not divisible by stride 2: the last 1 row is never read']]);
  assert.deepEqual(unused(56, 59, 1, 4, [0, 0, 0, 0]), [['p', '(56 − 1) = 55 is not divisible by stride 4: the last 3 rows are never read; (59 − 1) = 58 is not divisible by stride 4: the last 2 columns are never read']]);
});

test('channel mismatch and oversized kernels are named', () => {
  const m = model(
    [
      node('c', 'Conv', ['x', 'w'], ['y'], { kernel_shape: [3, 3] }),
      node('p', 'MaxPool', ['x'], ['z'], { kernel_shape: [9, 9] }),
    ],
    [input('x', [1, 4, 8, 8])],
    [floatInit('w', [16, 3, 3, 3])],
  );
  const a = analyze(m);
  const kinds = a.warnings.map((w) => `${w.kind} ${w.node}`);
  assert.ok(kinds.includes('channel-mismatch c'), kinds.join());
  assert.ok(kinds.includes('kernel-too-large p'), kinds.join());
  assert.equal(a.tensors.get('z')?.shape, null);
});

test('an unknown op warns once; its consumers stay quietly unknown', () => {
  const m = model(
    [node('u', 'FancyOp', ['x'], ['y']), node('r', 'Relu', ['y'], ['z'])],
    [input('x', [1, 3])],
  );
  const a = analyze(m);
  assert.equal(a.warnings.length, 1);
  assert.equal(a.warnings[0].kind, 'cannot-infer');
  assert.match(a.warnings[0].message, /FancyOp/);
  assert.equal(a.tensors.get('z')?.shape, null);
});

test('declared shapes: mismatch warns, and they fill in what inference cannot', () => {
  const m = model(
    [node('r', 'Relu', ['x'], ['y']), node('u', 'FancyOp', ['y'], ['z'])],
    [input('x', [1, 3])],
    [],
    [input('y', [1, 4]), input('z', [7])],
  );
  const a = analyze(m);
  assert.deepEqual(a.tensors.get('y')?.shape, [1, 3]);
  assert.ok(a.warnings.some((w) => w.kind === 'shape-mismatch' && w.node === 'r'));
  assert.deepEqual(a.tensors.get('z')?.shape, [7]);
});

test('PyTorch-style flatten (Shape, Gather, Unsqueeze, Concat, Reshape) folds with a symbolic batch', () => {
  const m = model(
    [
      node('s', 'Shape', ['x'], ['s0']),
      node('g', 'Gather', ['s0', 'zero'], ['b'], { axis: 0 }),
      node('u', 'Unsqueeze', ['b', 'ax'], ['b1']),
      node('c', 'Concat', ['b1', 'minus1'], ['shape'], { axis: 0 }),
      node('r', 'Reshape', ['x', 'shape'], ['y']),
    ],
    [input('x', ['N', 256, 6, 6])],
    [tensorFromBytes('zero', 'int64', [], new Uint8Array(8)), int64Init('ax', [0]), int64Init('minus1', [-1])],
  );
  const a = analyze(m);
  assert.deepEqual(a.warnings, []);
  assert.deepEqual(a.tensors.get('y')?.shape, ['N', 9216]);
  assert.equal(a.totals.params, 0, 'shape arithmetic is not a weight');
});

test('a weight shared by two nodes counts once in totals; constants built by nodes count', () => {
  const m = model(
    [
      node('k', 'ConstantOfShape', ['wshape'], ['w2']),
      node('a', 'MatMul', ['x', 'w'], ['y1']),
      node('b', 'MatMul', ['x', 'w'], ['y2']),
      node('c', 'MatMul', ['y1', 'w2'], ['y3']),
    ],
    [input('x', [2, 8])],
    [floatInit('w', [8, 8]), int64Init('wshape', [8, 5])],
  );
  const a = analyze(m);
  assert.equal(a.nodes.get('a')?.params, 64);
  assert.equal(a.nodes.get('b')?.params, 64);
  assert.equal(a.nodes.get('c')?.params, 40);
  assert.equal(a.totals.params, 104);
  assert.equal(a.totals.sharedWeights, 1, "'w' is read by a and b");
  assert.equal(a.nodes.get('a')?.macs, 2 * 8 * 8);
  assert.deepEqual(a.tensors.get('y3')?.shape, [2, 5]);
});

test('receptive field and jump: r += (k_eff − 1)·j, j ·= s; merges take the largest', () => {
  const m = model(
    [
      node('c1', 'Conv', ['x', 'w1'], ['a'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
      node('c2', 'Conv', ['a', 'w2'], ['b'], { kernel_shape: [3, 3], strides: [2, 2], pads: [2, 2, 2, 2], dilations: [2, 2] }),
      node('p', 'MaxPool', ['x'], ['c'], { kernel_shape: [2, 2], strides: [2, 2] }),
      node('add', 'Add', ['b', 'c'], ['d']),
    ],
    [input('x', [1, 3, 32, 32])],
    [floatInit('w1', [3, 3, 3, 3]), floatInit('w2', [3, 3, 3, 3])],
  );
  const a = analyze(m);
  assert.deepEqual(a.tensors.get('a')?.receptiveField, [3, 3]);
  assert.deepEqual(a.tensors.get('b')?.receptiveField, [7, 7]);
  assert.deepEqual(a.tensors.get('b')?.stride, [2, 2]);
  assert.deepEqual(a.tensors.get('c')?.receptiveField, [2, 2]);
  assert.deepEqual(a.tensors.get('d')?.receptiveField, [7, 7]);
  assert.deepEqual(a.tensors.get('d')?.shape, [1, 3, 16, 16]);
});

test('a 10,000-node chain in reverse file order is analysed without recursion', () => {
  const nodes: Node[] = [];
  for (let i = 0; i < 10_000; i++) nodes.push(node(`n${i}`, 'Relu', [i === 0 ? 'x' : `t${i - 1}`], [`t${i}`]));
  nodes.reverse();
  const t0 = performance.now();
  const a = analyze(model(nodes, [input('x', ['N', 8, 4, 4])]));
  assert.ok(performance.now() - t0 < 5000);
  assert.equal(a.order[0], 'n0');
  assert.deepEqual(a.tensors.get('t9999')?.shape, ['N', 8, 4, 4]);
});

test('bad inputs to Reshape give a clear cannot-infer message', () => {
  const m = model([node('r', 'Reshape', ['x', 's'], ['y'])], [input('x', [2, 3])], [int64Init('s', [4, -1, 5])]);
  const w = analyze(m).warnings;
  assert.equal(w.length, 1);
  assert.match(w[0].message, /cannot reshape \[2, 3\] \(6 elements\) into \[4, -1, 5\]/);
});

test('ceil_mode pooling: the formula rounds the quotient up, and says when the last window is dropped', () => {
  const formula = (size: number, k: number, s: number, pads: number[]) => {
    const a = analyze(model(
      [node('p', 'MaxPool', ['x'], ['y'], { kernel_shape: [k], strides: [s], pads, ceil_mode: 1 })],
      [input('x', [1, 1, size])],
    ));
    return a.nodes.get('p')?.formulas?.[0];
  };
  assert.equal(formula(6, 3, 2, [0, 0]), 'L: ⌈(6 + 2·0 − 3)/2⌉ + 1 = 3');
  assert.equal(formula(7, 3, 2, [0, 0]), 'L: (7 + 2·0 − 3)/2 + 1 = 3');
  // ceil((4 + 1 − 2)/2) + 1 = 3, but the third window would start in the end padding (onnx op_pool_common).
  assert.equal(formula(4, 2, 2, [0, 1]), 'L: ⌈(4 + 0 + 1 − 2)/2⌉ + 1 − 1 = 2, the last window would start in the end padding');
});
