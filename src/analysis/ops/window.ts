import * as l10n from '@vscode/l10n';
import type { Dim } from '../../ir/types';
import type { RuleContext, SpatialEffect } from '../registry';
import { describeWindow, type WindowExtras } from '../window/formula';
import { axisResult, effectiveKernel, type PadMode, type WindowSpec } from '../window/geometry';
import type { NodeWindow } from '../window/geometry';

/**
 * The rule side of a sliding window (src/analysis/window holds its arithmetic): reading and
 * validating ONNX window attributes (ONNX operator spec: kernel, strides and dilations positive,
 * pads ≥ 0 with two per spatial axis), the output dims with the lints for oversized kernels and
 * pixels never read, the receptive-field effect and the description every view reads.
 */
export type WindowParams = WindowSpec;

const MODES: Record<string, PadMode> = { NOTSET: 'explicit', '': 'explicit', SAME_UPPER: 'same_upper', SAME_LOWER: 'same_lower', VALID: 'valid' };

/** Fails unless `v` holds `n` integers ≥ `min` (a one-line message naming the attribute). */
export function checkInts(ctx: RuleContext, name: string, v: number[], n: number, min: number): number[] {
  if (v.length !== n) ctx.fail(`${name} has ${v.length} values; ${n} expected (${n === 0 ? 'none' : `one per spatial axis${name === 'pads' ? ', begin then end' : ''}`})`);
  const bad = v.find((x) => !Number.isSafeInteger(x) || x < min);
  if (bad !== undefined) ctx.fail(`${name} must be ${min > 0 ? 'positive' : 'non-negative'} integers, got [${v.join(', ')}]`);
  return v;
}

export function readWindow(ctx: RuleContext, nsp: number, kernel: number[], kind: 'window' | 'transposed' = 'window'): WindowSpec {
  checkInts(ctx, 'kernel_shape', kernel, nsp, 1);
  const strides = checkInts(ctx, 'strides', ctx.ints('strides') ?? new Array<number>(nsp).fill(1), nsp, 1);
  const dilations = checkInts(ctx, 'dilations', ctx.ints('dilations') ?? new Array<number>(nsp).fill(1), nsp, 1);
  const pads = checkInts(ctx, 'pads', ctx.ints('pads') ?? new Array<number>(2 * nsp).fill(0), 2 * nsp, 0);
  const autoPad = ctx.str('auto_pad', 'NOTSET');
  const mode = MODES[autoPad];
  if (!mode) ctx.fail(`auto_pad '${autoPad}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`);
  // Convolutions have no ceil_mode (only pooling does, in ONNX's schemas).
  const ceil = ctx.node.opType.includes('Conv') ? 0 : ctx.int('ceil_mode', 0);
  if (ceil !== 0 && ceil !== 1) ctx.fail(`ceil_mode must be 0 or 1, got ${ceil}`);
  const spec: WindowSpec = { kind, kernel, strides, dilations, pads, mode, ceilMode: ceil === 1 };
  if (kind === 'transposed') {
    const op = ctx.ints('output_padding');
    if (op) spec.outputPadding = checkInts(ctx, 'output_padding', op, nsp, 0);
    const os = ctx.ints('output_shape');
    if (os) {
      const tail = os.slice(Math.max(0, os.length - nsp));
      spec.outputShape = checkInts(ctx, 'output_shape', tail, nsp, 1);
    }
  }
  return spec;
}

const AXIS_WORDS: Record<number, string[]> = { 1: ['element'], 2: ['row', 'column'], 3: ['slice', 'row', 'column'] };

/** An axis word in the display language, singular or plural (lint messages; English by default). */
function axisNoun(word: string, many: boolean): string {
  switch (word) {
    case 'element': return many ? l10n.t('elements') : l10n.t('element');
    case 'row': return many ? l10n.t('rows') : l10n.t('row');
    case 'column': return many ? l10n.t('columns') : l10n.t('column');
    case 'slice': return many ? l10n.t('slices') : l10n.t('slice');
    default: return many ? `${word}s` : word;
  }
}

export function axisWord(nsp: number, i: number): string {
  return AXIS_WORDS[nsp]?.[i] ?? `axis-${i} position`;
}

/** Output spatial dims for the input spatial dims; lints unread pixels and oversized kernels. */
export function windowOutput(ctx: RuleContext, inSpatial: Dim[], w: WindowSpec, lint = true): Dim[] {
  const nsp = inSpatial.length;
  const unread: UnreadAxis[] = [];
  const out = inSpatial.map((size, i) => {
    const keff = effectiveKernel(w.kernel[i], w.dilations[i]);
    const r = axisResult(w, i, size);
    if (w.kind === 'window' && typeof size === 'number' && (w.mode === 'explicit' || w.mode === 'valid')) {
      const pb = w.mode === 'valid' ? 0 : w.pads[i];
      const pe = w.mode === 'valid' ? 0 : w.pads[i + nsp];
      if (size + pb + pe < keff) tooLarge(ctx, i, nsp, size, pb, pe, keff);
      if (lint && !w.ceilMode) {
        const u = unreadAlong(i, size, pb, pe, w.kernel[i], w.dilations[i], w.strides[i]);
        if (u) unread.push(u);
      }
    }
    if (typeof r.out === 'number' && r.out < 1) {
      ctx.fail(`output size ${r.out} along ${axisWord(nsp, i)}s is not positive`, 'kernel-too-large');
    }
    return r.out;
  });
  if (unread.length) lintUnread(ctx, nsp, unread);
  return out;
}

