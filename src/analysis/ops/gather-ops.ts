import { normAxis } from '../context';
import { registerRule, type RuleContext } from '../registry';
import { axisOf, byIndex, dimsOf, elems, nums, outShape, product, takeAlong } from './kernels';

/** Ops that pick or write elements by index (ai.onnx): Gather, GatherElements, GatherND, ScatterND,
 * ScatterElements. 0 MACs. Out-of-range indices found while folding are reported on the node. */

registerRule('', ['Gather'], {
  // out shape = x[:axis] + indices.shape + x[axis+1:]
  infer: (ctx) => {
    const x = ctx.shape(0);
    const ind = ctx.shape(1);
    const axis = normAxis(ctx, ctx.int('axis'), x.length);
    return [{ dtype: ctx.dtype(0), shape: [...x.slice(0, axis), ...ind, ...x.slice(axis + 1)] }];
  },
  evaluate: (ctx) => {
    const x = dimsOf(ctx, 0);
    const axis = axisOf(ctx.int('axis'), x.length);
    const idx = nums(ctx, 1);
    if (!idx) return [undefined];
    return [takeAlong(x, elems(ctx, 0) ?? [], axis, idx) ?? outOfRange(ctx, idx, x[axis], axis)];
  },
  // An embedding table (a constant float input 0) is a weight; the indices are data.
  roles: (ctx) => [ctx.inputs[0]?.constant && ctx.dtype(0).startsWith('float') ? 'weight' : 'data', 'data'],
});

function outOfRange(ctx: RuleContext, idx: number[], size: number, axis: number): never {
  const bad = idx.find((i) => i < -size || i >= size);
  return ctx.fail(`index ${bad} is out of range for axis ${axis} of size ${size}`);
}

/** Flat offset of a multi-index given per axis by `at`. */
function offsetOf(shape: readonly number[], at: (a: number) => number): number {
  let off = 0;
  let acc = 1;
  for (let a = shape.length - 1; a >= 0; a--) {
    off += at(a) * acc;
    acc *= shape[a];
  }
  return off;
}

registerRule('', ['GatherElements'], {
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: ctx.shape(1) }],
  evaluate: (ctx, outs) => {
    const x = dimsOf(ctx, 0);
    const v = elems(ctx, 0) ?? [];
    const ind = nums(ctx, 1);
    const axis = axisOf(ctx.int('axis'), x.length);
    if (!ind) return [undefined];
    let k = 0;
    return [
      byIndex(outShape(outs), (idx) => {
        const raw = ind[k++];
        const i = raw < 0 ? raw + x[axis] : raw;
        if (i < 0 || i >= x[axis]) outOfRange(ctx, [raw], x[axis], axis);
        return v[offsetOf(x, (a) => (a === axis ? i : idx[a]))];
      }),
    ];
  },
});

/** GatherND/ScatterND index tuples: for each of the leading positions of `indices`, the data
 * offset its last-axis tuple points at (batch_dims leading axes shared). */
function ndOffsets(ctx: RuleContext, x: number[], q: number[], ind: number[], batch: number): { starts: number[]; inner: number } {
  const m = q[q.length - 1];
  const inner = product(x.slice(batch + m));
  const count = product(q.slice(0, -1));
  const perBatch = count / Math.max(1, product(q.slice(0, batch)));
  const starts: number[] = [];
  for (let t = 0; t < count; t++) {
    const b = Math.floor(t / perBatch);
    let off = b;
    for (let j = 0; j < m; j++) {
      const size = x[batch + j];
      let i = ind[t * m + j];
      if (i < 0) i += size;
      if (i < 0 || i >= size) outOfRange(ctx, [ind[t * m + j]], size, batch + j);
      off = off * size + i;
    }
    starts.push(off * inner);
  }
  return { starts, inner };
}

registerRule('', ['GatherND'], {
  // out = indices.shape[:-1] + data.shape[batch_dims + indices.shape[-1]:]
  infer: (ctx) => {
    const x = ctx.shape(0);
    const q = ctx.shape(1);
    const b = ctx.int('batch_dims');
    const m = q[q.length - 1];
    if (typeof m !== 'number') return ctx.fail('the last axis of the indices must be known');
    if (b + m > x.length) ctx.fail(`batch_dims ${b} + index length ${m} exceed the data rank ${x.length}`);
    return [{ dtype: ctx.dtype(0), shape: [...q.slice(0, -1), ...x.slice(b + m)] }];
  },
  evaluate: (ctx) => {
    const v = elems(ctx, 0) ?? [];
    const ind = nums(ctx, 1);
    if (!ind) return [undefined];
    const { starts, inner } = ndOffsets(ctx, dimsOf(ctx, 0), dimsOf(ctx, 1), ind, ctx.int('batch_dims'));
    return [starts.flatMap((s) => v.slice(s, s + inner))];
  },
});

type Reduction = (a: number, b: number) => number;
const REDUCTIONS: Record<string, Reduction | undefined> = {
  none: undefined, add: (a, b) => a + b, mul: (a, b) => a * b, max: Math.max, min: Math.min,
};

registerRule('', ['ScatterND'], {
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: ctx.shape(0) }],
  evaluate: (ctx) => {
    const v = nums(ctx, 0);
    const ind = nums(ctx, 1);
    const upd = nums(ctx, 2);
    if (!v || !ind || !upd) return [undefined];
    const red = REDUCTIONS[ctx.str('reduction')];
    const out = [...v];
    const { starts, inner } = ndOffsets(ctx, dimsOf(ctx, 0), dimsOf(ctx, 1), ind, 0);
    starts.forEach((s, t) => {
      for (let k = 0; k < inner; k++) out[s + k] = red ? red(out[s + k], upd[t * inner + k]) : upd[t * inner + k];
    });
    return [out];
  },
});

registerRule('', ['ScatterElements', 'Scatter'], {
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: ctx.shape(0) }],
  evaluate: (ctx) => {
    const x = dimsOf(ctx, 0);
    const v = nums(ctx, 0);
    const ind = nums(ctx, 1);
    const upd = nums(ctx, 2);
    if (!v || !ind || !upd) return [undefined];
    const axis = axisOf(ctx.int('axis'), x.length);
    const red = REDUCTIONS[ctx.str('reduction')];
    const out = [...v];
    let k = 0;
    byIndex(dimsOf(ctx, 1), (idx) => {
      const raw = ind[k];
      const i = raw < 0 ? raw + x[axis] : raw;
      if (i < 0 || i >= x[axis]) outOfRange(ctx, [raw], x[axis], axis);
      const off = offsetOf(x, (a) => (a === axis ? i : idx[a]));
      out[off] = red ? red(out[off], upd[k]) : upd[k];
      k++;
    });
    return [out];
  },
});

