import type { Dim } from '../../ir/types';
import { add, ceilDiv, floorDiv, minDim, mul, sub } from '../dims';

/**
 * A sliding window's arithmetic, for every op that has one (ONNX Conv, ConvTranspose, MaxPool,
 * AveragePool, LpPool; Keras conv, depthwise, separable, transposed and pooling layers), 1-D to 3-D.
 * The op rules read attributes into a WindowSpec; from it alone come the output size, the pads
 * that SAME resolves to, the receptive-field step, the formula text and the input window an output
 * position reads. Pure data and arithmetic: the webviews import it too.
 *
 *   window:      explicit  ⌊(in + pb + pe − k_eff)/s⌋ + 1   (⌈…⌉ with ceil_mode, minus one when the
 *                           last window would start in the end padding — onnx/reference op_pool_common)
 *                valid     ⌈(in − k_eff + 1)/s⌉
 *                same      ⌈in/s⌉
 *   transposed:  ONNX      s·(in − 1) + k_eff − pb − pe + output_padding  (SAME: in·s; output_shape given)
 *                Keras     in·s + max(k_eff − s, 0) (valid), in·s (same); with output_padding
 *                          s·(in − 1) + k_eff − 2·pad + output_padding, pad = 0 or ⌊k_eff/2⌋
 * with k_eff = d·(k − 1) + 1.
 */
export type PadMode = 'explicit' | 'same_upper' | 'same_lower' | 'valid';

export interface WindowSpec {
  kind: 'window' | 'transposed';
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** [b1, b2, …, e1, e2, …] as in ONNX; read only when mode is 'explicit'. */
  pads: number[];
  mode: PadMode;
  ceilMode: boolean;
  /** Transposed: extra size added at the end of each axis (undefined: not given). */
  outputPadding?: number[];
  /** Transposed (ONNX): the requested spatial output size; the pads follow from it. */
  outputShape?: number[];
  /** Transposed: Keras's deconv_output_length instead of ONNX's arithmetic. */
  keras?: boolean;
  /** Keras 'causal' (explicit pads (k − 1)·d before the first axis). */
  causal?: boolean;
}

/** One spatial axis of a node's window, with the numbers its output size is built from. */
export interface WindowAxis {
  /** 'L' (1-D), 'H'/'W' (2-D), 'D'/'H'/'W' (3-D). */
  axis: string;
  in: Dim;
  kernel: number;
  stride: number;
  dilation: number;
  /** Padding before and after; null when SAME decides it and the input size is symbolic. */
  padBegin: number | null;
  padEnd: number | null;
  ceil: boolean;
  /** Transposed only. */
  outputPadding?: number;
  out: Dim;
  /** The output-size formula with these numbers, e.g. 'H: (224 + 2·3 − 7)/2 + 1 = 112'. */
  formula: string;
}

/** A node's sliding window as every view reads it. */
export interface NodeWindow {
  kind: 'window' | 'transposed';
  mode: PadMode;
  axes: WindowAxis[];
  /** For the node's label. */
  groups: number;
  depthwise: boolean;
  outChannels: Dim | null;
  /** What the attributes say, to redo the arithmetic for other input sizes (Step mode's run). */
  spec: WindowSpec;
}

export const effectiveKernel = (k: number, d: number): number => (k - 1) * d + 1;

export function axisNames(n: number): string[] {
  if (n === 1) return ['L'];
  if (n === 2) return ['H', 'W'];
  if (n === 3) return ['D', 'H', 'W'];
  return Array.from({ length: n }, (_, i) => `x${i + 1}`);
}

export interface AxisResult {
  out: Dim;
  padBegin: number | null;
  padEnd: number | null;
  /** ceil_mode's last window started in the end padding and was dropped. */
  dropped: boolean;
  /** Keras same with output_padding: the pad on each side. */
  kerasPad?: number;
}

/** Splits a total padding as SAME does: the odd pixel at the end (upper) or the beginning (lower). */
export function splitPad(total: number, upper: boolean): [number, number] {
  const small = Math.floor(total / 2);
  return upper ? [small, total - small] : [total - small, small];
}

/** Output size and padding of axis i for input size `size`. */
export function axisResult(w: WindowSpec, i: number, size: Dim): AxisResult {
  const n = w.kernel.length;
  const s = w.strides[i];
  const keff = effectiveKernel(w.kernel[i], w.dilations[i]);
  const same = w.mode === 'same_upper' || w.mode === 'same_lower';
  if (w.kind === 'transposed') return transposedAxis(w, i, size, s, keff, same);
  if (same) {
    const out = ceilDiv(size, s);
    if (typeof size !== 'number' || typeof out !== 'number') return { out, padBegin: null, padEnd: null, dropped: false };
    const [pb, pe] = splitPad(Math.max(0, (out - 1) * s + keff - size), w.mode === 'same_upper');
    return { out, padBegin: pb, padEnd: pe, dropped: false };
  }
  if (w.mode === 'valid') return { out: ceilDiv(sub(add(size, 1), keff), s), padBegin: 0, padEnd: 0, dropped: false };
  const pb = w.pads[i];
  const pe = w.pads[i + n];
  const span = sub(add(size, pb + pe), keff);
  if (!w.ceilMode) return { out: add(floorDiv(span, s), 1), padBegin: pb, padEnd: pe, dropped: false };
  const out = add(ceilDiv(span, s), 1);
  // The last window must start inside the input or its left padding: (out − 1)·s < size + pb.
  if (typeof out !== 'number' || typeof size !== 'number') return { out: minDim(out, add(floorDiv(add(size, pb - 1), s), 1)), padBegin: pb, padEnd: pe, dropped: false };
  const dropped = (out - 1) * s >= size + pb;
  return { out: dropped ? out - 1 : out, padBegin: pb, padEnd: pe, dropped };
}

