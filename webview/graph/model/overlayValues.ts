import type { ViewGraph } from '../../../src/protocol/viewModel';
import type { LayerTimes } from '../../../src/runtime/profile';
import type { DisplayGraph } from './displayGraph';

/**
 * The figure an overlay colours each visible box by. Parameters and MACs are the analysis's, as the box
 * already aggregates them (a folded box, a quantised layer, a collapsed group); activation memory is the
 * sum of its members' output bytes; time is the sum of its members' shares of ONNX Runtime's profile.
 * Pure, so it is tested in Node; the colours are worked out once per change, never per frame.
 */
export type OverlayMetric = 'none' | 'params' | 'macs' | 'memory' | 'time';

export const OVERLAY_METRICS: OverlayMetric[] = ['none', 'params', 'macs', 'memory', 'time'];

/** Per display box: its figure, or null where it has none (inputs, outputs, unknown, not timed). */
export function boxValues(g: ViewGraph, d: DisplayGraph, metric: OverlayMetric, times?: LayerTimes | null): (number | null)[] {
  return d.nodes.map((n) => {
    if (metric === 'none' || n.kind === 'input' || n.kind === 'output') return null;
    if (metric === 'params') return n.params;
    if (metric === 'macs') return n.macs;
    if (metric === 'memory') return n.members.reduce((a, m) => a + g.nodes[m].activationBytes, 0);
    if (!times) return null;
    let sum = 0;
    let timed = false;
    for (const m of n.members) {
      const t = times.nodes[g.nodes[m].id];
      if (t) {
        sum += t.micros;
        timed = true;
      }
    }
    return timed ? sum : null;
  });
}

/** The `n` boxes with the largest figures (ties in graph order), zero and unknown left out. */
export function topBoxes(values: readonly (number | null)[], n = 10): number[] {
  const idx: number[] = [];
  values.forEach((v, i) => {
    if (v !== null && v > 0) idx.push(i);
  });
  return idx.sort((a, b) => values[b]! - values[a]! || a - b).slice(0, n);
}

/** A logarithmic scale from the smallest to the largest positive figure (figures span orders of magnitude). */
export interface OverlayScale {
  min: number;
  max: number;
}

export function scaleOf(values: readonly (number | null)[]): OverlayScale | null {
  let min = Infinity;
  let max = 0;
  for (const v of values) {
    if (v === null || !(v > 0)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return max > 0 ? { min, max } : null;
}

/** Where `v` lies on the scale, 0…1 (null for a box left uncoloured: no figure, or zero). */
export function position(s: OverlayScale, v: number | null): number | null {
  if (v === null || !(v > 0)) return null;
  if (s.max === s.min) return 1;
  return Math.min(1, Math.max(0, Math.log(v / s.min) / Math.log(s.max / s.min)));
}

/** The figure at position `t` of the scale (the legend's tick values). */
export function valueAt(s: OverlayScale, t: number): number {
  return s.max === s.min ? s.max : s.min * Math.pow(s.max / s.min, t);
}

type Rgb = [number, number, number];

export function parseRgb(css: string): Rgb {
  const m = css.match(/rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [128, 128, 128];
}

/**
 * The box colour at position `t`: the theme's box fill tinted towards the ramp (low → high, both theme
 * colours), more strongly the higher `t`, so text in the theme's colour stays readable on every box.
 */
export function rampColor(t: number, fill: string, low: string, high: string): string {
  const f = parseRgb(fill);
  const a = parseRgb(low);
  const b = parseRgb(high);
  const k = 0.2 + 0.35 * t;
  const c = [0, 1, 2].map((i) => Math.round(f[i] + ((a[i] + (b[i] - a[i]) * t) - f[i]) * k));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** Fill colour per box (undefined: drawn as without the overlay). */
export function boxColors(values: readonly (number | null)[], s: OverlayScale | null, fill: string, low: string, high: string): (string | undefined)[] {
  return values.map((v) => {
    const t = s ? position(s, v) : null;
    return t === null ? undefined : rampColor(t, fill, low, high);
  });
}
