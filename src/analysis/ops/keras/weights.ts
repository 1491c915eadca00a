import type { AttrValue, Shape } from '../../../ir/types';

/**
 * The weights a Keras layer owns, in Keras's own order (layer.weights), with their shapes, from
 * its config and input shape. One table serves the parameter count, the TF.js weight check and
 * the ONNX lowering (which initialises weights that were not saved).
 */
export interface WeightSpec {
  /** Keras weight name: kernel, bias, depthwise_kernel, pointwise_kernel, gamma, beta, moving_mean... */
  name: string;
  shape: number[];
  /** 'buffer': stored statistics (BatchNorm moving mean/variance), not learned. */
  role: 'weight' | 'buffer';
}

function int(v: AttrValue | undefined, d: number): number {
  return typeof v === 'number' ? v : d;
}

function ints(v: AttrValue | undefined, n: number, d: number): number[] {
  if (typeof v === 'number') return new Array<number>(n).fill(v);
  if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number')) return v as number[];
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'number') return new Array<number>(n).fill(v[0] as number);
  return new Array<number>(n).fill(d);
}

function bool(v: AttrValue | undefined, d: boolean): boolean {
  return typeof v === 'boolean' ? v : d;
}

/** Spatial rank of a conv-family layer from its class name (Conv2D -> 2). */
export function convRank(opType: string): number {
  const m = /(\d)D/.exec(opType);
  return m ? Number(m[1]) : 2;
}

function channelsOf(x: Shape, attrs: Record<string, AttrValue>): number | null {
  const c = attrs.data_format === 'channels_first' ? x[1] : x[x.length - 1];
  return typeof c === 'number' ? c : null;
}

/** Weights of the layer, or null when the input channels are not known. Layers without weights give []. */
export function weightSpecs(opType: string, attrs: Record<string, AttrValue>, inputs: readonly (Shape | null)[]): WeightSpec[] | null {
  const x = inputs[0];
  const w = (name: string, shape: number[], role: 'weight' | 'buffer' = 'weight'): WeightSpec => ({ name, shape, role });
  const bias = (n: number): WeightSpec[] => (bool(attrs.use_bias, true) ? [w('bias', [n])] : []);
  switch (opType) {
    case 'Conv1D': case 'Conv2D': case 'Conv3D': {
      if (!x) return null;
      const cin = channelsOf(x, attrs);
      if (cin === null) return null;
      const k = ints(attrs.kernel_size, convRank(opType), 1);
      const f = int(attrs.filters, 0);
      return [w('kernel', [...k, cin / int(attrs.groups, 1), f]), ...bias(f)];
    }
    case 'Conv1DTranspose': case 'Conv2DTranspose': case 'Conv3DTranspose': {
      if (!x) return null;
      const cin = channelsOf(x, attrs);
      if (cin === null) return null;
      const k = ints(attrs.kernel_size, convRank(opType), 1);
      const f = int(attrs.filters, 0);
      return [w('kernel', [...k, f, cin]), ...bias(f)];
    }
    case 'DepthwiseConv1D': case 'DepthwiseConv2D': {
      if (!x) return null;
      const cin = channelsOf(x, attrs);
      if (cin === null) return null;
      const k = ints(attrs.kernel_size, convRank(opType), 1);
      const dm = int(attrs.depth_multiplier, 1);
      return [w('depthwise_kernel', [...k, cin, dm]), ...bias(cin * dm)];
    }
    case 'SeparableConv1D': case 'SeparableConv2D': {
      if (!x) return null;
      const cin = channelsOf(x, attrs);
      if (cin === null) return null;
      const n = convRank(opType);
      const k = ints(attrs.kernel_size, n, 1);
      const dm = int(attrs.depth_multiplier, 1);
      const f = int(attrs.filters, 0);
      return [w('depthwise_kernel', [...k, cin, dm]), w('pointwise_kernel', [...new Array<number>(n).fill(1), cin * dm, f]), ...bias(f)];
    }
    case 'Dense': {
      const cin = x ? x[x.length - 1] : null;
      if (typeof cin !== 'number') return null;
      const u = int(attrs.units, 0);
      return [w('kernel', [cin, u]), ...bias(u)];
    }
    case 'BatchNormalization': {
      if (!x) return null;
      const c = normChannels(x, attrs.axis, -1);
      if (c === null) return null;
      return [
        ...(bool(attrs.scale, true) ? [w('gamma', c)] : []),
        ...(bool(attrs.center, true) ? [w('beta', c)] : []),
        w('moving_mean', c, 'buffer'),
        w('moving_variance', c, 'buffer'),
      ];
    }
    case 'LayerNormalization': {
      if (!x) return null;
      const c = normChannels(x, attrs.axis, -1);
      if (c === null) return null;
      return [...(bool(attrs.scale, true) ? [w('gamma', c)] : []), ...(bool(attrs.center, true) ? [w('beta', c)] : [])];
    }
    case 'PReLU': {
      if (!x) return null;
      const shared = Array.isArray(attrs.shared_axes) ? (attrs.shared_axes as number[]) : typeof attrs.shared_axes === 'number' ? [attrs.shared_axes] : [];
      const shape = x.slice(1).map((d, i) => (shared.includes(i + 1) ? 1 : d));
      if (shape.some((d) => typeof d !== 'number')) return null;
      return [w('alpha', shape as number[])];
    }
    default:
      return [];
  }
}

/** Shape of the per-feature weights of a normalisation over `axis` (int or list), e.g. [C]. */
function normChannels(x: Shape, axis: AttrValue | undefined, dflt: number): number[] | null {
  const axes = Array.isArray(axis) ? (axis as number[]) : [typeof axis === 'number' ? axis : dflt];
  const dims = axes.map((a) => x[a < 0 ? a + x.length : a]);
  if (dims.some((d) => typeof d !== 'number')) return null;
  return dims as number[];
}

/** Keras weights that are stored statistics, not learned (BatchNorm's moving mean and variance;
 * Keras 1 named them running_mean and running_std), by the last part of a saved weight's name. */
const STATISTICS = new Set(['moving_mean', 'moving_variance', 'running_mean', 'running_std']);

export function isStatisticWeight(savedName: string): boolean {
  return STATISTICS.has(savedName.replace(/:\d+$/, '').split('/').pop() ?? '');
}

/** A layer whose config says `trainable: false`: Keras counts its weights as non-trainable. */
export function isFrozenLayer(attrs: Record<string, AttrValue>): boolean {
  return attrs.trainable === false;
}

export function countWeights(specs: readonly WeightSpec[]): { params: number; buffers: number } {
  let params = 0;
  let buffers = 0;
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (s.role === 'buffer') buffers += n;
    else params += n;
  }
  return { params, buffers };
}
