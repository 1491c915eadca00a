/**
 * Element decoding (src/ir/tensor.ts) against ONNX Runtime: every bit pattern of each narrow type is
 * stored as an initializer through our writer, Cast to float by ORT, and compared with our decoding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { encodeModel } from '../../src/formats/onnx/writer';
import { readOnnx } from '../../src/formats/onnx/reader';
import { decodeValues, byteSizeOf, tensorFromBytes } from '../../src/ir/tensor';
import type { DType, Model } from '../../src/ir/types';

/** A model whose output is Cast(to=FLOAT) of an initializer holding `bytes` as `dtype`. */
function castModel(dtype: DType, count: number, bytes: Uint8Array, opset: number): Model {
  const w = tensorFromBytes('w', dtype, [count], bytes);
  return {
    format: 'onnx', producer: 'test', opsets: { '': opset }, metadata: {}, readWarnings: [],
    graph: {
      name: 'cast', inputs: [], valueInfo: new Map(), initializers: new Map([['w', w]]),
      outputs: [{ name: 'y', dtype: 'float32', shape: [count] }],
      nodes: [{ id: 'cast', name: 'cast', opType: 'Cast', domain: '', attributes: { to: 1 }, attributeTypes: { to: 'int' }, inputs: ['w'], outputs: ['y'], scope: [] }],
    },
  };
}

async function ortCast(dtype: DType, count: number, bytes: Uint8Array, opset: number): Promise<Float32Array | string> {
  try {
    const s = await ort.InferenceSession.create(encodeModel(castModel(dtype, count, bytes, opset)), { logSeverityLevel: 3, graphOptimizationLevel: 'disabled' });
    return (await s.run({})).y.data as Float32Array;
  } catch (e) {
    return String(e).split('\n')[0];
  }
}

function allPatterns(bits: number): { count: number; bytes: Uint8Array } {
  const count = 2 ** bits;
  const bytes = new Uint8Array(byteSizeOf('uint8', count * bits / 8));
  if (bits === 16) new Uint16Array(bytes.buffer).forEach((_, i, a) => (a[i] = i));
  else if (bits === 8) bytes.forEach((_, i) => (bytes[i] = i));
  else if (bits === 4) for (let i = 0; i < 16; i++) bytes[i >> 1] |= i << ((i & 1) * 4);
  else if (bits === 2) for (let i = 0; i < 4; i++) bytes[i >> 2] |= i << ((i & 3) * 2);
  return { count, bytes };
}

const CASES: [DType, number, number][] = [
  ['float16', 16, 13], ['bfloat16', 16, 13],
  ['float8e4m3fn', 8, 19], ['float8e4m3fnuz', 8, 19], ['float8e5m2', 8, 19], ['float8e5m2fnuz', 8, 19],
  ['int4', 4, 21], ['uint4', 4, 21], ['float4e2m1', 4, 25], ['float8e8m0', 8, 24], ['int2', 2, 25], ['uint2', 2, 25],
  ['int8', 8, 13], ['uint8', 8, 13],
];

for (const [dtype, bits, opset] of CASES) {
  test(`${dtype}: all ${2 ** bits} bit patterns decode as ONNX Runtime casts them`, async (t) => {
    const { count, bytes } = allPatterns(bits);
    const want = await ortCast(dtype, count, bytes, opset);
    if (typeof want === 'string') {
      t.skip(`this ONNX Runtime cannot cast ${dtype}: ${want.slice(0, 120)}`);
      return;
    }
    const got = decodeValues(dtype, bytes, count);
    assert.equal(got.length, count);
    for (let i = 0; i < count; i++) {
      const a = got[i];
      const b = want[i];
      assert.ok(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)) || a === b, `${dtype} pattern ${i}: ours ${a}, ORT ${b}`);
    }
    // The same bytes survive our writer and reader unchanged.
    const back = readOnnx(encodeModel(castModel(dtype, count, bytes, opset))).graph.initializers.get('w')!;
    assert.deepEqual([...back.bytes()], [...bytes]);
  });
}

test('int64 and uint64 decode exactly up to 2^53, with sign', () => {
  const v = new BigInt64Array([0n, -1n, 9007199254740991n, -9007199254740991n, 123456789012n]);
  const got = decodeValues('int64', new Uint8Array(v.buffer), 5);
  assert.deepEqual(Array.from(got), [0, -1, 9007199254740991, -9007199254740991, 123456789012]);
  const u = new BigUint64Array([18446744073709551615n, 4294967296n]);
  assert.deepEqual(Array.from(decodeValues('uint64', new Uint8Array(u.buffer), 2)), [18446744073709551615, 4294967296]);
});

test('unaligned raw bytes still decode (copied to an aligned buffer)', () => {
  const buf = new Uint8Array(9);
  new DataView(buf.buffer).setFloat32(1, 1.5, true);
  new DataView(buf.buffer).setFloat32(5, -2.25, true);
  assert.deepEqual(Array.from(decodeValues('float32', buf.subarray(1), 2)), [1.5, -2.25]);
});

test('too few bytes for the element count is a ModelError', () => {
  assert.throws(() => decodeValues('float32', new Uint8Array(7), 2), { name: 'ModelError' });
});

test('float4e2m1 matches the value table of the ONNX spec (docs/technical/float4.md), which ORT cannot cast yet', () => {
  // S.EE.M: 0, 0.5, 1, 1.5, 2, 3, 4, 6 and their negatives.
  const table = [0, 0.5, 1, 1.5, 2, 3, 4, 6, -0, -0.5, -1, -1.5, -2, -3, -4, -6];
  const { count, bytes } = allPatterns(4);
  assert.deepEqual(Array.from(decodeValues('float4e2m1', bytes, count)), table);
});