/** The receptive-field effect of the window; `axes` where the spatial axes are not 2…rank−1. */
export function windowEffect(w: WindowSpec, axes?: number[]): SpatialEffect {
  const e = { kernel: w.kernel, stride: w.strides, dilation: w.dilations };
  if (w.kind === 'transposed') return axes ? { kind: 'transposed', ...e, axes } : { kind: 'transposed', ...e };
  return axes ? { kind: 'window', ...e, axes } : { kind: 'window', ...e };
}

/** The node's window for the views; `outSpatial` are the inferred output dims. */
export function nodeWindow(w: WindowSpec, inSpatial: Dim[], outSpatial: (Dim | undefined)[] | undefined, extras?: WindowExtras): NodeWindow {
  return describeWindow(w, inSpatial, outSpatial, extras);
}

function tooLarge(ctx: RuleContext, i: number, nsp: number, size: number, pb: number, pe: number, keff: number): never {
  return ctx.fail(
    l10n.t('the {0}-wide window (dilated) is larger than the padded input along {1}: {2}', keff, axisNoun(axisWord(nsp, i), true), `${size} + ${pb} + ${pe} = ${size + pb + pe} < ${keff}`),
    'kernel-too-large',
  );
}

function padText(pb: number, pe: number): string {
  if (pb === 0 && pe === 0) return '';
  if (pb === pe) return ` + 2·${pb}`;
  return ` + ${pb} + ${pe}`;
}

/** One axis whose last positions no window reads. */
interface UnreadAxis { axis: number; sum: string; stride: number; rem: number; unreadInput: number }

function unreadAlong(i: number, size: number, pb: number, pe: number, k: number, d: number, s: number): UnreadAxis | undefined {
  const keff = effectiveKernel(k, d);
  const span = size + pb + pe - keff;
  const rem = span % s;
  if (span < 0 || rem === 0) return undefined;
  const unreadInput = Math.max(0, rem - pe);
  // Windows that skip only end padding lose nothing of the input (ResNet's 7×7 /2 pad 3 on 224):
  // warning there would bury the real cases under noise on every standard network.
  if (unreadInput === 0) return undefined;
  return { axis: i, sum: `(${size}${padText(pb, pe)} − ${keff}) = ${span}`, stride: s, rem, unreadInput };
}

/** "row", "row and column", "slice, row and column" in the display language. */
function axisList(nsp: number, axes: number[], many: boolean): string {
  const nouns = axes.map((i) => axisNoun(axisWord(nsp, i), many));
  const last = nouns.pop() ?? '';
  return nouns.length ? l10n.t('{0} and {1}', nouns.join(', '), last) : last;
}

/**
 * One warning per layer: a square window on a square input (ResNet's 1×1 /2 projection) loses the
 * same row and column, which is one fact, so axes with the same figures share one sentence.
 */
function lintUnread(ctx: RuleContext, nsp: number, unread: UnreadAxis[]): void {
  const groups: UnreadAxis[][] = [];
  for (const u of unread) {
    const same = groups.find((g) => g[0].sum === u.sum && g[0].stride === u.stride && g[0].unreadInput === u.unreadInput);
    if (same) same.push(u); else groups.push([u]);
  }
  const sentences = groups.map((g) => {
    const { sum, stride, rem, unreadInput } = g[0];
    const axes = g.map((u) => u.axis);
    const tail = rem > unreadInput ? l10n.t(' ({0} of them input {1}, the rest padding)', unreadInput, axisList(nsp, axes, unreadInput !== 1)) : '';
    return rem === 1 && axes.length === 1
      ? l10n.t('{0} is not divisible by stride {1}: the last {2} {3} is never read{4}', sum, stride, rem, axisList(nsp, axes, false), tail)
      : l10n.t('{0} is not divisible by stride {1}: the last {2} {3} are never read{4}', sum, stride, rem, axisList(nsp, axes, rem !== 1), tail);
  });
  ctx.warn('unused-pixels', sentences.join('; '));
}

/** MAC helper: the product of numeric dims, symbolic ones as 1. */
export function prod(dims: Dim[]): number {
  let n = 1;
  for (const d of dims) n *= typeof d === 'number' ? d : 1;
  return n;
}
