import type { Dim } from '../../ir/types';
import { add, ceilDiv, floorDiv, minDim, sub } from '../dims';
import type { RuleContext } from '../registry';

/**
 * Output size of sliding windows (Conv, pooling) per the ONNX operator spec:
 *   NOTSET: floor((in + pad_begin + pad_end − k_eff) / s) + 1, k_eff = (k − 1)·d + 1
 *           (ceil instead of floor with ceil_mode, minus one when the last window would start
 *           past the input and its left padding — onnx/reference op_pool_common.py)
 *   VALID:  ceil((in − k_eff + 1) / s)
 *   SAME_UPPER / SAME_LOWER: ceil(in / s)
 * and the lint for rows/columns that the windows never read.
 */
export interface WindowParams {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** [b1, b2, ..., e1, e2, ...] as in ONNX. */
  pads: number[];
  autoPad: string;
  ceilMode: boolean;
}

export function readWindow(ctx: RuleContext, nsp: number, kernel: number[]): WindowParams {
  if (kernel.length !== nsp) ctx.fail(`kernel_shape has ${kernel.length} dims but the input has ${nsp} spatial dims`);
  const strides = ctx.ints('strides') ?? new Array(nsp).fill(1);
  const dilations = ctx.ints('dilations') ?? new Array(nsp).fill(1);
  const pads = ctx.ints('pads') ?? new Array(2 * nsp).fill(0);
  if (strides.length !== nsp) ctx.fail(`strides has ${strides.length} values for ${nsp} spatial dims`);
  if (dilations.length !== nsp) ctx.fail(`dilations has ${dilations.length} values for ${nsp} spatial dims`);
  if (pads.length !== 2 * nsp) ctx.fail(`pads has ${pads.length} values; ${2 * nsp} expected`);
  if (strides.some((s) => s < 1)) ctx.fail(`strides must be positive, got [${strides.join(', ')}]`);
  return {
    kernel,
    strides,
    dilations,
    pads,
    autoPad: ctx.str('auto_pad', 'NOTSET'),
    // Convolutions have no ceil_mode (only pooling does, in ONNX's schemas).
    ceilMode: !ctx.node.opType.includes('Conv') && ctx.int('ceil_mode', 0) === 1,
  };
}

const AXIS_WORDS: Record<number, string[]> = { 1: ['element'], 2: ['row', 'column'], 3: ['slice', 'row', 'column'] };

export function axisWord(nsp: number, i: number): string {
  return AXIS_WORDS[nsp]?.[i] ?? `axis-${i} position`;
}

/** Output spatial dims for the input spatial dims; lints unread pixels and oversized kernels. */
export function windowOutput(ctx: RuleContext, inSpatial: Dim[], w: WindowParams, lint = true): Dim[] {
  const nsp = inSpatial.length;
  const out: Dim[] = [];
  for (let i = 0; i < nsp; i++) {
    const size = inSpatial[i];
    const s = w.strides[i];
    const keff = (w.kernel[i] - 1) * w.dilations[i] + 1;
    const pb = w.pads[i];
    const pe = w.pads[i + nsp];
    let o: Dim;
    if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER') {
      o = ceilDiv(size, s);
    } else if (w.autoPad === 'VALID') {
      o = ceilDiv(sub(add(size, 1), keff), s);
      if (typeof size === 'number' && size < keff) tooLarge(ctx, i, nsp, size, 0, 0, keff);
      if (lint && typeof size === 'number') lintUnread(ctx, i, nsp, size, 0, 0, w.kernel[i], w.dilations[i], s);
    } else if (w.autoPad === 'NOTSET' || w.autoPad === '') {
      const span = sub(add(size, pb + pe), keff);
      if (typeof span === 'number' && span < 0) tooLarge(ctx, i, nsp, size as number, pb, pe, keff);
      if (w.ceilMode) {
        o = add(ceilDiv(span, s), 1);
        // The last window must start inside the input or its left padding.
        if (typeof o === 'number' && typeof size === 'number') {
          if ((o - 1) * s >= size + pb) o -= 1;
        } else o = minDim(o, add(floorDiv(add(size, pb - 1), s), 1)); // (o − 1)·s < size + pb
      } else {
        o = add(floorDiv(span, s), 1);
        if (lint && typeof size === 'number') lintUnread(ctx, i, nsp, size, pb, pe, w.kernel[i], w.dilations[i], s);
      }
    } else {
      return ctx.fail(`auto_pad '${w.autoPad}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`);
    }
    out.push(o);
  }
  return out;
}

