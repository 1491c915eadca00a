/**
 * Invalid attribute and input values on hand-built graphs through the real engine: each case ends in a
 * one-line warning naming the node and what is wrong, with its outputs unknown, or (figures past any
 * real model) a one-line ModelError; never a negative, NaN or infinite dim or figure. The engine's guard
 * (src/analysis/guard.ts) catches what a rule lets through.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttrValue, DType, Graph, Model, Node, Shape, ValueInfo } from '../../src/ir/types';
import { ModelError } from '../../src/ir/types';
import { tensorFromBytes } from '../../src/ir/tensor';
import { analyze } from '../../src/analysis/analyze';
import { summaryJson } from '../../src/cli/summary';

const node = (id: string, opType: string, inputs: string[], outputs: string[], attributes: Record<string, AttrValue> = {}, domain = ''): Node => ({ id, name: id, opType, domain, attributes, inputs, outputs, scope: [] });
const f32 = (name: string, dims: number[]) => tensorFromBytes(name, 'float32', dims, new Uint8Array(dims.reduce((a, b) => a * b, 1) * 4));
const f32v = (name: string, v: number[]) => tensorFromBytes(name, 'float32', [v.length], new Uint8Array(Float32Array.from(v).buffer));
const i64 = (name: string, v: number[]) => tensorFromBytes(name, 'int64', [v.length], new Uint8Array(BigInt64Array.from(v.map((x) => BigInt(x))).buffer));
const inp = (name: string, shape: Shape, dtype: DType = 'float32'): ValueInfo => ({ name, dtype, shape });

function model(nodes: Node[], inputs: ValueInfo[], inits: ReturnType<typeof f32>[] = [], format: Model['format'] = 'onnx'): Model {
  const graph: Graph = { name: 'g', nodes, inputs, outputs: [], valueInfo: new Map(), initializers: new Map(inits.map((t) => [t.name, t])) };
  return { format, producer: 't', opsets: { '': 17 }, metadata: {}, graph, readWarnings: [] };
}

/** [case, model, the warning expected on node `id`] */
const cases: [string, () => Model, string, RegExp][] = [
  ['Range limit ∞', () => model([node('r', 'Range', ['s', 'l', 'd'], ['y'])], [], [f32v('s', [0]), f32v('l', [Infinity]), f32v('d', [1])]), 'r', /dim Infinity/],
  ['Range limit NaN', () => model([node('r', 'Range', ['s', 'l', 'd'], ['y'])], [], [f32v('s', [0]), f32v('l', [NaN]), f32v('d', [1])]), 'r', /dim NaN/],
  ['Concat axis out of range', () => model([node('c', 'Concat', ['a', 'b'], ['y'], { axis: 5 })], [inp('a', [1, 2]), inp('b', [1, 3])]), 'c', /axis 5 is out of range for rank 2/],
  ['Split sizes with a negative', () => model([node('s', 'Split', ['a', 'sp'], ['z', 'y'], { axis: 1 })], [inp('a', [1, 4])], [i64('sp', [5, -1])]), 's', /dim -1/],
  ['Split axis out of range', () => model([node('s', 'Split', ['a'], ['y', 'z'], { axis: 7 })], [inp('a', [1, 4])]), 's', /axis 7 is out of range/],
  ['Tile negative repeats', () => model([node('t', 'Tile', ['a', 'r'], ['y'])], [inp('a', [1, 4])], [i64('r', [1, -3])]), 't', /dim -12/],
  ['Tile repeats of the wrong length', () => model([node('t', 'Tile', ['a', 'r'], ['y'])], [inp('a', [1, 4])], [i64('r', [1])]), 't', /repeats has 1 values for rank 2/],
  ['Expand to a negative dim', () => model([node('e', 'Expand', ['a', 'r'], ['y'])], [inp('a', [1, 4])], [i64('r', [-5, 4])]), 'e', /dim -5/],
  ['Expand that cannot broadcast', () => model([node('e', 'Expand', ['a', 'r'], ['y'])], [inp('a', [3, 4])], [i64('r', [2, 4])]), 'e', /cannot broadcast/],
  ['Reshape to negative dims', () => model([node('r', 'Reshape', ['a', 's'], ['y'])], [inp('a', [2, 4])], [i64('s', [-2, -4])]), 'r', /dim -2/],
  ['Reshape with two -1', () => model([node('r', 'Reshape', ['a', 's'], ['y'])], [inp('a', [2, 4])], [i64('s', [-1, -1])]), 'r', /more than one -1/],
  ['MatMul inner dims', () => model([node('m', 'MatMul', ['a', 'w'], ['y'])], [inp('a', [2, 4])], [f32('w', [5, 3])]), 'm', /inner dims disagree/],
  ['Gemm inner dims', () => model([node('m', 'Gemm', ['a', 'w'], ['y'], { transB: 1 })], [inp('a', [2, 4])], [f32('w', [3, 5])]), 'm', /A has 4 columns but B has 5 rows/],
  ['Keras filters 1e308', () => model([node('c', 'Conv2D', ['x'], ['y'], { filters: 1e308, kernel_size: [3, 3] }, 'keras')], [inp('x', [1, 8, 8, 3])], [], 'keras'), 'c', /'filters'.*1e\+308/],
  ['Keras units 1e308', () => model([node('d', 'Dense', ['x'], ['y'], { units: 1e308 }, 'keras')], [inp('x', [1, 8])], [], 'keras'), 'd', /'units'.*1e\+308/],
  ['Keras units 2.5', () => model([node('d', 'Dense', ['x'], ['y'], { units: 2.5 }, 'keras')], [inp('x', [1, 8])], [], 'keras'), 'd', /'units'.*2\.5/],
  ['Keras kernel_size 1e308', () => model([node('c', 'Conv2D', ['x'], ['y'], { filters: 4, kernel_size: [1e308, 1e308] }, 'keras')], [inp('x', [1, 8, 8, 3])], [], 'keras'), 'c', /1e\+308/],
  ['Keras Reshape to negative dims', () => model([node('r', 'Reshape', ['x'], ['y'], { target_shape: [-4, -2] }, 'keras')], [inp('x', [1, 8])], [], 'keras'), 'r', /dim -4/],
];

for (const [name, make, id, message] of cases) {
  test(`${name}: one line naming the node, the output unknown, every figure finite`, () => {
    const m = make();
    const a = analyze(m);
    const w = a.warnings.filter((x) => x.node === id);
    assert.ok(w.some((x) => message.test(x.message)), `warnings: ${JSON.stringify(w)}`);
    for (const x of w) assert.ok(!x.message.includes('\n'));
    assert.equal(a.tensors.get('y')?.shape ?? null, null, 'the invalid output is unknown, not a made-up shape');
    const s = summaryJson(m, a);
    for (const n of s.nodes) for (const v of [n.params, n.macs, n.activationBytes]) assert.ok(v === null || (Number.isFinite(v) && v >= 0 && Number.isInteger(v)), `${n.id}: ${v}`);
    for (const t of Object.values(s.tensors)) for (const d of t.shape ?? []) assert.ok(typeof d === 'string' || (Number.isSafeInteger(d) && d >= 0), `dim ${d}`);
  });
}

test('a graph input or initializer declaring an impossible dim ends the analysis with one line naming it', () => {
  assert.throws(() => analyze(model([], [inp('x', [1, 1e308])])), (e: Error) => e instanceof ModelError && /graph input 'x': declares dim 1e\+308/.test(e.message) && !e.message.includes('\n'));
  assert.throws(() => analyze(model([], [inp('x', [1, -3])])), (e: Error) => e instanceof ModelError && /dim -3/.test(e.message));
});
