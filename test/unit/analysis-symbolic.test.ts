/**
 * Symbolic dims through Slice (finite ends on a symbolic axis) and Resize (non-integer scales):
 * the printed dims are expressions evalDim reads, and evaluated at concrete sizes they equal the
 * shapes ONNX Runtime produces for those sizes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import type { Model, Node, Shape, TensorData } from '../../src/ir/types';
import { tensorFromBytes } from '../../src/ir/tensor';
import { analyze } from '../../src/analysis/analyze';
import { evalDim } from '../../src/analysis/dims';
import { encodeModel } from '../../src/formats/onnx/writer';

const int64 = (name: string, values: number[]): TensorData =>
  tensorFromBytes(name, 'int64', [values.length], new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer));
const float32 = (name: string, values: number[]): TensorData =>
  tensorFromBytes(name, 'float32', [values.length], new Uint8Array(Float32Array.from(values).buffer));

function oneNode(n: Node, inputShape: Shape, inits: TensorData[]): Model {
  return {
    format: 'onnx', producer: 'test', opsets: { '': 13 }, metadata: {}, readWarnings: [],
    graph: {
      name: 'g', nodes: [n], valueInfo: new Map(),
      inputs: [{ name: 'x', dtype: 'float32', shape: inputShape }],
      outputs: [{ name: 'y', dtype: 'float32', shape: null }],
      initializers: new Map(inits.map((t) => [t.name, t])),
    },
  };
}

function sliceModel(starts: number[], ends: number[], axes: number[], steps?: number[]): Model {
  const inits = [int64('starts', starts), int64('ends', ends), int64('axes', axes)];
  if (steps) inits.push(int64('steps', steps));
  const inputs = ['x', 'starts', 'ends', 'axes', ...(steps ? ['steps'] : [])];
  return oneNode({ id: 's', name: 's', opType: 'Slice', domain: '', attributes: {}, inputs, outputs: ['y'], scope: [] }, ['N', 3, 'H', 'W'], inits);
}

function resizeModel(scales: number[]): Model {
  return oneNode(
    { id: 'r', name: 'r', opType: 'Resize', domain: '', attributes: { mode: 'nearest' }, attributeTypes: { mode: 'string' }, inputs: ['x', '', 'scales'], outputs: ['y'], scope: [] },
    ['N', 3, 'H', 'W'],
    [float32('scales', scales)],
  );
}

/** Output shape ORT computes for the model at these input sizes. */
async function ortShape(m: Model, dims: number[]): Promise<readonly number[]> {
  const s = await ort.InferenceSession.create(encodeModel(m), { logSeverityLevel: 3 });
  try {
    const n = dims.reduce((a, b) => a * b, 1);
    const r = await s.run({ x: new ort.Tensor('float32', new Float32Array(n), dims) });
    return r.y.dims;
  } finally {
    await s.release();
  }
}

/** Analyses the model, checks there is no cannot-infer warning, and compares with ORT at each size. */
async function agreesWithOrt(m: Model, sizes: { N: number; H: number; W: number }[]): Promise<Shape> {
  const a = analyze(m);
  assert.deepEqual(a.warnings.filter((w) => w.kind === 'cannot-infer'), []);
  const y = a.tensors.get('y')?.shape;
  assert.ok(y, 'output shape inferred');
  for (const s of sizes) {
    const runtime = await ortShape(m, [s.N, 3, s.H, s.W]);
    assert.deepEqual(y.map((d) => evalDim(d, s)), [...runtime], `${JSON.stringify(y)} at ${JSON.stringify(s)}`);
  }
  return y;
}

const sizes = [{ N: 1, H: 5, W: 7 }, { N: 4, H: 9, W: 2 }, { N: 12, H: 16, W: 31 }];

test('Slice with a finite end on a symbolic axis: x[:10] of N rows is min(N,10)', async () => {
  const y = await agreesWithOrt(sliceModel([0], [10], [0]), sizes);
  assert.deepEqual(y, ['min(N,10)', 3, 'H', 'W']);
});

test('Slice with a start and a finite end on symbolic axes: max(min(H,8)-2,0); an empty range is 0', async () => {
  const y = await agreesWithOrt(sliceModel([2, 3], [8, 3], [2, 3]), sizes);
  assert.deepEqual(y, ['N', 3, 'max(min(H,8)-2,0)', 0]);
  // To the end (a huge end, as exporters write INT_MAX or INT64_MAX) stays linear.
  assert.deepEqual(analyze(sliceModel([1], [2 ** 62], [2])).tensors.get('y')?.shape, ['N', 3, 'H-1', 'W']);
});

test('Slice from the end of a symbolic axis is unknown, with the reason', () => {
  const a = analyze(sliceModel([0], [-1], [2]));
  assert.equal(a.tensors.get('y')?.shape, null);
  const w = a.warnings.filter((x) => x.kind === 'cannot-infer').map((x) => x.message);
  assert.deepEqual(w, ["cannot slice symbolic axis 2 (H) with start 0, end -1, step 1: a negative end counts from the end of H, whose size is not known"]);
  const b = analyze(sliceModel([0], [10], [2], [2]));
  assert.match(b.warnings.map((x) => x.message).join('\n'), /only step 1 is worked out on a symbolic axis/);
});

test('Resize with non-integer scales on symbolic axes: floor(3·H/2) = H+floor(H/2), which evalDim reads', async () => {
  const y = await agreesWithOrt(resizeModel([1, 1, 1.5, 0.75]), sizes);
  assert.deepEqual(y, ['N', 3, 'H+floor(H/2)', 'floor(3*W/4)']);
  // Integer scales stay linear.
  assert.deepEqual(analyze(resizeModel([1, 1, 2, 2])).tensors.get('y')?.shape, ['N', 3, '2*H', '2*W']);
});

test('evalDim reads the printed grammar: floor, ceil, min, max; other text is one symbol; ? is unknown', () => {
  assert.equal(evalDim('floor(3*H/2)', { H: 5 }), 7);
  assert.equal(evalDim('floor((H-1)/2)+1', { H: 10 }), 5);
  assert.equal(evalDim('ceil(H/32)', { H: 33 }), 2);
  assert.equal(evalDim('min(N,10)', { N: 3 }), 3);
  assert.equal(evalDim('max(min(H,8)-2,0)', { H: 1 }), 0);
  assert.equal(evalDim('"batch size"*2', { 'batch size': 4 }), 8);
  assert.equal(evalDim('floor(H', { 'floor(H': 6 }), 6, 'text outside the grammar is a name');
  assert.equal(evalDim('?', {}), null);
});