/** The explicit pads that auto_pad SAME_* resolves to (total split, extra at the end for UPPER). */
export function samePads(size: number, out: number, s: number, keff: number, upper: boolean): [number, number] {
  const total = Math.max(0, (out - 1) * s + keff - size);
  const small = Math.floor(total / 2);
  return upper ? [small, total - small] : [total - small, small];
}

function tooLarge(ctx: RuleContext, i: number, nsp: number, size: number, pb: number, pe: number, keff: number): never {
  return ctx.fail(
    `the ${keff}-wide window (dilated) is larger than the padded input along ${axisWord(nsp, i)}s: ` +
      `${size} + ${pb} + ${pe} = ${size + pb + pe} < ${keff}`,
    'kernel-too-large',
  );
}

function padText(pb: number, pe: number): string {
  if (pb === 0 && pe === 0) return '';
  if (pb === pe) return ` + 2·${pb}`;
  return ` + ${pb} + ${pe}`;
}

function lintUnread(
  ctx: RuleContext, i: number, nsp: number, size: number, pb: number, pe: number, k: number, d: number, s: number,
): void {
  const keff = (k - 1) * d + 1;
  const span = size + pb + pe - keff;
  const rem = span % s;
  if (span < 0 || rem === 0) return;
  const word = axisWord(nsp, i);
  const kText = d === 1 ? `${k}` : `${keff}`;
  const unreadInput = Math.max(0, rem - pe);
  // Windows that skip only end padding lose nothing of the input (ResNet's 7×7 /2 pad 3 on 224):
  // warning there would bury the real cases under noise on every standard network.
  if (unreadInput === 0) return;
  const tail = rem > unreadInput ? ` (${unreadInput} of them input ${word}${unreadInput === 1 ? '' : 's'}, the rest padding)` : '';
  ctx.warn(
    'unused-pixels',
    `(${size}${padText(pb, pe)} − ${kText}) = ${span} is not divisible by stride ${s}: ` +
      `the last ${rem} ${word}${rem === 1 ? ' is' : 's are'} never read${tail}`,
  );
}

/** Output-size formula with the node's numbers, e.g. 'H: (224 + 2·3 − 7)/2 + 1 = 112'. */
export function windowFormula(nsp: number, i: number, size: Dim, w: WindowParams, out: Dim): string {
  const label = nsp === 2 ? ['H', 'W'][i] : nsp === 3 ? ['D', 'H', 'W'][i] : nsp === 1 ? 'L' : `axis ${i}`;
  const keff = (w.kernel[i] - 1) * w.dilations[i] + 1;
  if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER') return `${label}: ceil(${size}/${w.strides[i]}) = ${out}`;
  if (w.autoPad === 'VALID') return `${label}: ceil((${size} − ${keff} + 1)/${w.strides[i]}) = ${out}`;
  const pb = w.pads[i];
  const pe = w.pads[i + nsp];
  const s = w.strides[i];
  const span = `${size}${padText(pb, pe)} − ${keff}`;
  if (!w.ceilMode) return `${label}: (${span})/${s} + 1 = ${out}`;
  // windowOutput drops the last window when it would start past the input and its left padding.
  const dropped = typeof size === 'number' && typeof out === 'number' && Math.ceil((size + pb + pe - keff) / s) + 1 !== out;
  return `${label}: ceil((${span})/${s}) + 1${dropped ? ' − 1' : ''} = ${out}`;
}

/** MAC helper: the product of numeric dims, symbolic ones as 1. */
export function prod(dims: Dim[]): number {
  let n = 1;
  for (const d of dims) n *= typeof d === 'number' ? d : 1;
  return n;
}
