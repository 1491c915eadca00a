/**
 * Oracle: ONNX Runtime (CPU) runs each com.microsoft quantised operator the rules cover
 * (src/analysis/ops/quant-ms.ts), in small one-node models built here over several shapes,
 * attributes and 8-bit types; every output's shape and type must equal the analysis'. QGemm and
 * QLinearAdd are also run on whole quantised models (analysis-quantised.test.ts). An operator ORT's
 * CPU provider has no kernel for is skipped with ORT's reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import type { AttrValue, DType, Model, TensorData } from '../../src/ir/types';
import { bytesOf, tensorFromBytes } from '../../src/ir/tensor';
import { analyze } from '../../src/analysis/analyze';
import { registeredOps } from '../../src/analysis/registry';
import type { TensorInfo } from '../../src/analysis/types';
import { encodeModel } from '../../src/formats/onnx/writer';
import { seededRandom } from '../../src/common/prng';

type Q = 'uint8' | 'int8';
/** A graph input (fed random data), or a constant: a scale, a zero point, a weight. */
type In = { feed: DType; shape: number[] } | { init: DType; shape: number[] } | null;

const rnd = seededRandom(11);
const x = (feed: DType, ...shape: number[]): In => ({ feed, shape });
const w = (init: DType, ...shape: number[]): In => ({ init, shape });
const scale = w('float32');
const zp = (q: Q): In => w(q);
/** X, X_scale, X_zero_point, Y_scale, Y_zero_point. */
const unary = (q: Q, ...shape: number[]): In[] => [x(q, ...shape), scale, zp(q), scale, zp(q)];

interface Case { op: string; inputs: In[]; attrs?: Record<string, AttrValue> }

const CASES: Case[] = [
  // A, A_scale, A_zero_point, B, B_scale, B_zero_point, C_scale, C_zero_point
  { op: 'QLinearMul', inputs: [x('uint8', 2, 3, 4, 5), scale, zp('uint8'), x('uint8', 2, 3, 4, 5), scale, zp('uint8'), scale, zp('uint8')] },
  { op: 'QLinearMul', inputs: [x('int8', 1, 8, 6, 6), scale, zp('int8'), w('int8', 8, 1, 1), scale, zp('int8'), scale, zp('int8')] },
  { op: 'QLinearMul', inputs: [x('uint8', 5, 1), scale, zp('uint8'), x('uint8', 1, 7), scale, zp('uint8'), scale, zp('uint8')] },
  { op: 'QLinearAdd', inputs: [x('int8', 3, 1, 4), scale, zp('int8'), x('int8', 2, 1), scale, zp('int8'), scale, zp('int8')] },
  { op: 'QLinearSigmoid', inputs: unary('uint8', 1, 16, 7, 9) },
  { op: 'QLinearSigmoid', inputs: unary('int8', 10) },
  { op: 'QLinearLeakyRelu', inputs: unary('uint8', 2, 4, 5, 5), attrs: { alpha: 0.1 } },
  { op: 'QLinearLeakyRelu', inputs: unary('int8', 3, 7) },
  { op: 'QLinearSoftmax', inputs: unary('uint8', 2, 10), attrs: { opset: 13 } },
  { op: 'QLinearSoftmax', inputs: unary('int8', 2, 3, 10), attrs: { opset: 13, axis: 1 } },
  { op: 'QLinearSoftmax', inputs: unary('uint8', 2, 3, 10), attrs: { opset: 12, axis: 1 } },
  { op: 'QLinearAveragePool', inputs: unary('uint8', 1, 3, 9, 11), attrs: { kernel_shape: [3, 3], strides: [2, 2] } },
  { op: 'QLinearAveragePool', inputs: unary('int8', 2, 4, 10, 10), attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1, count_include_pad: 1 } },
  { op: 'QLinearAveragePool', inputs: unary('uint8', 1, 7, 8, 5), attrs: { kernel_shape: [2, 2], auto_pad: 'SAME_UPPER', strides: [2, 2] } },
  { op: 'QLinearAveragePool', inputs: unary('uint8', 1, 9, 11, 3), attrs: { kernel_shape: [3, 3], strides: [2, 2], channels_last: 1 } },
  { op: 'QLinearAveragePool', inputs: unary('uint8', 2, 3, 17), attrs: { kernel_shape: [4], strides: [3] } },
  { op: 'QLinearGlobalAveragePool', inputs: unary('uint8', 2, 8, 7, 5) },
  { op: 'QLinearGlobalAveragePool', inputs: unary('int8', 2, 7, 5, 8), attrs: { channels_last: 1 } },
  { op: 'QLinearGlobalAveragePool', inputs: unary('uint8', 1, 4, 3, 3, 3) },
  { op: 'QLinearReduceMean', inputs: unary('uint8', 2, 3, 4, 5), attrs: { axes: [2, 3], keepdims: 1 } },
  { op: 'QLinearReduceMean', inputs: unary('uint8', 2, 3, 4, 5), attrs: { axes: [1], keepdims: 0 } },
  // Y_scale, Y_zero_point, then (tensor, scale, zero point) per input
  { op: 'QLinearConcat', inputs: [scale, zp('uint8'), x('uint8', 1, 3, 4, 4), scale, zp('uint8'), x('uint8', 1, 5, 4, 4), scale, zp('uint8')], attrs: { axis: 1 } },
  { op: 'QLinearConcat', inputs: [scale, zp('int8'), x('int8', 2, 3), scale, zp('int8'), w('int8', 2, 4), scale, zp('int8'), x('int8', 2, 1), scale, zp('int8')], attrs: { axis: -1 } },
  // condition, X, x_scale, x_zero_point, Y, y_scale, y_zero_point, z_scale, z_zero_point
  { op: 'QLinearWhere', inputs: [x('bool', 3, 1, 5), x('uint8', 1, 4, 5), scale, zp('uint8'), x('uint8', 5), scale, zp('uint8'), scale, zp('uint8')] },
  { op: 'QLinearWhere', inputs: [x('bool', 6), x('int8', 2, 6), scale, zp('int8'), x('int8', 2, 1), scale, zp('int8'), scale, zp('int8')] },
  // x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B
  { op: 'QLinearConv', inputs: [x('uint8', 1, 3, 10, 12), scale, zp('uint8'), w('int8', 8, 3, 3, 3), scale, zp('int8'), scale, zp('uint8'), w('int32', 8)], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } },
  { op: 'QLinearConv', inputs: [x('uint8', 1, 10, 12, 4), scale, zp('uint8'), w('int8', 8, 2, 3, 3), scale, zp('int8'), scale, zp('uint8')], attrs: { channels_last: 1, group: 2, dilations: [2, 2] } },
  { op: 'QLinearConv', inputs: [x('int8', 2, 9, 9, 6), scale, zp('int8'), w('int8', 6, 1, 3, 3), scale, zp('int8'), scale, zp('int8')], attrs: { channels_last: 1, group: 6, strides: [2, 2], auto_pad: 'SAME_UPPER' } },
  // A, a_scale, a_zero_point, B, b_scale, b_zero_point, C, y_scale, y_zero_point
  { op: 'QGemm', inputs: [x('uint8', 4, 6), scale, zp('uint8'), w('int8', 6, 5), scale, zp('int8'), w('int32', 5)] },
  { op: 'QGemm', inputs: [x('uint8', 6, 4), scale, zp('uint8'), w('int8', 5, 6), scale, zp('int8'), w('int32', 5), scale, zp('uint8')], attrs: { transA: 1, transB: 1 } },
  // A, B, a_scale, b_scale, a_zero_point, b_zero_point, bias
  { op: 'MatMulIntegerToFloat', inputs: [x('uint8', 2, 3, 6), w('int8', 6, 4), scale, scale, zp('uint8'), zp('int8'), w('float32', 4)] },
  { op: 'MatMulIntegerToFloat', inputs: [x('int8', 5, 6), w('int8', 6, 4), scale, scale] },
  // A (float), B (8-bit), b_scale, b_zero_point, bias
  { op: 'DynamicQuantizeMatMul', inputs: [x('float32', 3, 2, 6), w('int8', 6, 4), scale, zp('int8'), w('float32', 4)] },
  { op: 'DynamicQuantizeMatMul', inputs: [x('float32', 7, 6), w('uint8', 6, 4), scale] },
];

