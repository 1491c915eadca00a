import type { AttrValue, Dim, Shape } from '../../../ir/types';
import type { RuleContext, SpatialEffect } from '../../registry';
import { windowEffect as effectOf, type WindowParams } from '../window';
import { MAX_SIZE } from '../../guard';

/**
 * Keras layer attributes as the rules need them. Keras is channels-last unless a layer says
 * data_format 'channels_first'; kernel sizes, strides and rates may be one int or one per axis;
 * ConvLens JSON also allows padding as a number, [p_h, p_w] or [[top, bottom], [left, right]].
 */

export function channelsFirst(attrs: Record<string, AttrValue>): boolean {
  return attrs.data_format === 'channels_first';
}

/** Positions of the spatial axes in a rank-`rank` tensor. */
export function spatialAxes(attrs: Record<string, AttrValue>, rank: number): number[] {
  const out: number[] = [];
  const from = channelsFirst(attrs) ? 2 : 1;
  for (let i = from; i < from + rank - 2; i++) out.push(i);
  return out;
}

export function channelAxis(attrs: Record<string, AttrValue>, rank: number): number {
  return channelsFirst(attrs) ? 1 : rank - 1;
}

/** An int or a tuple of `n` ints (Keras normalize_tuple). */
export function tuple(ctx: RuleContext, name: string, n: number, dflt: number | number[]): number[] {
  const v = ctx.attr(name) ?? null;
  const d = typeof dflt === 'number' ? new Array<number>(n).fill(dflt) : dflt;
  if (v === null) return d;
  if (typeof v === 'number') return new Array<number>(n).fill(v);
  if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number')) return v as number[];
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'number') return new Array<number>(n).fill(v[0] as number);
  return ctx.fail(`'${name}' should be an integer or a list of ${n} integers, got ${JSON.stringify(v)}`);
}

/** Per-axis [begin, end] from an int, [a, b] (symmetric per axis) or [[b, e], ...]. */
export function pairs(ctx: RuleContext, v: AttrValue | undefined, n: number, name: string): [number, number][] {
  if (v === undefined || v === null) return new Array(n).fill(0).map(() => [0, 0]);
  if (typeof v === 'number') return new Array(n).fill(0).map(() => [v, v]);
  if (Array.isArray(v) && v.length === n) {
    return v.map((x) => {
      if (typeof x === 'number') return [x, x] as [number, number];
      if (Array.isArray(x) && x.length === 2 && typeof x[0] === 'number' && typeof x[1] === 'number') return [x[0], x[1]] as [number, number];
      return ctx.fail(`'${name}' should be an integer, ${n} integers, or ${n} [begin, end] pairs; got ${JSON.stringify(v)}`);
    });
  }
  // Keras ZeroPadding1D writes (left, right) for its one axis.
  if (n === 1 && Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return [[v[0] as number, v[1] as number]];
  return ctx.fail(`'${name}' should be an integer, ${n} integers, or ${n} [begin, end] pairs; got ${JSON.stringify(v)}`);
}

/** Sizes Keras takes as small positive integers (kernel_size 1e308 is not one). */


export function checkSizes(ctx: RuleContext, name: string, v: number[], min = 1): number[] {
  if (v.some((x) => !Number.isInteger(x) || x < min || x > MAX_SIZE)) {
    ctx.fail(`'${name}' must be ${min > 0 ? 'positive' : 'non-negative'} integers below 2³¹, got [${v.join(', ')}]`);
  }
  return v;
}

/** Keras padding ('valid' | 'same' | 'causal', or ConvLens numbers) as a window spec. */
export function kerasWindow(ctx: RuleContext, n: number, kernel: number[], strides: number[], dilation: number[], kind: 'window' | 'transposed' = 'window'): WindowParams {
  checkSizes(ctx, /Pool/.test(ctx.node.opType) ? 'pool_size' : 'kernel_size', kernel);
  checkSizes(ctx, 'strides', strides);
  checkSizes(ctx, 'dilation_rate', dilation);
  const p = ctx.attr('padding') ?? 'valid';
  const ceilMode = kind === 'window' && ctx.attr('ceil_mode') === true;
  const base = { kind, kernel, strides, dilations: dilation, ceilMode, pads: new Array<number>(2 * n).fill(0) };
  if (typeof p === 'string') {
    const s = p.toLowerCase();
    if (s === 'valid') return { ...base, mode: ceilMode ? 'explicit' : 'valid' };
    if (s === 'same') return { ...base, mode: 'same_upper' };
    if (s === 'causal' && kind === 'window') {
      const pads = new Array<number>(2 * n).fill(0);
      pads[0] = (kernel[0] - 1) * dilation[0];
      return { ...base, pads, mode: 'explicit', causal: true };
    }
    return ctx.fail(`padding '${p}' is not 'valid', 'same'${kind === 'window' ? " or 'causal'" : ''}`);
  }
  if (kind === 'transposed') return ctx.fail(`${ctx.node.opType} padding must be 'valid' or 'same', got ${JSON.stringify(p)}`);
  const pr = pairs(ctx, p, n, 'padding');
  checkSizes(ctx, 'padding', pr.flat(), 0);
  return { ...base, pads: [...pr.map((x) => x[0]), ...pr.map((x) => x[1])], mode: 'explicit' };
}

export function windowEffect(attrs: Record<string, AttrValue>, rank: number, w: WindowParams): SpatialEffect {
  return effectOf(w, spatialAxes(attrs, rank));
}

export function passEffect(attrs: Record<string, AttrValue>, rank: number): SpatialEffect {
  return rank >= 3 ? { kind: 'pass', axes: spatialAxes(attrs, rank) } : { kind: 'none' };
}

/** The input shape with its spatial dims replaced. */
export function withSpatial(attrs: Record<string, AttrValue>, x: Shape, spatial: Dim[], channels?: Dim): Shape {
  const out = [...x];
  spatialAxes(attrs, x.length).forEach((a, i) => (out[a] = spatial[i]));
  if (channels !== undefined) out[channelAxis(attrs, x.length)] = channels;
  return out;
}
