/**
 * The window description on small models through the real analyze(): Step's click-to-window
 * mapping, SAME's resolved pads, Step's text at a run's real sizes, and the validation of window
 * attributes (ONNX spec: kernel, strides, dilations positive; pads ≥ 0, two per axis; group
 * dividing the channels; Keras sizes small positive integers), fuzzed on mutated attributes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/analyze';
import type { Analysis } from '../../src/analysis/types';
import { inputWindow } from '../../src/analysis/window/geometry';
import { seededRandom } from '../../src/common/prng';
import { readModelBytes } from '../../src/formats/index';
import { tensorFromBytes } from '../../src/ir/tensor';
import type { AttrValue, Graph, Model, Node, Shape } from '../../src/ir/types';
import { explainNode } from '../../src/runtime/explain';

function node(id: string, opType: string, inputs: string[], attributes: Record<string, AttrValue> = {}): Node {
  return { id, name: id, opType, domain: '', attributes, inputs, outputs: ['y'], scope: [] };
}

function model(n: Node, x: Shape, weights: Record<string, number[]> = {}): Model {
  const inits = Object.entries(weights).map(([name, dims]) => tensorFromBytes(name, 'float32', dims, new Uint8Array(dims.reduce((a, b) => a * b, 1) * 4)));
  const graph: Graph = {
    name: 'g', nodes: [n], inputs: [{ name: 'x', dtype: 'float32', shape: x }], outputs: [{ name: 'y', dtype: 'float32', shape: null }],
    valueInfo: new Map(), initializers: new Map(inits.map((t) => [t.name, t])),
  };
  return { format: 'onnx', producer: 'test', opsets: { '': 17 }, metadata: {}, graph, readWarnings: [] };
}

const windowOf = (a: Analysis) => a.nodes.get('n')!.window!;

test('Step\'s click-to-window mapping reads the analysis\'s window: stride, pads, dilation', () => {
  const conv = (attrs: Record<string, AttrValue>, size: number) =>
    windowOf(analyze(model(node('n', 'Conv', ['x', 'w'], attrs), [1, 1, size, size], { w: [1, 1, 3, 3] })));
  const w = conv({ strides: [2, 2], pads: [1, 1, 1, 1] }, 8);
  assert.deepEqual(inputWindow(w.axes, [0, 0], [8, 8]), [{ start: 0, end: 1 }, { start: 0, end: 1 }]);
  assert.deepEqual(inputWindow(w.axes, [2, 3], [8, 8]), [{ start: 3, end: 5 }, { start: 5, end: 7 }]);
  const d = conv({ dilations: [2, 2] }, 9);
  assert.deepEqual(inputWindow(d.axes, [1, 1], [9, 9]), [{ start: 1, end: 5 }, { start: 1, end: 5 }]);
  assert.equal(d.axes[0].formula, 'H: (9 + 2·0 − 5)/1 + 1 = 5, k_eff = 2·(3 − 1) + 1 = 5');
});

test('SAME pads are resolved as ONNX does (the odd pixel at the end for SAME_UPPER, the start for SAME_LOWER)', () => {
  const pads = (autoPad: string, k: number, size: number) => {
    const w = windowOf(analyze(model(node('n', 'MaxPool', ['x'], { kernel_shape: [k], auto_pad: autoPad }), [1, 1, size])));
    return [w.axes[0].padBegin, w.axes[0].padEnd, w.axes[0].formula];
  };
  assert.deepEqual(pads('SAME_UPPER', 5, 28), [2, 2, 'L: ⌈28/1⌉ = 28']);
  assert.deepEqual(pads('SAME_UPPER', 2, 5), [0, 1, 'L: ⌈5/1⌉ = 5']);
  assert.deepEqual(pads('SAME_LOWER', 2, 5), [1, 0, 'L: ⌈5/1⌉ = 5']);
});

test('Step explains a layer with the analysis\'s window at the run\'s sizes, and shows a disagreement with the runtime', () => {
  const n = node('n', 'Conv', ['x', 'w'], { group: 32, auto_pad: 'SAME_UPPER' });
  const a = analyze(model(n, ['N', 32, 'H', 'W'], { w: [32, 1, 3, 3] }));
  assert.match(windowOf(a).axes[0].formula, /^H: ⌈H\/1⌉ = H$/);
  assert.equal(windowOf(a).axes[0].padBegin, null);
  const e = explainNode(n, { inputs: [[1, 32, 56, 56]], outputs: [[1, 32, 57, 56]] }, [undefined, [32, 1, 3, 3]], a.nodes.get('n'));
  assert.equal(e.params, 32 * 9);
  assert.match(e.lines[0], /depthwise/);
  assert.ok(e.lines.includes('H: ⌈56/1⌉ = 56 (runtime gave 57)'), e.lines.join('\n'));
  assert.ok(e.lines.includes('W: ⌈56/1⌉ = 56 ✓'));
  assert.deepEqual([e.window?.axes[0].padBegin, e.window?.axes[0].padEnd], [1, 1]);
});

/** Every figure and dim of an analysis is finite and non-negative (or unknown). */
function assertSane(a: Analysis, what: string): void {
  for (const t of a.tensors.values()) {
    for (const d of t.shape ?? []) if (typeof d === 'number') assert.ok(Number.isSafeInteger(d) && d >= 0, `${what}: dim ${d} of ${t.name}`);
    for (const r of t.receptiveField ?? []) assert.ok(Number.isFinite(r) && r >= 1, `${what}: receptive field ${r}`);
  }
  for (const f of a.nodes.values()) {
    for (const v of [f.params, f.macs, f.activationBytes, f.buffers ?? 0]) assert.ok(v === null || (Number.isFinite(v) && v >= 0), `${what}: figure ${v}`);
  }
  for (const v of [a.totals.params, a.totals.macs, a.totals.activationBytes]) assert.ok(Number.isFinite(v) && v >= 0, `${what}: total ${v}`);
  for (const w of a.warnings) assert.ok(!w.message.includes('\n'), `${what}: one line: ${w.message}`);
}

