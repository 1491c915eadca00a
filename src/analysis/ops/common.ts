import type { DType, Shape } from '../../ir/types';
import { broadcastDim, formatShape } from '../dims';
import type { RuleContext, SpatialEffect } from '../registry';

/** Largest constant the engine folds (elements); bigger constants keep only shape and dtype. */
export const FOLD_LIMIT = 65536;

/** numpy broadcasting of any number of shapes; fails with the two shapes that disagree. */
export function broadcastShapes(ctx: RuleContext, shapes: Shape[]): Shape {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: Shape = new Array(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const oi = rank - s.length + i;
      const d = broadcastDim(out[oi], s[i]);
      if (d === null) {
        const channelAxis = rank >= 3 && oi === 1;
        ctx.fail(
          `shapes ${shapes.map(formatShape).join(' and ')} cannot broadcast: axis ${oi} has ${out[oi]} vs ${s[i]}` +
            (channelAxis ? ' (channel counts disagree)' : ''),
          channelAxis ? 'channel-mismatch' : 'cannot-infer',
        );
      }
      out[oi] = d as Shape[number];
    }
  }
  return out;
}

/** Bits of the integer types that wrap around (int64/uint64 values beyond 2^53 are inexact anyway). */
const INT_BITS: Partial<Record<DType, [number, boolean]>> = {
  int8: [8, true], uint8: [8, false], int16: [16, true], uint16: [16, false], int32: [32, true], uint32: [32, false],
  int4: [4, true], uint4: [4, false], int2: [2, true], uint2: [2, false],
};

function wrapInt(v: number, bits: number, signed: boolean): number {
  const m = 2 ** bits;
  let r = ((Math.trunc(v) % m) + m) % m;
  if (signed && r >= m / 2) r -= m;
  return r;
}

/** Rounds to a binary float with `mant` stored mantissa bits and smallest normal exponent `emin`
 * (round half to even, overflow to infinity): float16 and bfloat16 values as stored. */
function roundFloat(v: number, mant: number, emin: number, max: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  const a = Math.abs(v);
  let e = Math.max(emin, Math.floor(Math.log2(a)));
  if (e > emin && 2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  const q = 2 ** (e - mant);
  const t = a / q;
  let r = Math.round(t);
  if (Math.abs(t % 1) === 0.5 && r % 2 !== 0) r -= 1;
  const out = r * q;
  return Math.sign(v) * (out > max ? Infinity : out);
}

/** Rounds folded values the way the dtype stores them: integers truncate toward zero and wrap
 * around their width, float32/float16/bfloat16 round to nearest even, bool is 0 or 1. */
export function castValues(values: number[], to: DType): number[] {
  if (to === 'bool') return values.map((v) => (v ? 1 : 0));
  const bits = INT_BITS[to];
  if (bits) return values.map((v) => wrapInt(v, bits[0], bits[1]));
  if (to === 'int64' || to === 'uint64') return values.map((v) => (Number.isFinite(v) ? Math.trunc(v) : v));
  if (to === 'float32') return values.map((v) => Math.fround(v));
  if (to === 'float16') return values.map((v) => roundFloat(v, 10, -14, 65504));
  if (to === 'bfloat16') return values.map((v) => roundFloat(Math.fround(v), 7, -126, 3.3895313892515355e38));
  return values;
}

/** Spatial axes of an NCHW-style tensor: all but batch and channel. */
export function spatialRank(shape: Shape): number {
  return Math.max(0, shape.length - 2);
}

export const PASS: SpatialEffect = { kind: 'pass' };
export const NONE: SpatialEffect = { kind: 'none' };

/** ONNX TensorProto.DataType enum to DType. */
const ONNX_DTYPES: Record<number, DType> = {
  0: 'undefined', 1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string',
  9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 14: 'complex64', 15: 'complex128', 16: 'bfloat16',
  17: 'float8e4m3fn', 18: 'float8e4m3fnuz', 19: 'float8e5m2', 20: 'float8e5m2fnuz', 21: 'uint4', 22: 'int4',
  23: 'float4e2m1', 24: 'float8e8m0', 25: 'uint2', 26: 'int2',
};

export function onnxDType(ctx: RuleContext, code: number): DType {
  const t = ONNX_DTYPES[code];
  if (!t) ctx.fail(`unknown ONNX data type ${code}`);
  return t as DType;
}

/** Axes given as an attribute (older opsets) or as input `inputIndex` (newer); undefined when neither. */
export function axesFrom(ctx: RuleContext, inputIndex: number): number[] | undefined {
  const a = ctx.ints('axes');
  if (a) return a;
  if (ctx.inputs[inputIndex]) {
    const v = ctx.value(inputIndex);
    if (!v) ctx.fail(`the axes input '${ctx.node.inputs[inputIndex]}' is not a constant`);
    return v;
  }
  return undefined;
}