function transposedAxis(w: WindowSpec, i: number, size: Dim, s: number, keff: number, same: boolean): AxisResult {
  const n = w.kernel.length;
  const op = w.outputPadding?.[i] ?? 0;
  if (w.keras) {
    if (w.outputPadding) {
      const pad = same ? Math.floor(keff / 2) : 0;
      return { out: add(mul(sub(size, 1), s), keff - 2 * pad + op), padBegin: pad, padEnd: pad, dropped: false, kerasPad: pad };
    }
    return { out: same ? mul(size, s) : add(mul(size, s), Math.max(keff - s, 0)), padBegin: null, padEnd: null, dropped: false };
  }
  const natural = add(mul(sub(size, 1), s), op + keff);
  const resolved = (out: Dim, upper: boolean): AxisResult => {
    if (typeof natural !== 'number' || typeof out !== 'number') return { out, padBegin: null, padEnd: null, dropped: false };
    const [pb, pe] = splitPad(natural - out, upper);
    return { out, padBegin: pb, padEnd: pe, dropped: false };
  };
  if (w.outputShape) return resolved(w.outputShape[i], w.mode === 'same_upper');
  if (same) return resolved(mul(size, s), w.mode === 'same_upper');
  const pb = w.mode === 'valid' ? 0 : w.pads[i];
  const pe = w.mode === 'valid' ? 0 : w.pads[i + n];
  return { out: sub(natural, pb + pe), padBegin: pb, padEnd: pe, dropped: false };
}

/** Output spatial dims for the input spatial dims. */
export function windowOut(w: WindowSpec, inSpatial: Dim[]): Dim[] {
  return inSpatial.map((size, i) => axisResult(w, i, size).out);
}

/** Receptive field and jump through the window, per axis (docs/figures.md):
 *   window     r_out = r_in + (k_eff − 1)·j_in,          j_out = j_in·s
 *   transposed r_out = r_in + (⌈k_eff/s⌉ − 1)·j_in,       j_out = j_in / s */
export function fieldThrough(
  kind: 'window' | 'transposed', kernel: number[], stride: number[], dilation: number[], rf: number[], jump: number[],
): { rf: number[]; jump: number[] } {
  if (kind === 'window') {
    return { rf: rf.map((r, i) => r + (effectiveKernel(kernel[i], dilation[i]) - 1) * jump[i]), jump: jump.map((j, i) => j * stride[i]) };
  }
  return {
    rf: rf.map((r, i) => r + (Math.ceil(effectiveKernel(kernel[i], dilation[i]) / stride[i]) - 1) * jump[i]),
    jump: jump.map((j, i) => j / stride[i]),
  };
}

/** The input cells output position `pos` reads on one axis: its kernel taps (every `dilation`-th cell
 * of the span) and the whole span, unclipped: an index below 0 or at/after the input size is padding. */
export interface WindowTaps {
  taps: number[];
  span: number[];
}

/** The taps of output position `pos` per axis (input index = pos·s − pad_begin + t·d, t = 0…k − 1);
 * null when the padding is not known as numbers. */
export function windowTaps(axes: readonly WindowAxis[], pos: number[]): WindowTaps[] | null {
  const out: WindowTaps[] = [];
  for (let i = 0; i < pos.length; i++) {
    const a = axes[i];
    if (!a || a.padBegin === null) return null;
    const start = pos[i] * a.stride - a.padBegin;
    const taps = Array.from({ length: a.kernel }, (_, t) => start + t * a.dilation);
    const span = Array.from({ length: taps[taps.length - 1] - start + 1 }, (_, t) => start + t);
    out.push({ taps, span });
  }
  return out;
}

/** Inclusive input ranges [start, end] per axis that output position `pos` reads, clipped to the
 * input (Step mode's click-to-window); null when the padding is not known as numbers. */
export function inputWindow(axes: readonly WindowAxis[], pos: number[], inSize: number[]): { start: number; end: number }[] | null {
  const taps = windowTaps(axes, pos);
  if (!taps) return null;
  return taps.map((t, i) => ({ start: Math.max(0, t.span[0]), end: Math.min(inSize[i] - 1, t.span[t.span.length - 1]) }));
}