const BAD: [string, string, Record<string, AttrValue>, RegExp][] = [
  ['Conv', 'kernel 0', { kernel_shape: [0, 3] }, /kernel_shape must be positive/],
  ['Conv', 'negative kernel', { kernel_shape: [-3, 3] }, /kernel_shape must be positive/],
  ['Conv', 'stride 0', { strides: [0, 1] }, /strides must be positive/],
  ['Conv', 'negative dilation', { dilations: [1, -2] }, /dilations must be positive/],
  ['Conv', 'empty pads', { pads: [] }, /pads has 0 values; 4 expected/],
  ['Conv', 'short pads', { pads: [1, 1] }, /pads has 2 values; 4 expected/],
  ['Conv', 'negative pads', { pads: [1, -1, 1, 1] }, /pads must be non-negative/],
  ['Conv', 'group 0', { group: 0 }, /group must be a positive integer/],
  ['Conv', 'group not dividing', { group: 3 }, /not divisible by group 3/],
  ['Conv', 'bad auto_pad', { auto_pad: 'SAME' }, /auto_pad 'SAME' is not one of/],
  ['ConvTranspose', 'group −7', { group: -7 }, /group must be a positive integer/],
  ['ConvTranspose', 'empty output_padding', { output_padding: [] }, /output_padding has 0 values; 2 expected/],
  ['ConvTranspose', 'negative output_padding', { output_padding: [-1, 0] }, /output_padding must be non-negative/],
  ['MaxPool', 'kernel 0', { kernel_shape: [0, 2] }, /kernel_shape must be positive/],
  ['MaxPool', 'ceil_mode 2', { kernel_shape: [2, 2], ceil_mode: 2 }, /ceil_mode must be 0 or 1/],
  ['AveragePool', 'wrong-length strides', { kernel_shape: [2, 2], strides: [2] }, /strides has 1 values; 2 expected/],
  ['LpPool', 'huge kernel', { kernel_shape: [2 ** 60, 2] }, /kernel_shape must be positive/],
];

function onnxCase(op: string, attrs: Record<string, AttrValue>): Analysis {
  const weights: Record<string, number[]> = op === 'Conv' ? { w: [8, 4, 3, 3] } : op === 'ConvTranspose' ? { w: [4, 2, 3, 3] } : {};
  const inputs = op === 'Conv' || op === 'ConvTranspose' ? ['x', 'w'] : ['x'];
  return analyze(model(node('n', op, inputs, attrs), [1, 4, 16, 16], weights));
}

test('invalid window attributes: one line naming the node and the attribute, no negative or NaN dim', () => {
  for (const [op, what, attrs, message] of BAD) {
    const a = onnxCase(op, attrs);
    // The rule's own refusal (the schema check may add its 'invalid-attribute' line too).
    const w = a.warnings.filter((x) => x.node === 'n' && x.kind !== 'unknown-figures' && x.kind !== 'invalid-attribute');
    assert.equal(w.length, 1, `${op} ${what}: ${JSON.stringify(a.warnings)}`);
    assert.match(w[0].message, message, `${op} ${what}`);
    assert.equal(a.tensors.get('y')?.shape, null, `${op} ${what}: no output shape`);
    assert.equal(a.nodes.get('n')?.macs, op.includes('Conv') ? null : 0, `${op} ${what}: MACs`);
    assertSane(a, `${op} ${what}`);
  }
});

