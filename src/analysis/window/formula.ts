import type { Dim } from '../../ir/types';
import { axisNames, axisResult, effectiveKernel, type AxisResult, type NodeWindow, type WindowAxis, type WindowSpec } from './geometry';

/**
 * The output-size formula of one axis in the study notes' form, with the layer's own numbers:
 *   (227 + 2·0 − 11)/4 + 1 = 55        exact division
 *   ⌊(112 + 2·1 − 3)/2⌋ + 1 = 56       floor brackets when the division is not exact
 *   ⌈(112 + 2·0 − 3)/2⌉ + 1 = 56       ceil_mode
 *   (5 + 1 + 2 − 3)/1 + 1 = 6          asymmetric pads
 *   ⌈224/2⌉ = 112                      SAME (ONNX SAME_* and Keras 'same')
 *   (227 + 2·0 − 11)/4 + 1 = 55        VALID and Keras 'valid' are the same with no padding
 *   2·(7 − 1) + 3 − 2·1 + 1 = 14       transposed: s·(in − 1) + k_eff − pads + output_padding
 * Dilation appears as the effective kernel, followed by ', k_eff = d·(k − 1) + 1 = 5'. The
 * printed result is the dim the analysis inferred. Symbolic sizes are written as their symbol.
 * Grammar (evaluated by test/unit/window-formulas.test.ts): `AXIS: EXPR = RESULT[, NOTE]…`.
 */

const M = '−';

function dimText(d: Dim): string {
  if (typeof d === 'number') return d < 0 ? `(${M}${-d})` : String(d);
  return /^[A-Za-z_][\w.]*$/.test(d) ? d : `(${d})`;
}

function num(n: number): string {
  return n < 0 ? `(${M}${-n})` : String(n);
}

const padsPlus = (b: number, e: number): string => (b === e ? ` + 2·${num(b)}` : ` + ${num(b)} + ${num(e)}`);
const padsMinus = (b: number, e: number): string => (b === e ? ` ${M} 2·${num(b)}` : ` ${M} ${num(b)} ${M} ${num(e)}`);

function exactly(a: Dim, s: number): boolean {
  return typeof a === 'number' && a % s === 0;
}

function windowBody(w: WindowSpec, i: number, size: Dim, r: AxisResult): string {
  const s = w.strides[i];
  const keff = effectiveKernel(w.kernel[i], w.dilations[i]);
  const inT = dimText(size);
  if (w.mode === 'same_upper' || w.mode === 'same_lower') return `⌈${inT}/${s}⌉`;
  // VALID is the notes' formula with no padding: ⌈(in − k_eff + 1)/s⌉ = ⌊(in − k_eff)/s⌋ + 1.
  const valid = w.mode === 'valid';
  const pb = valid ? 0 : w.pads[i];
  const pe = valid ? 0 : w.pads[i + w.kernel.length];
  const numerator = `${inT}${padsPlus(pb, pe)} ${M} ${keff}`;
  const span = typeof size === 'number' ? size + pb + pe - keff : size;
  const divided = s === 1 || exactly(span, s) ? `(${numerator})/${s}` : w.ceilMode ? `⌈(${numerator})/${s}⌉` : `⌊(${numerator})/${s}⌋`;
  return `${divided} + 1${r.dropped ? ` ${M} 1` : ''}`;
}

function transposedBody(w: WindowSpec, i: number, size: Dim, r: AxisResult): string {
  const s = w.strides[i];
  const keff = effectiveKernel(w.kernel[i], w.dilations[i]);
  const inT = dimText(size);
  const op = w.outputPadding?.[i] ?? 0;
  const opText = op ? ` + ${op}` : '';
  const same = w.mode === 'same_upper' || w.mode === 'same_lower';
  if (w.keras && !w.outputPadding) {
    if (same || keff <= s) return `${inT}·${s}`;
    return `${inT}·${s} + ${keff} ${M} ${s}`;
  }
  if (!w.keras && same && !w.outputShape) return `${inT}·${s}`;
  if (r.padBegin === null || r.padEnd === null) return dimText(r.out);
  return `${s}·(${inT} ${M} 1) + ${keff}${padsMinus(r.padBegin, r.padEnd)}${opText}`;
}

function notes(w: WindowSpec, i: number, r: AxisResult): string {
  const parts: string[] = [];
  const k = w.kernel[i];
  const d = w.dilations[i];
  if (d !== 1) parts.push(`k_eff = ${d}·(${k} ${M} 1) + 1 = ${effectiveKernel(k, d)}`);
  if (r.dropped) parts.push('the last window would start in the end padding');
  if (w.kind === 'transposed' && w.outputShape && !w.keras) parts.push('pads from output_shape');
  return parts.map((p) => `, ${p}`).join('');
}

/** The formula of axis i, e.g. 'H: (224 + 2·3 − 7)/2 + 1 = 112'; `inferred` is the analysis's dim. */
export function axisFormula(w: WindowSpec, i: number, size: Dim, inferred?: Dim): string {
  const r = axisResult(w, i, size);
  const name = axisNames(w.kernel.length)[i];
  const body = w.kind === 'transposed' ? transposedBody(w, i, size, r) : windowBody(w, i, size, r);
  return `${name}: ${body} = ${dimText(inferred ?? r.out)}${notes(w, i, r)}`;
}

export interface WindowExtras {
  groups?: number;
  depthwise?: boolean;
  outChannels?: Dim | null;
}

/** The node's window as the views read it: per axis the numbers and the formula. `outSpatial`
 * holds the inferred output dims (the arithmetic's own when absent). */
export function describeWindow(w: WindowSpec, inSpatial: Dim[], outSpatial?: (Dim | undefined)[], extras: WindowExtras = {}): NodeWindow {
  const names = axisNames(w.kernel.length);
  const axes: WindowAxis[] = inSpatial.map((size, i) => {
    const r = axisResult(w, i, size);
    const out = outSpatial?.[i] ?? r.out;
    const a: WindowAxis = {
      axis: names[i],
      in: size,
      kernel: w.kernel[i],
      stride: w.strides[i],
      dilation: w.dilations[i],
      padBegin: r.padBegin,
      padEnd: r.padEnd,
      ceil: w.ceilMode,
      out,
      formula: axisFormula(w, i, size, out),
    };
    if (w.kind === 'transposed') a.outputPadding = w.outputPadding?.[i] ?? 0;
    return a;
  });
  return {
    kind: w.kind,
    mode: w.mode,
    axes,
    groups: extras.groups ?? 1,
    depthwise: extras.depthwise ?? false,
    outChannels: extras.outChannels ?? null,
    spec: w,
  };
}

/** The same window for other input sizes (a run's real shapes where the analysis had symbols). */
export function windowAt(win: NodeWindow, inSpatial: Dim[], outSpatial?: (Dim | undefined)[]): NodeWindow {
  return describeWindow(win.spec, inSpatial, outSpatial, win);
}
