import type { DType, Shape } from '../../ir/types';
import { broadcastDim, formatShape, numel } from '../dims';
import type { RuleContext, SpatialEffect } from '../registry';

/** Largest constant the engine folds (elements); bigger constants keep only shape and dtype. */
export const FOLD_LIMIT = 4096;

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

/** Row-major strides of a numeric shape. */
export function strides(shape: number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Numeric shape or null when any dim is symbolic. */
export function concrete(shape: Shape | null): number[] | null {
  if (!shape) return null;
  return shape.every((d) => typeof d === 'number') ? (shape as number[]) : null;
}

/** Elementwise op on folded values with broadcasting; undefined when any input lacks values. */
export function foldBroadcast(
  shapes: Shape[],
  values: (number[] | undefined)[],
  outShape: Shape,
  f: (xs: number[]) => number,
): number[] | undefined {
  const out = concrete(outShape);
  if (!out || values.some((v) => v === undefined)) return undefined;
  const n = numel(out) ?? 0;
  if (n > FOLD_LIMIT) return undefined;
  const ins = shapes.map((s) => concrete(s));
  if (ins.some((s) => s === null)) return undefined;
  const outStrides = strides(out);
  const inStrides = ins.map((s) => {
    const st = strides(s as number[]);
    // Broadcast axes (size 1) step 0; align to the right.
    return out.map((_, oi) => {
      const i = oi - (out.length - (s as number[]).length);
      return i < 0 || (s as number[])[i] === 1 ? 0 : st[i];
    });
  });
  const res = new Array<number>(n);
  const xs = new Array<number>(values.length);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < values.length; j++) {
      let off = 0;
      let rem = k;
      for (let a = 0; a < out.length; a++) {
        const idx = Math.floor(rem / outStrides[a]);
        rem -= idx * outStrides[a];
        off += idx * inStrides[j][a];
      }
      xs[j] = (values[j] as number[])[off];
    }
    res[k] = f(xs);
  }
  return res;
}

/** Rounds folded values the way the dtype stores them (integers truncate). */
export function castValues(values: number[], to: DType): number[] {
  if (to === 'bool') return values.map((v) => (v ? 1 : 0));
  if (/^u?int/.test(to)) return values.map((v) => Math.trunc(v));
  if (to === 'float32') return values.map((v) => Math.fround(v));
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
