import type { Dim, Shape } from '../../../ir/types';
import { add, mul, sub } from '../../dims';
import { registerRule, type RuleContext } from '../../registry';
import { nodeWindow, windowOutput, type WindowParams } from '../window';
import { channelAxis, kerasWindow, pairs, passEffect, spatialAxes, tuple, windowEffect, withSpatial } from './layout';

/** Keras pooling, padding, cropping and upsampling (1-D/2-D/3-D, channels-last by default). */

function rankOf(opType: string): number {
  const m = /(\d)D$/.exec(opType);
  return m ? Number(m[1]) : 2;
}

function input(ctx: RuleContext): { x: Shape; n: number; spatial: Dim[] } {
  const x = ctx.shape(0);
  const n = rankOf(ctx.node.opType);
  if (x.length !== n + 2) ctx.fail(`${ctx.node.opType} expects a rank-${n + 2} input (batch, ${n} spatial axes, channels), got shape [${x.join(', ')}]`);
  return { x, n, spatial: spatialAxes(ctx.node.attributes, x.length).map((a) => x[a]) };
}

function poolWindow(ctx: RuleContext, n: number): WindowParams {
  const size = tuple(ctx, 'pool_size', n, 2);
  const stridesAttr = ctx.attr('strides');
  const strides = stridesAttr === undefined || stridesAttr === null ? size : tuple(ctx, 'strides', n, size);
  return kerasWindow(ctx, n, size, strides, new Array<number>(n).fill(1));
}

const POOLS = ['MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D',
  'MaxPool1D', 'MaxPool2D', 'MaxPool3D', 'AvgPool1D', 'AvgPool2D', 'AvgPool3D'];

registerRule('keras', POOLS, {
  infer: (ctx) => {
    const { x, n, spatial } = input(ctx);
    return [{ dtype: ctx.dtype(0), shape: withSpatial(ctx.node.attributes, x, windowOutput(ctx, spatial, poolWindow(ctx, n))) }];
  },
  spatial: (ctx) => windowEffect(ctx.node.attributes, ctx.shape(0).length, poolWindow(ctx, input(ctx).n)),
  window: (ctx, [y]) => {
    const { x, n, spatial } = input(ctx);
    const out = y.shape;
    return nodeWindow(poolWindow(ctx, n), spatial, out ? spatialAxes(ctx.node.attributes, x.length).map((a) => out[a]) : undefined);
  },
});

const GLOBAL = ['GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'GlobalMaxPooling3D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D',
  'GlobalAveragePooling3D', 'GlobalMaxPool1D', 'GlobalMaxPool2D', 'GlobalMaxPool3D', 'GlobalAvgPool1D', 'GlobalAvgPool2D', 'GlobalAvgPool3D'];

registerRule('keras', GLOBAL, {
  infer: (ctx) => {
    const { x } = input(ctx);
    const c = x[channelAxis(ctx.node.attributes, x.length)];
    if (ctx.attr('keepdims') === true) return [{ dtype: ctx.dtype(0), shape: withSpatial(ctx.node.attributes, x, x.slice(2).map(() => 1)) }];
    return [{ dtype: ctx.dtype(0), shape: [x[0], c] }];
  },
  spatial: () => ({ kind: 'none' }),
});

registerRule('keras', ['ZeroPadding1D', 'ZeroPadding2D', 'ZeroPadding3D'], {
  infer: (ctx) => {
    const { x, n, spatial } = input(ctx);
    const p = pairs(ctx, ctx.attr('padding') ?? 1, n, 'padding');
    if (p.flat().some((v) => v < 0)) ctx.fail('padding must not be negative');
    return [{ dtype: ctx.dtype(0), shape: withSpatial(ctx.node.attributes, x, spatial.map((d, i) => add(d, p[i][0] + p[i][1]))) }];
  },
  spatial: (ctx) => passEffect(ctx.node.attributes, ctx.shape(0).length),
});

registerRule('keras', ['Cropping1D', 'Cropping2D', 'Cropping3D'], {
  infer: (ctx) => {
    const { x, n, spatial } = input(ctx);
    const p = pairs(ctx, ctx.attr('cropping') ?? 0, n, 'cropping');
    const out = spatial.map((d, i) => sub(d, p[i][0] + p[i][1]));
    out.forEach((d, i) => {
      if (typeof d === 'number' && d <= 0) ctx.fail(`cropping ${p[i][0]} + ${p[i][1]} removes all ${spatial[i]} positions of spatial axis ${i + 1}`, 'kernel-too-large');
    });
    return [{ dtype: ctx.dtype(0), shape: withSpatial(ctx.node.attributes, x, out) }];
  },
  spatial: (ctx) => passEffect(ctx.node.attributes, ctx.shape(0).length),
});

function upSize(ctx: RuleContext, n: number): number[] {
  return tuple(ctx, n === 1 ? 'size' : 'size', n, 2);
}

registerRule('keras', ['UpSampling1D', 'UpSampling2D', 'UpSampling3D'], {
  infer: (ctx) => {
    const { x, n, spatial } = input(ctx);
    const f = upSize(ctx, n);
    return [{ dtype: ctx.dtype(0), shape: withSpatial(ctx.node.attributes, x, spatial.map((d, i) => mul(d, f[i]))) }];
  },
  spatial: (ctx) => {
    const { x, n } = input(ctx);
    return { kind: 'scale', factor: upSize(ctx, n), axes: spatialAxes(ctx.node.attributes, x.length) };
  },
});
