import type { Dim, Shape } from '../../../ir/types';
import { mul } from '../../dims';
import { registerRule, type RuleContext } from '../../registry';
import type { NodeWindow } from '../../window/geometry';
import { nodeWindow, prod, windowOutput, type WindowParams } from '../window';
import { channelAxis, checkSizes, kerasWindow, spatialAxes, tuple, windowEffect, withSpatial } from './layout';
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
  const transposed = /Transpose$/.test(ctx.node.opType);
  const w = kerasWindow(ctx, n, kernel, strides, dilation, transposed ? 'transposed' : 'window');
  if (transposed) {
    w.keras = true;
    const op = ctx.attr('output_padding');
    if (op !== undefined && op !== null) w.outputPadding = checkSizes(ctx, 'output_padding', tuple(ctx, 'output_padding', n, 0), 0);
  }
  return { x, n, cin: x[channelAxis(ctx.node.attributes, x.length)], w };
}

function groupsOf(ctx: RuleContext): number {
  const g = ctx.int('groups', 1);
  if (!Number.isSafeInteger(g) || g < 1) ctx.fail(`'groups' must be a positive integer, got ${JSON.stringify(ctx.attr('groups'))}`);
  return g;
}

function spatialIn(ctx: RuleContext, c: Conv): Dim[] {
  return spatialAxes(ctx.node.attributes, c.x.length).map((a) => c.x[a]);
}

function filters(ctx: RuleContext): number {
  const f = ctx.int('filters', 0);
  if (!Number.isInteger(f) || f < 1 || f > MAX_SIZE) ctx.fail(`${ctx.node.opType} needs 'filters' as a positive integer, got ${JSON.stringify(ctx.attr('filters'))}`);
  return f;
}

function depthMultiplier(ctx: RuleContext): number {
  const m = ctx.int('depth_multiplier', 1);
  if (!Number.isInteger(m) || m < 1 || m > 2 ** 31 - 1) ctx.fail(`'depth_multiplier' must be a positive integer, got ${JSON.stringify(ctx.attr('depth_multiplier'))}`);
  return m;
}

function convWindow(ctx: RuleContext, y: Shape | null): NodeWindow {
  const c = conv(ctx);
  const axes = spatialAxes(ctx.node.attributes, c.x.length);
  const depthwise = /^Depthwise/.test(ctx.node.opType);
  const outChannels = y ? y[channelAxis(ctx.node.attributes, y.length)] : null;
  return nodeWindow(c.w, axes.map((a) => c.x[a]), y ? axes.map((a) => y[a]) : undefined, { groups: depthwise ? 1 : groupsOf(ctx), depthwise, outChannels });
}

const outSpatialProd = (ctx: RuleContext, y: Shape | null): number =>
  y ? prod(spatialAxes(ctx.node.attributes, y.length).map((a) => y[a])) * prod([y[0]]) : 0;

registerRule('keras', ['Conv1D', 'Conv2D', 'Conv3D'], {
  infer: (ctx) => {
    const c = conv(ctx);
    const f = filters(ctx);
    const groups = groupsOf(ctx);
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
  window: (ctx, [y]) => convWindow(ctx, y.shape),
});

registerRule('keras', ['DepthwiseConv1D', 'DepthwiseConv2D'], {
  infer: (ctx) => {
    const c = conv(ctx);
    const dm = depthMultiplier(ctx);
    return [{ dtype: ctx.dtype(0), shape: withSpatial(ctx.node.attributes, c.x, windowOutput(ctx, spatialIn(ctx, c), c.w), mul(c.cin, dm)) }];
  },
  params: kerasParams,
  // MACs = N·∏out_spatial·Cin·depth_multiplier · ∏kernel
  macs: (ctx, [y]) => {
    const c = conv(ctx);
    return outSpatialProd(ctx, y.shape) * prod([c.cin]) * depthMultiplier(ctx) * prod(c.w.kernel);
  },
  spatial: (ctx) => windowEffect(ctx.node.attributes, ctx.shape(0).length, conv(ctx).w),
  window: (ctx, [y]) => convWindow(ctx, y.shape),
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
    const mid = prod([c.cin]) * depthMultiplier(ctx);
    return outSpatialProd(ctx, y.shape) * mid * (prod(c.w.kernel) + filters(ctx));
  },
  spatial: (ctx) => windowEffect(ctx.node.attributes, ctx.shape(0).length, conv(ctx).w),
  window: (ctx, [y]) => convWindow(ctx, y.shape),
});

registerRule('keras', ['Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose'], {
  infer: (ctx) => {
    const c = conv(ctx);
    return [{ dtype: ctx.dtype(0), shape: withSpatial(ctx.node.attributes, c.x, windowOutput(ctx, spatialIn(ctx, c), c.w), filters(ctx)) }];
  },
  params: kerasParams,
  // MACs = N·∏in_spatial·Cin · ∏kernel·filters (every input pixel is scattered through the kernel)
  macs: (ctx) => {
    const c = conv(ctx);
    return prod([c.x[0], ...spatialIn(ctx, c), c.cin]) * prod(c.w.kernel) * filters(ctx);
  },
  spatial: (ctx) => windowEffect(ctx.node.attributes, ctx.shape(0).length, conv(ctx).w),
  window: (ctx, [y]) => convWindow(ctx, y.shape),
});