const ARRAYS: Partial<Record<DType, (n: number) => ArrayLike<number> & ArrayBufferView>> = {
  uint8: (n) => Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256)),
  int8: (n) => Int8Array.from({ length: n }, () => Math.floor(rnd() * 256) - 128),
  int32: (n) => Int32Array.from({ length: n }, () => Math.floor(rnd() * 200) - 100),
  float32: (n) => Float32Array.from({ length: n }, () => 0.01 + rnd() * 0.1),
  bool: (n) => Uint8Array.from({ length: n }, () => (rnd() < 0.5 ? 1 : 0)),
};
const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
function data(dtype: DType, n: number): ArrayLike<number> & ArrayBufferView {
  const make = ARRAYS[dtype];
  if (!make) throw new Error(`no test data for ${dtype}`);
  return make(n);
}

function oneNode(c: Case, domain = 'com.microsoft', opset = 13): { model: Model; feeds: Record<string, ort.Tensor> } {
  const inits = new Map<string, TensorData>();
  const inputs: Model['graph']['inputs'] = [];
  const feeds: Record<string, ort.Tensor> = {};
  const names = c.inputs.map((s, i) => {
    if (!s) return '';
    const name = `in${i}`;
    if ('init' in s) inits.set(name, tensorFromBytes(name, s.init, s.shape, bytesOf(data(s.init, size(s.shape)))));
    else {
      inputs.push({ name, dtype: s.feed, shape: s.shape });
      const v = data(s.feed, size(s.shape));
      feeds[name] = s.feed === 'bool' ? new ort.Tensor('bool', Array.from(v, Boolean), s.shape) : new ort.Tensor(s.feed as 'uint8', v as Uint8Array, s.shape);
    }
    return name;
  });
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  const model: Model = {
    format: 'onnx', producer: 'test', opsets: { '': opset, 'com.microsoft': 1 }, metadata: {}, readWarnings: [],
    graph: {
      name: c.op, valueInfo: new Map(), initializers: inits, inputs,
      nodes: [{ id: 'n', name: 'n', opType: c.op, domain, attributes: c.attrs ?? {}, inputs: names, outputs: ['y'], scope: [] }],
      outputs: [{ name: 'y', dtype: 'undefined', shape: null }],
    },
  };
  return { model, feeds };
}

