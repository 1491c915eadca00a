import type { Dim, Shape } from '../../ir/types';
import { add, maxDim, minDim, mul } from '../dims';
import { normAxis } from '../context';
import { registerRule, type RuleContext } from '../registry';
import { axesFrom, NONE } from './common';
import { axisOf, byIndex, dimsOf, elems, nums, outShape, product, rowStrides } from './kernels';

/**
 * Reductions (ai.onnx): Reduce*, ArgMax/ArgMin, TopK. 0 MACs (no weight multiply, see docs/figures.md).
 * Axes come from the attribute (before opset 13 for ReduceSum, 18 for the rest) or input 1.
 */

/** noop: noop_with_empty_axes (Reduce ops only): no axes then means no reduction. */
function reducedShape(ctx: RuleContext, x: Shape, axes: number[] | undefined, keep: boolean, noop = false): Shape {
  if ((!axes || axes.length === 0) && noop) return x;
  const all = !axes || axes.length === 0;
  const set = new Set((axes ?? []).map((a) => normAxis(ctx, a, x.length)));
  const out: Shape = [];
  x.forEach((d, i) => {
    if (all || set.has(i)) {
      if (keep) out.push(1);
    } else out.push(d);
  });
  return out;
}

const REDUCE = ['ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2',
  'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare'];

/** How each reduction starts, adds one element, and finishes (n: elements reduced). Sum, Prod,
 * Max and Min work on symbolic shape elements too (shape arithmetic reduces a Shape slice). */
interface Reducer {
  init: Dim;
  step: (acc: Dim, x: Dim) => Dim | undefined;
  done?: (acc: number, n: number) => number;
}
const num = (f: (a: number, x: number) => number) => (a: Dim, x: Dim) => (typeof a === 'number' && typeof x === 'number' ? f(a, x) : undefined);
const REDUCERS: Record<string, Reducer> = {
  ReduceSum: { init: 0, step: add },
  ReduceProd: { init: 1, step: mul },
  ReduceMax: { init: -Infinity, step: (a, x) => (a === -Infinity ? x : maxDim(a, x)) },
  ReduceMin: { init: Infinity, step: (a, x) => (a === Infinity ? x : minDim(a, x)) },
  ReduceMean: { init: 0, step: num((a, x) => a + x), done: (a, n) => a / n },
  ReduceL1: { init: 0, step: num((a, x) => a + Math.abs(x)) },
  ReduceL2: { init: 0, step: num((a, x) => a + x * x), done: Math.sqrt },
  ReduceSumSquare: { init: 0, step: num((a, x) => a + x * x) },
  ReduceLogSum: { init: 0, step: num((a, x) => a + x), done: Math.log },
  ReduceLogSumExp: { init: 0, step: num((a, x) => a + Math.exp(x)), done: Math.log },
};

registerRule('', REDUCE, {
  infer: (ctx) => {
    const x = ctx.shape(0);
    const noop = ctx.int('noop_with_empty_axes') === 1;
    return [{ dtype: ctx.dtype(0), shape: reducedShape(ctx, x, axesFrom(ctx, 1), ctx.int('keepdims') === 1, noop) }];
  },
  evaluate: (ctx, outs) => {
    const x = dimsOf(ctx, 0);
    const v = elems(ctx, 0) ?? [];
    const axes = axesFrom(ctx, 1);
    if ((!axes || axes.length === 0) && ctx.int('noop_with_empty_axes') === 1) return [v];
    const set = new Set((axes && axes.length ? axes : x.map((_, i) => i)).map((a) => axisOf(a, x.length)));
    const r = REDUCERS[ctx.node.opType];
    // Output offset of every input element: the kept axes' indices in the output's row-major order.
    const kept = x.map((d, a) => (set.has(a) ? 1 : d));
    const st = rowStrides(kept);
    // null: nothing reduced yet (so max over ['N', 3] is max(N,3), not max(-Infinity,N,3)).
    const acc: (Dim | null | undefined)[] = new Array(product(kept)).fill(null);
    let k = 0;
    byIndex(x, (idx) => {
      let off = 0;
      for (let a = 0; a < idx.length; a++) if (!set.has(a)) off += idx[a] * st[a];
      const cur = acc[off];
      acc[off] = cur === undefined ? undefined : cur === null ? r.step(r.init, v[k]) : r.step(cur, v[k]);
      k++;
    });
    if (acc.length !== product(outShape(outs)) || acc.some((a) => a === undefined)) return [undefined];
    for (let i = 0; i < acc.length; i++) if (acc[i] === null) acc[i] = r.init;
    const n = product(x) / Math.max(1, acc.length);
    const done = r.done;
    return [done ? (acc as number[]).map((a) => done(a, n)) : (acc as Dim[])];
  },
  roles: () => ['data', 'config'],
  spatial: () => NONE,
});

