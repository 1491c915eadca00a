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
  // Kept in order as they come: no sort of every box (50,000 in a large graph) for ten of them.
  const top: number[] = [];
  values.forEach((v, i) => {
    if (v === null || !(v > 0) || n <= 0) return;
    if (top.length === n && !(v > values[top[n - 1]]!)) return;
    let k = top.length;
    while (k > 0 && values[top[k - 1]]! < v) k--;
    top.splice(k, 0, i);
    if (top.length > n) top.pop();
  });
  return top;
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
  return ramp(fill, low, high)(t);
}

/** The ramp with its colours parsed once (a large graph colours every box). */
function ramp(fill: string, low: string, high: string): (t: number) => string {
  const f = parseRgb(fill);
  const a = parseRgb(low);
  const b = parseRgb(high);
  const channel = (t: number, k: number, i: number) => Math.round(f[i] + ((a[i] + (b[i] - a[i]) * t) - f[i]) * k);
  return (t) => {
    const k = 0.2 + 0.35 * t;
    return `rgb(${channel(t, k, 0)}, ${channel(t, k, 1)}, ${channel(t, k, 2)})`;
  };
}

/** Fill colour per box (undefined: drawn as without the overlay). */
export function boxColors(values: readonly (number | null)[], s: OverlayScale | null, fill: string, low: string, high: string): (string | undefined)[] {
  const color = ramp(fill, low, high);
  return values.map((v) => {
    const t = s ? position(s, v) : null;
    return t === null ? undefined : color(t);
  });
}