const covered = new Set<string>();
for (const c of CASES) {
  const label = `${c.op} ${c.inputs.filter((s) => s && 'feed' in s).map((s) => JSON.stringify(s!.shape)).join(' ')} ${JSON.stringify(c.attrs ?? {})}`;
  covered.add(c.op);
  test(`${label}: the output's shape and type equal ONNX Runtime's`, async (t) => {
    const { model, feeds } = oneNode(c);
    let session: ort.InferenceSession;
    try {
      // Created once here to tell a missing kernel (a skip) from anything else.
      session = await ort.InferenceSession.create(encodeModel(model), { logSeverityLevel: 3, graphOptimizationLevel: 'disabled' });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      // Only a missing kernel is a skip; any other refusal (a bad model) fails.
      if (!/NOT_IMPLEMENTED|Could not find an implementation/.test(msg)) throw e;
      t.skip(`ONNX Runtime's CPU provider cannot run it: ${msg.split('\n')[0]}`);
      return;
    }
    await session.release();
    const { out, y } = await both(model, feeds);
    assert.deepEqual(y?.shape, out.dims.map(Number), 'shape');
    assert.equal(y?.dtype, out.type, 'type');
  });
}

/** The runtime output and the analysis' output tensor of a one-node model. */
async function both(model: Model, feeds: Record<string, ort.Tensor>): Promise<{ out: ort.Tensor; y: TensorInfo | undefined }> {
  const session = await ort.InferenceSession.create(encodeModel(model), { logSeverityLevel: 3, graphOptimizationLevel: 'disabled' });
  try {
    const out = (await session.run(feeds)).y;
    const a = analyze(model, { useDeclaredShapes: false });
    assert.deepEqual(a.warnings.filter((x) => x.kind === 'cannot-infer'), []);
    return { out, y: a.tensors.get('y') };
  } finally {
    await session.release();
  }
}

// ORT has no CPU kernel for QLinearReduceMean (skipped above); its float twin is the next best oracle.
for (const attrs of [{ axes: [2, 3], keepdims: 1 }, { axes: [1], keepdims: 0 }, { axes: [-1, 0], keepdims: 0 }]) {
  test(`QLinearReduceMean ${JSON.stringify(attrs)}: the shape of ORT's float ReduceMean with the same attributes, the input's type`, async () => {
    const q = oneNode({ op: 'QLinearReduceMean', inputs: unary('uint8', 2, 3, 4, 5), attrs });
    const f = oneNode({ op: 'ReduceMean', inputs: [x('float32', 2, 3, 4, 5)], attrs }, '');
    const { out } = await both(f.model, f.feeds);
    const y = analyze(q.model, { useDeclaredShapes: false }).tensors.get('y');
    assert.deepEqual(y?.shape, out.dims.map(Number));
    assert.equal(y?.dtype, 'uint8');
  });
}

// DequantizeLinear-23 added output_dtype (found by analysis-schema-supplement.test.ts): the output type.
for (const [code, dtype] of [[10, 'float16'], [1, 'float32']] as const) {
  test(`DequantizeLinear-23 with output_dtype ${code}: the output type is ${dtype}, as ONNX Runtime's`, async (t) => {
    const { model, feeds } = oneNode({ op: 'DequantizeLinear', inputs: [x('int8', 2, 3), scale, zp('int8')], attrs: { output_dtype: code } }, '', 23);
    try {
      const { out, y } = await both(model, feeds);
      assert.equal(y?.dtype, out.type);
      assert.deepEqual(y?.shape, out.dims.map(Number));
    } catch (e) {
      // ORT 1.30's CPU kernel writes float32 into the float16 output its own type inference planned.
      if (!/NOT_IMPLEMENTED|Could not find an implementation|Tensor type mismatch/.test(String(e))) throw e;
      t.skip(`ONNX Runtime's CPU kernel cannot run it: ${String(e).split('\n')[0].slice(0, 160)}`);
      // Without the runtime, the type still follows the attribute.
      assert.equal(analyze(model, { useDeclaredShapes: false }).tensors.get('y')?.dtype, dtype);
    }
  });
}

test('every com.microsoft quantised operator with a rule has cases here', () => {
  const ruled = registeredOps('com.microsoft').filter((op) => /^(QLinear|QGemm|MatMulIntegerToFloat|DynamicQuantize)/.test(op));
  assert.ok(ruled.length >= 10, `rules found: ${ruled.join(', ')}`);
  assert.deepEqual(ruled.filter((op) => !covered.has(op)), []);
});
