import type { Dim, Shape } from '../../../ir/types';
import { add, mul, sub } from '../../dims';
import { registerRule, type RuleContext } from '../../registry';
import { prod, windowFormula, windowOutput, type WindowParams } from '../window';
import { channelAxis, kerasWindow, spatialAxes, tuple, windowEffect, withSpatial } from './layout';
import { kerasParams } from './params';
import { MAX_SIZE } from '../../guard';
import { convRank } from './weights';

/** Keras convolutions, channels-last unless data_format says otherwise: Conv1D/2D/3D (groups),
 * DepthwiseConv1D/2D, SeparableConv1D/2D, Conv1D/2D/3DTranspose. */

interface Conv {
  x: Shape;
  n: number;
  cin: Dim;
  w: WindowParams;
}

function conv(ctx: RuleContext): Conv {
  const x = ctx.shape(0);
  const n = convRank(ctx.node.opType);
  if (x.length !== n + 2) ctx.fail(`${ctx.node.opType} expects a rank-${n + 2} input (batch, ${n} spatial axes, channels), got shape [${x.join(', ')}]`);
  const kernel = tuple(ctx, 'kernel_size', n, ctx.attr('kernel_size') === undefined ? ctx.fail(`${ctx.node.opType} needs kernel_size`) : 1);
  const strides = tuple(ctx, 'strides', n, 1);
  const dilation = tuple(ctx, 'dilation_rate', n, 1);
  return { x, n, cin: x[channelAxis(ctx.node.attributes, x.length)], w: kerasWindow(ctx, n, kernel, strides, dilation) };
}

function spatialIn(ctx: RuleContext, c: Conv): Dim[] {
  return spatialAxes(ctx.node.attributes, c.x.length).map((a) => c.x[a]);
}

function filters(ctx: RuleContext): number {
  const f = ctx.int('filters', 0);
  if (!Number.isInteger(f) || f < 1 || f > MAX_SIZE) ctx.fail(`${ctx.node.opType} needs 'filters' as a positive integer, got ${JSON.stringify(ctx.attr('filters'))}`);
  return f;
}

function formulas(ctx: RuleContext, c: Conv, y: Shape | null): string[] {
  const axes = spatialAxes(ctx.node.attributes, c.x.length);
  return axes.map((a, i) => windowFormula(c.n, i, c.x[a], c.w, y?.[a] ?? '?'));
}

const outSpatialProd = (ctx: RuleContext, y: Shape | null): number =>
  y ? prod(spatialAxes(ctx.node.attributes, y.length).map((a) => y[a])) * prod([y[0]]) : 0;

registerRule('keras', ['Conv1D', 'Conv2D', 'Conv3D'], {
  infer: (ctx) => {
    const c = conv(ctx);
    const f = filters(ctx);
    const groups = ctx.int('groups', 1);
    if (typeof c.cin === 'number' && c.cin % groups !== 0) ctx.fail(`${c.cin} input channels are not divisible by groups ${groups}`, 'channel-mismatch');
    if (f % groups !== 0) ctx.fail(`${f} filters are not divisible by groups ${groups}`, 'channel-mismatch');
    return [{ dtype: ctx.dtype(0), shape: withSpatial(ctx.node.attributes, c.x, windowOutput(ctx, spatialIn(ctx, c), c.w), f) }];
  },
  params: kerasParams,
  // MACs = N·∏out_spatial·filters · ∏kernel·Cin/groups
  macs: (ctx, [y]) => {
    const c = conv(ctx);
    return outSpatialProd(ctx, y.shape) * filters(ctx) * prod(c.w.kernel) * prod([c.cin]) / ctx.int('groups', 1);
  },
  spatial: (ctx) => windowEffect(ctx.node.attributes, ctx.shape(0).length, conv(ctx).w),
  formulas: (ctx, [y]) => formulas(ctx, conv(ctx), y.shape),
});