registerRule('', ['ArgMax', 'ArgMin'], {
  infer: (ctx) => {
    const x = ctx.shape(0);
    const axis = normAxis(ctx, ctx.int('axis'), x.length);
    return [{ dtype: 'int64', shape: reducedShape(ctx, x, [axis], ctx.int('keepdims') === 1) }];
  },
  evaluate: (ctx) => {
    const x = dimsOf(ctx, 0);
    const v = nums(ctx, 0);
    if (!v) return [undefined];
    const axis = axisOf(ctx.int('axis'), x.length);
    const last = ctx.int('select_last_index') === 1;
    const max = ctx.node.opType === 'ArgMax';
    return [alongAxis(x, v, axis, (line) => {
      let best = 0;
      for (let i = 1; i < line.length; i++) {
        const a = line[i];
        const b = line[best];
        if ((max ? a > b : a < b) || (last && a === b)) best = i;
      }
      return [best];
    })];
  },
  spatial: () => NONE,
});

registerRule('', ['TopK'], {
  // K: attribute before opset 10, else input 1.
  infer: (ctx) => {
    const x = ctx.shape(0);
    const axis = normAxis(ctx, ctx.int('axis'), x.length);
    const k = ctx.opset < 10 ? ctx.int('k', -1) : ctx.value(1)?.[0] ?? ctx.fail('the K input is not a constant the analysis can fold');
    if (k < 0) ctx.fail('TopK has no k');
    if (typeof x[axis] === 'number' && k > (x[axis] as number)) ctx.fail(`K = ${k} exceeds axis ${axis} of size ${x[axis]}`);
    const shape = x.map((d, i) => (i === axis ? k : d));
    return [{ dtype: ctx.dtype(0), shape }, { dtype: 'int64', shape }];
  },
  // Sorted output; equal values keep the lower index first (the ONNX rule). Unsorted is left unknown.
  evaluate: (ctx, outs) => {
    const x = dimsOf(ctx, 0);
    const v = nums(ctx, 0);
    if (!v || ctx.int('sorted') !== 1) return [undefined, undefined];
    const axis = axisOf(ctx.int('axis'), x.length);
    const k = outShape(outs)[axis];
    const largest = ctx.int('largest') === 1;
    const top = (line: number[]) =>
      line.map((_, i) => i).sort((a, b) => (largest ? line[b] - line[a] : line[a] - line[b]) || a - b).slice(0, k);
    return [alongAxis(x, v, axis, (line) => top(line).map((i) => line[i])), alongAxis(x, v, axis, top)];
  },
  roles: () => ['data', 'config'],
  spatial: () => NONE,
});

/** Runs f on every line of x along axis; f returns that line's results, which take the axis's
 * place in the output (x's shape with the axis replaced by the results' length). */
function alongAxis(x: number[], v: number[], axis: number, f: (line: number[]) => number[]): number[] {
  const outer = product(x.slice(0, axis));
  const n = x[axis];
  const inner = product(x.slice(axis + 1));
  const results: number[][] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const line = new Array<number>(n);
      for (let t = 0; t < n; t++) line[t] = v[(o * n + t) * inner + i];
      results.push(f(line));
    }
  }
  const m = results[0]?.length ?? 0;
  const out = new Array<number>(outer * m * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) for (let i = 0; i < inner; i++) out[(o * m + j) * inner + i] = results[o * inner + i][j];
  }
  return out;
}
