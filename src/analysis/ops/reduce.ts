import type { Shape } from '../../ir/types';
import { normAxis } from '../context';
import { registerRule, type RuleContext } from '../registry';
import { axesFrom, NONE } from './common';

/**
 * Reductions (ai.onnx): Reduce*, ArgMax/ArgMin, TopK. 0 MACs (no weight multiply, see docs/figures.md).
 * Axes come from the attribute (before opset 13 for ReduceSum, 18 for the rest) or input 1.
 */

function reducedShape(ctx: RuleContext, x: Shape, axes: number[] | undefined, keep: boolean): Shape {
  const noop = ctx.int('noop_with_empty_axes', 0) === 1;
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

registerRule('', REDUCE, {
  infer: (ctx) => {
    const x = ctx.shape(0);
    const shape = reducedShape(ctx, x, axesFrom(ctx, 1), ctx.int('keepdims', 1) === 1);
    let value: number[] | undefined;
    const v = ctx.value(0);
    // Shape arithmetic sometimes multiplies a Shape slice down to one number.
    if (v && x.length <= 1 && shape.every((d) => d === 1) && (ctx.node.opType === 'ReduceProd' || ctx.node.opType === 'ReduceSum')) {
      value = [ctx.node.opType === 'ReduceProd' ? v.reduce((a, b) => a * b, 1) : v.reduce((a, b) => a + b, 0)];
    }
    return [{ dtype: ctx.dtype(0), shape, value }];
  },
  roles: () => ['data', 'config'],
  spatial: () => NONE,
});

registerRule('', ['ArgMax', 'ArgMin'], {
  infer: (ctx) => {
    const x = ctx.shape(0);
    const axis = normAxis(ctx, ctx.int('axis', 0), x.length);
    return [{ dtype: 'int64', shape: reducedShape(ctx, x, [axis], ctx.int('keepdims', 1) === 1) }];
  },
  spatial: () => NONE,
});

registerRule('', ['TopK'], {
  // K: attribute before opset 10, else input 1.
  infer: (ctx) => {
    const x = ctx.shape(0);
    const axis = normAxis(ctx, ctx.int('axis', -1), x.length);
    const k = ctx.opset < 10 ? ctx.int('k', -1) : ctx.value(1)?.[0] ?? ctx.fail('the K input is not a constant the analysis can fold');
    if (k < 0) ctx.fail('TopK has no k');
    if (typeof x[axis] === 'number' && k > (x[axis] as number)) ctx.fail(`K = ${k} exceeds axis ${axis} of size ${x[axis]}`);
    const shape = x.map((d, i) => (i === axis ? k : d));
    return [{ dtype: ctx.dtype(0), shape }, { dtype: 'int64', shape }];
  },
  roles: () => ['data', 'config'],
  spatial: () => NONE,
});
