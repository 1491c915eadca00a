import type { AttrValue, Dim, Shape } from '../../../ir/types';
import type { RuleContext, SpatialEffect } from '../../registry';
import type { WindowParams } from '../window';

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

/** Keras padding ('valid' | 'same' | 'causal', or ConvLens numbers) as ONNX-style window params. */
export function kerasWindow(ctx: RuleContext, n: number, kernel: number[], strides: number[], dilation: number[]): WindowParams {
  if (strides.some((s) => !Number.isInteger(s) || s < 1)) ctx.fail(`strides must be positive integers, got [${strides.join(', ')}]`);
  if (kernel.some((k) => !Number.isInteger(k) || k < 1)) ctx.fail(`the kernel size must be positive integers, got [${kernel.join(', ')}]`);
  const p = ctx.attr('padding') ?? 'valid';
  const base = { kernel, strides, dilations: dilation, ceilMode: ctx.attr('ceil_mode') === true };
  if (typeof p === 'string') {
    const s = p.toLowerCase();
    if (s === 'valid') return { ...base, pads: new Array(2 * n).fill(0), autoPad: base.ceilMode ? 'NOTSET' : 'VALID' };
    if (s === 'same') return { ...base, pads: new Array(2 * n).fill(0), autoPad: 'SAME_UPPER' };
    if (s === 'causal') {
      const pads = new Array(2 * n).fill(0);
      pads[0] = (kernel[0] - 1) * dilation[0];
      return { ...base, pads, autoPad: 'NOTSET' };
    }
    return ctx.fail(`padding '${p}' is not 'valid', 'same' or 'causal'`);
  }
  const pr = pairs(ctx, p, n, 'padding');
  return { ...base, pads: [...pr.map((x) => x[0]), ...pr.map((x) => x[1])], autoPad: 'NOTSET' };
}

export function windowEffect(attrs: Record<string, AttrValue>, rank: number, w: WindowParams): SpatialEffect {
  return { kind: 'window', kernel: w.kernel, stride: w.strides, dilation: w.dilations, axes: spatialAxes(attrs, rank) };
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
