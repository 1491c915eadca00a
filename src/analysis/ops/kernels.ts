import type { Dim } from '../../ir/types';
import type { RuleContext } from '../registry';

/**
 * Index arithmetic shared by the evaluators (constant folding, see ../fold.ts). Elements are Dims:
 * data-movement ops carry symbolic shape elements through unchanged; arithmetic reads numbers.
 * The engine calls evaluators only with concrete input shapes and small outputs.
 */

/** Elements of one evaluated output, or undefined where this op cannot compute them. */
export type Elems = Dim[] | undefined;

/** Concrete shape of input i (the engine evaluates only when every input shape is concrete). */
export function dimsOf(ctx: RuleContext, i: number): number[] {
  return ctx.shape(i) as number[];
}

/** Concrete shape of output i. */
export function outShape(outs: readonly { shape: Dim[] | null }[], i = 0): number[] {
  return outs[i].shape as number[];
}

/** Elements of input i (symbolic dims kept), or undefined. */
export function elems(ctx: RuleContext, i: number): Dim[] | undefined {
  return ctx.shapeValue(i);
}

/** Numeric elements of input i; undefined when absent or symbolic. */
export function nums(ctx: RuleContext, i: number): number[] | undefined {
  return ctx.value(i);
}

export function product(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function rowStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Calls f with every multi-index of `shape` in row-major order; collects the results. */
export function byIndex<T>(shape: readonly number[], f: (idx: number[]) => T): T[] {
  const n = product(shape);
  const out = new Array<T>(n);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    out[k] = f(idx);
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
  return out;
}

/** Flat offsets into a tensor of shape `s` for every element of `out` it broadcasts to (numpy rules). */
export function broadcastOffsets(s: readonly number[], out: readonly number[]): number[] {
  const st = rowStrides(s);
  const shift = out.length - s.length;
  return byIndex(out, (idx) => {
    let off = 0;
    for (let a = 0; a < s.length; a++) if (s[a] !== 1) off += idx[a + shift] * st[a];
    return off;
  });
}

/** Elementwise f over broadcast inputs; undefined when f gives undefined for any element. */
export function mapBroadcast(
  shapes: readonly number[][],
  values: readonly Dim[][],
  out: readonly number[],
  f: (xs: Dim[]) => Dim | undefined,
): Dim[] | undefined {
  const offs = shapes.map((s) => broadcastOffsets(s, out));
  const n = product(out);
  const res = new Array<Dim>(n);
  const xs = new Array<Dim>(values.length);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < values.length; j++) xs[j] = values[j][offs[j][k]];
    const r = f(xs);
    if (r === undefined) return undefined;
    res[k] = r;
  }
  return res;
}

/** Normalises a possibly negative axis (the rule has validated it already). */
export function axisOf(a: number, rank: number): number {
  return a < 0 ? a + rank : a;
}

/** numpy's take along one axis, with flat indices of any shape; undefined for an index out of range. */
export function takeAlong(x: readonly number[], src: readonly Dim[], axis: number, idx: readonly number[]): Dim[] | undefined {
  const outer = product(x.slice(0, axis));
  const inner = product(x.slice(axis + 1));
  const out: Dim[] = [];
  for (let o = 0; o < outer; o++) {
    for (const raw of idx) {
      const i = raw < 0 ? raw + x[axis] : raw;
      if (i < 0 || i >= x[axis]) return undefined;
      for (let k = 0; k < inner; k++) out.push(src[(o * x[axis] + i) * inner + k]);
    }
  }
  return out;
}