registerRule('keras', ['DepthwiseConv1D', 'DepthwiseConv2D'], {
  infer: (ctx) => {
    const c = conv(ctx);
    const dm = ctx.int('depth_multiplier', 1);
    return [{ dtype: ctx.dtype(0), shape: withSpatial(ctx.node.attributes, c.x, windowOutput(ctx, spatialIn(ctx, c), c.w), mul(c.cin, dm)) }];
  },
  params: kerasParams,
  // MACs = N·∏out_spatial·Cin·depth_multiplier · ∏kernel
  macs: (ctx, [y]) => {
    const c = conv(ctx);
    return outSpatialProd(ctx, y.shape) * prod([c.cin]) * ctx.int('depth_multiplier', 1) * prod(c.w.kernel);
  },
  spatial: (ctx) => windowEffect(ctx.node.attributes, ctx.shape(0).length, conv(ctx).w),
  formulas: (ctx, [y]) => formulas(ctx, conv(ctx), y.shape),
});

registerRule('keras', ['SeparableConv1D', 'SeparableConv2D'], {
  infer: (ctx) => {
    const c = conv(ctx);
    return [{ dtype: ctx.dtype(0), shape: withSpatial(ctx.node.attributes, c.x, windowOutput(ctx, spatialIn(ctx, c), c.w), filters(ctx)) }];
  },
  params: kerasParams,
  // MACs = N·∏out_spatial·Cin·dm·(∏kernel + filters): a depthwise pass, then a 1×1 pointwise pass
  macs: (ctx, [y]) => {
    const c = conv(ctx);
    const mid = prod([c.cin]) * ctx.int('depth_multiplier', 1);
    return outSpatialProd(ctx, y.shape) * mid * (prod(c.w.kernel) + filters(ctx));
  },
  spatial: (ctx) => windowEffect(ctx.node.attributes, ctx.shape(0).length, conv(ctx).w),
  formulas: (ctx, [y]) => formulas(ctx, conv(ctx), y.shape),
});

/** Keras deconv_output_length: valid in·s + max(k_eff − s, 0); same in·s; with output_padding
 * (in − 1)·s + k_eff − 2·pad + output_padding, pad = 0 (valid) or k_eff // 2 (same). */
function transposedSpatial(ctx: RuleContext, c: Conv): Dim[] {
  const p = ctx.attr('padding') ?? 'valid';
  if (p !== 'valid' && p !== 'same') ctx.fail(`${ctx.node.opType} padding must be 'valid' or 'same', got ${JSON.stringify(p)}`);
  const op = ctx.attr('output_padding');
  const outPad = op === undefined || op === null ? null : tuple(ctx, 'output_padding', c.n, 0);
  return spatialIn(ctx, c).map((size, i) => {
    const s = c.w.strides[i];
    const keff = (c.w.kernel[i] - 1) * c.w.dilations[i] + 1;
    if (outPad) {
      const pad = p === 'same' ? Math.floor(keff / 2) : 0;
      return add(mul(sub(size, 1), s), keff - 2 * pad + outPad[i]);
    }
    return p === 'same' ? mul(size, s) : add(mul(size, s), Math.max(keff - s, 0));
  });
}

registerRule('keras', ['Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose'], {
  infer: (ctx) => {
    const c = conv(ctx);
    return [{ dtype: ctx.dtype(0), shape: withSpatial(ctx.node.attributes, c.x, transposedSpatial(ctx, c), filters(ctx)) }];
  },
  params: kerasParams,
  // MACs = N·∏in_spatial·Cin · ∏kernel·filters (every input pixel is scattered through the kernel)
  macs: (ctx) => {
    const c = conv(ctx);
    return prod([c.x[0], ...spatialIn(ctx, c), c.cin]) * prod(c.w.kernel) * filters(ctx);
  },
  spatial: (ctx) => {
    const c = conv(ctx);
    return { kind: 'transposed', kernel: c.w.kernel, stride: c.w.strides, dilation: c.w.dilations, axes: spatialAxes(ctx.node.attributes, c.x.length) };
  },
});
