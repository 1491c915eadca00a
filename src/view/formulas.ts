import type { Dim } from '../ir/types';
import type { WindowGeometry } from './geometry';

/**
 * The output-size formula of a convolution or pooling layer, one line per spatial axis, with
 * the layer's own numbers: 'H: (227 + 2·0 − 11)/4 + 1 = 55'. Floor/ceil brackets appear only
 * when the division is not exact; the result printed is the one the analysis inferred
 * (falling back to the formula's own value when the analysis has none).
 */
export function axisNames(rank: number): string[] {
  if (rank === 1) return ['L'];
  if (rank === 2) return ['H', 'W'];
  if (rank === 3) return ['D', 'H', 'W'];
  return Array.from({ length: rank }, (_, i) => `x${i + 1}`);
}

function kernelTerm(k: number, d: number): string {
  return d === 1 ? String(k) : `(${d}·(${k} − 1) + 1)`;
}

function padTerm(b: number, e: number): string {
  return b === e ? `2·${b}` : `${b} + ${e}`;
}

export function windowFormulas(g: WindowGeometry): string[] {
  const names = axisNames(g.kernel.length);
  return g.kernel.map((k, i) => `${names[i]}: ${axisFormula(g, i, k)}`);
}

function axisFormula(g: WindowGeometry, i: number, k: number): string {
  const s = g.strides[i];
  const d = g.dilations[i];
  const keff = d * (k - 1) + 1;
  const inDim: Dim | undefined = g.inSpatial[i];
  const outDim = g.outSpatial[i];
  const inNum = typeof inDim === 'number' ? inDim : undefined;
  const inText = inDim === undefined ? '?' : String(inDim);
  const result = (computed: number | undefined): string => {
    const shown = outDim !== undefined ? outDim : computed;
    return shown === undefined ? '' : ` = ${shown}`;
  };
  if (g.kind === 'convTranspose') {
    if (g.mode === 'same') return `${inText}·${s}${result(inNum !== undefined ? inNum * s : undefined)}`;
    const pb = g.pads?.begin[i] ?? 0;
    const pe = g.pads?.end[i] ?? 0;
    const op = g.outputPadding[i] ?? 0;
    const opText = op ? ` + ${op}` : '';
    const padText = pb || pe ? ` − ${pb === pe ? `2·${pb}` : `${pb} − ${pe}`}` : '';
    const value = inNum !== undefined ? s * (inNum - 1) + op + keff - pb - pe : undefined;
    return `${s}·(${inText} − 1)${opText} + ${kernelTerm(k, d)}${padText}${result(value)}`;
  }
  if (g.mode === 'same') {
    const value = inNum !== undefined ? Math.ceil(inNum / s) : undefined;
    const body = `⌈${inText}/${s}⌉`;
    return `${body}${result(value)} (same padding)`;
  }
  const pb = g.mode === 'explicit' ? g.pads?.begin[i] ?? 0 : 0;
  const pe = g.mode === 'explicit' ? g.pads?.end[i] ?? 0 : 0;
  const padText = g.mode === 'valid' ? '' : ` + ${padTerm(pb, pe)}`;
  const numerator = `${inText}${padText} − ${kernelTerm(k, d)}`;
  if (s === 1) {
    const value = inNum !== undefined ? inNum + pb + pe - keff + 1 : undefined;
    return `${numerator} + 1${result(value)}`;
  }
  const span = inNum !== undefined ? inNum + pb + pe - keff : undefined;
  const exact = span !== undefined && span % s === 0;
  const value = span === undefined ? undefined : (g.ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  const divided = exact ? `(${numerator})/${s}` : g.ceil ? `⌈(${numerator})/${s}⌉` : `⌊(${numerator})/${s}⌋`;
  return `${divided} + 1${result(value)}`;
}
