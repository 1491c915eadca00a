import type { Dim } from '../../src/ir/types';

/** Numbers and shapes as the graph view and the feature-map panel print them (no side effects: both bundles import it). */

/** '64×56×56'; the batch dim is left out when asked and it is symbolic or 1. */
export function formatShape(shape: Dim[] | null | undefined, hideBatch: boolean): string {
  if (!shape) return '?';
  if (shape.length === 0) return 'scalar';
  const dims = hideBatch && shape.length > 1 && (typeof shape[0] === 'string' || shape[0] === 1) ? shape.slice(1) : shape;
  return dims.join('×');
}

/** '1.2M'; '?' for a figure the analysis could not compute. */
export function formatCount(n: number | null): string {
  if (n === null) return '?';
  const a = Math.abs(n);
  if (a >= 1e9) return trim(n / 1e9) + 'G';
  if (a >= 1e6) return trim(n / 1e6) + 'M';
  if (a >= 1e3) return trim(n / 1e3) + 'K';
  return String(n);
}

/** A total, with ' + ?' when some nodes' figures are unknown (Totals.partial). */
export function formatTotal(n: number, unknownNodes: number | undefined): string {
  return unknownNodes ? `${formatCount(n)} + ? (${unknownNodes} node${unknownNodes === 1 ? '' : 's'} unknown)` : formatCount(n);
}

/** The sum of two figures: unknown when either is. */
export function addFigures(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return trim(n / 1024 ** 3) + ' GiB';
  if (n >= 1024 ** 2) return trim(n / 1024 ** 2) + ' MiB';
  if (n >= 1024) return trim(n / 1024) + ' KiB';
  return `${n} B`;
}

/** A duration given in microseconds: '85 µs', '1.24 ms', '2.10 s'. */
export function formatMicros(us: number): string {
  if (us >= 1e6) return `${(us / 1e6).toFixed(2)} s`;
  if (us >= 1e3) return `${(us / 1e3).toFixed(2)} ms`;
  return `${us >= 10 ? us.toFixed(0) : us.toFixed(1)} µs`;
}

/** A tensor value: four significant digits, exponent notation when very small or large. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return Number(v.toPrecision(4)).toString();
}

/** A fraction as a percentage with one decimal: 0.1234 -> '12.3%'. */
export function formatPercent(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}

function trim(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}
