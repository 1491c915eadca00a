import type { Shape } from '../../ir/types';
import { registerRule, type RuleContext } from '../registry';
import { spatialRank } from './common';
import { nodeWindow, readWindow, windowEffect, windowOutput, type WindowParams } from './window';

/**
 * Pooling (ai.onnx). MACs are 0 for every pooling op: they compare or add but do not multiply
 * by learned weights (see docs/figures.md).
 */

function poolParams(ctx: RuleContext): { x: Shape; w: WindowParams } {
  const x = ctx.shape(0);
  if (x.length < 3) ctx.fail(`${ctx.node.opType} input must have rank ≥ 3 (N, C, spatial…), got rank ${x.length}`);
  const k = ctx.ints('kernel_shape');
  if (!k) ctx.fail(`${ctx.node.opType} has no kernel_shape attribute`);
  return { x, w: readWindow(ctx, spatialRank(x), k as number[]) };
}

function poolShape(ctx: RuleContext): Shape {
  const { x, w } = poolParams(ctx);
  return [x[0], x[1], ...windowOutput(ctx, x.slice(2), w)];
}

const windowSpatial = (ctx: RuleContext) => windowEffect(poolParams(ctx).w);

const poolWindow = (ctx: RuleContext, [y]: readonly { shape: Shape | null }[]) => {
  const { x, w } = poolParams(ctx);
  return nodeWindow(w, x.slice(2), y.shape?.slice(2));
};

registerRule('', ['MaxPool'], {
  // Y, and (opset 8+) the optional int64 Indices of the same shape.
  infer: (ctx) => {
    const shape = poolShape(ctx);
    const outs = [{ dtype: ctx.dtype(0), shape }];
    if (ctx.node.outputs.length > 1) outs.push({ dtype: 'int64', shape });
    return outs;
  },
  spatial: windowSpatial,
  window: poolWindow,
});

registerRule('', ['AveragePool', 'LpPool'], {
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: poolShape(ctx) }],
  spatial: windowSpatial,
  window: poolWindow,
});

/** Global pooling: one value per channel; its window is the whole input. */
registerRule('', ['GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool'], {
  infer: (ctx) => {
    const x = ctx.shape(0);
    if (x.length < 3) ctx.fail(`${ctx.node.opType} input must have rank ≥ 3, got rank ${x.length}`);
    return [{ dtype: ctx.dtype(0), shape: [x[0], x[1], ...x.slice(2).map(() => 1)] }];
  },
  spatial: (ctx) => {
    const sp = ctx.shape(0).slice(2);
    if (sp.some((d) => typeof d !== 'number')) return { kind: 'none' };
    const kernel = sp as number[];
    return { kind: 'window', kernel, stride: kernel.map(() => 1), dilation: kernel.map(() => 1) };
  },
});

/** MaxRoiPool / MaxUnpool are rare in CNN exports; MaxUnpool's size follows its output_shape input. */
registerRule('', ['MaxUnpool'], {
  infer: (ctx) => {
    const x = ctx.shape(0);
    const explicit = ctx.value(2);
    if (explicit) return [{ dtype: ctx.dtype(0), shape: explicit }];
    const k = ctx.ints('kernel_shape') ?? ctx.fail('MaxUnpool has no kernel_shape attribute');
    const nsp = x.length - 2;
    const s = ctx.ints('strides') ?? new Array(nsp).fill(1);
    const p = ctx.ints('pads') ?? new Array(2 * nsp).fill(0);
    // out = (in − 1)·s + k − pad_begin − pad_end
    const sp = x.slice(2).map((d, i) => (typeof d === 'number' ? (d - 1) * s[i] + k[i] - p[i] - p[i + nsp] : ctx.fail('symbolic MaxUnpool input')));
    return [{ dtype: ctx.dtype(0), shape: [x[0], x[1], ...sp] }];
  },
  roles: () => ['data', 'data', 'config'],
});