test('fuzzed window attributes (600 mutants of Conv, ConvTranspose and the pools): sane figures or a one-line refusal', () => {
  const rnd = seededRandom(20261202);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const int = (): number => pick([-7, -1, 0, 1, 2, 3, 5, 17, 2 ** 31, 2 ** 53, 1.5, Number.NaN]);
  const ints = (n: number): number[] => Array.from({ length: pick([0, n, n, n, n + 1]) }, int);
  const ops = ['Conv', 'ConvTranspose', 'MaxPool', 'AveragePool', 'LpPool'];
  let refused = 0;
  for (let i = 0; i < 600; i++) {
    const op = pick(ops);
    const attrs: Record<string, AttrValue> = op.includes('Conv') ? {} : { kernel_shape: [2, 2] };
    for (const [name, gen] of [
      ['kernel_shape', () => ints(2)], ['strides', () => ints(2)], ['dilations', () => ints(2)], ['pads', () => ints(4)],
      ['group', () => int()], ['output_padding', () => ints(2)], ['ceil_mode', () => pick([0, 1, 2])],
      ['auto_pad', () => pick(['NOTSET', 'VALID', 'SAME_UPPER', 'SAME_LOWER', 'bogus'])],
    ] as [string, () => AttrValue][]) if (rnd() < 0.3) attrs[name] = gen();
    const a = onnxCase(op, attrs);
    assertSane(a, `${op} ${JSON.stringify(attrs)}`);
    const y = a.tensors.get('y')?.shape;
    if (!y) {
      refused++;
      assert.ok(a.warnings.some((w) => w.node === 'n' && w.kind !== 'unknown-figures'), `${op} ${JSON.stringify(attrs)}: refused without saying why`);
    } else {
      // An accepted window: its formulas hold the inferred dims.
      for (const ax of a.nodes.get('n')?.window?.axes ?? []) assert.ok(ax.formula.endsWith(`= ${ax.out}`) || ax.formula.includes(`= ${ax.out},`), ax.formula);
    }
  }
  assert.ok(refused > 100 && refused < 600, `${refused} refused`);
});

test('Keras sizes must be small positive integers (kernel_size 1e308, strides 0, filters −1 …), in one line', async () => {
  const layers: [Record<string, unknown>, RegExp][] = [
    [{ type: 'Conv2D', filters: 4, kernel_size: 1e308 }, /'kernel_size' must be positive integers below 2³¹/],
    [{ type: 'Conv2D', filters: 4, kernel_size: 3, strides: 0 }, /'strides' must be positive/],
    [{ type: 'Conv2D', filters: -1, kernel_size: 3 }, /needs 'filters' as a positive integer/],
    [{ type: 'Conv2D', filters: 4, kernel_size: 3, dilation_rate: 0 }, /'dilation_rate' must be positive/],
    [{ type: 'Conv2D', filters: 4, kernel_size: 3, groups: 0 }, /'groups' must be a positive integer/],
    [{ type: 'DepthwiseConv2D', kernel_size: 3, depth_multiplier: 0 }, /'depth_multiplier' must be a positive integer/],
    [{ type: 'MaxPooling2D', pool_size: 0 }, /'pool_size' must be positive/],
    [{ type: 'Conv2D', filters: 4, kernel_size: 3, padding: [[1, -2], [0, 0]] }, /'padding' must be non-negative/],
    [{ type: 'Conv2DTranspose', filters: 4, kernel_size: 3, output_padding: -1 }, /'output_padding' must be non-negative/],
  ];
  for (const [layer, message] of layers) {
    const text = JSON.stringify({ name: 'bad', input: [16, 16, 4], layers: [{ name: 'l', ...layer }] });
    const m = await readModelBytes(new TextEncoder().encode(text), 'bad.convlens.json');
    const a = analyze(m);
    const w = a.warnings.filter((x) => x.kind !== 'unknown-figures' && x.kind !== 'read');
    assert.equal(w.length, 1, `${JSON.stringify(layer)}: ${JSON.stringify(a.warnings)}`);
    assert.match(w[0].message, message, JSON.stringify(layer));
    assertSane(a, JSON.stringify(layer));
  }
});
