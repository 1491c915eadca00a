import type { Analysis } from './types';
import type { WindowAxis } from './window/geometry';

/**
 * The input region one output position can see, propagated back through every layer: per spatial
 * axis an inclusive pixel range on a graph input, before clipping (it reaches into the padding,
 * start < 0 or end ≥ size) and clipped to the image. The per-tensor numbers in receptive.ts say how
 * large a field is; this says where it lies, for the outline on the input image (Feature Maps / Step).
 *
 *   window:      [lo, hi] → [lo·s − p_b, hi·s − p_b + (k − 1)·d]
 *   transposed:  [lo, hi] → [⌈(lo + p_b − (k − 1)·d)/s⌉, ⌊(hi + p_b)/s⌋]
 *   pass, scale: [lo, hi] → [⌊lo·r⌋, ⌈(hi + 1)·r⌉ − 1],  r = j_out/j_in (1 for element-wise ops)
 * Branches merge as the bounding range of what each input sees (Add, Concat, Sum …). A region's
 * unclipped size is the analysis's receptive field wherever the branches' ranges nest (every chain).
 */
export interface AxisRange {
  start: number;
  end: number;
}

export interface InputRegion {
  /** The graph input the region lies on. */
  input: string;
  /** Per spatial axis, in the order of the tensors' receptive-field numbers (H, W for images). */
  range: AxisRange[];
  /** The input's spatial size per axis; null where it is symbolic. */
  size: number[] | null;
  /** `range` clipped to the input: the pixels that exist. Null when the size is unknown or nothing is left. */
  clipped: AxisRange[] | null;
  /** Size of `range` per axis in pixels (the padding included). */
  extent: number[];
  /** Centre of `range` per axis, in pixel coordinates (a half for an even extent). */
  centre: number[];
}

/** One layer's back-mapping of an output range to an input range on one axis; swappable in tests. */
export type AxisStep = (axis: WindowAxis, kind: 'window' | 'transposed', out: AxisRange) => AxisRange;

export const windowStep: AxisStep = (a, kind, { start, end }) => {
  const pb = a.padBegin as number;
  const span = (a.kernel - 1) * a.dilation;
  if (kind === 'window') return { start: start * a.stride - pb, end: end * a.stride - pb + span };
  return { start: Math.ceil((start + pb - span) / a.stride), end: Math.floor((end + pb) / a.stride) };
};

/**
 * The region on each graph input that `tensor` at spatial position `pos` reads; empty when the
 * tensor is not spatial (after a Flatten or a global pool it sees the whole input) or when a window
 * on the way has padding that is not known as numbers. `pos` is per spatial axis, like `range`.
 */
export function inputRegions(analysis: Analysis, tensor: string, pos: readonly number[], step: AxisStep = windowStep): InputRegion[] {
  const info = analysis.tensors.get(tensor);
  if (!info?.receptiveField || info.receptiveField.length !== pos.length) return [];
  const n = pos.length;
  const ranges = new Map<string, AxisRange[]>([[tensor, pos.map((p) => ({ start: p, end: p }))]]);
  // Input sizes are read off the windows that read each input (their 'in'), so no layout is assumed.
  const sizes = new Map<string, number[]>();
  const merge = (name: string, r: AxisRange[]): void => {
    const t = analysis.tensors.get(name);
    if (!t || t.isWeight || t.constant || t.receptiveField?.length !== n) return;
    const have = ranges.get(name);
    if (!have) ranges.set(name, r);
    else ranges.set(name, have.map((h, i) => ({ start: Math.min(h.start, r[i].start), end: Math.max(h.end, r[i].end) })));
  };
  for (let k = analysis.order.length - 1; k >= 0; k--) {
    const id = analysis.order[k];
    const node = analysis.nodeById.get(id);
    if (!node) continue;
    const outs = node.outputs.map((o) => ranges.get(o)).filter((r): r is AxisRange[] => r !== undefined);
    if (outs.length === 0) continue;
    const out = outs.reduce((a, b) => a.map((x, i) => ({ start: Math.min(x.start, b[i].start), end: Math.max(x.end, b[i].end) })));
    const win = analysis.nodes.get(id)?.window;
    if (win) {
      if (win.axes.length !== n || win.axes.some((a) => a.padBegin === null)) return [];
      const x = node.inputs[0];
      merge(x, out.map((r, i) => step(win.axes[i], win.kind, r)));
      const ins = win.axes.map((a) => a.in);
      if (ins.every((d): d is number => typeof d === 'number')) sizes.set(x, ins);
      continue;
    }
    const jOut = analysis.tensors.get(node.outputs.find((o) => ranges.has(o)) as string)?.stride;
    for (const x of node.inputs) {
      const jIn = x ? analysis.tensors.get(x)?.stride : null;
      if (!x || !jIn || !jOut || jIn.length !== n) continue;
      merge(x, out.map((r, i) => {
        const ratio = jOut[i] / jIn[i];
        return ratio === 1 ? r : { start: Math.floor(r.start * ratio), end: Math.ceil((r.end + 1) * ratio) - 1 };
      }));
    }
  }
  const regions: InputRegion[] = [];
  for (const v of graphInputs(analysis)) {
    const range = ranges.get(v);
    if (!range) continue;
    const size = sizes.get(v) ?? spatialSize(analysis, v, n);
    regions.push({
      input: v,
      range,
      size,
      clipped: size ? clip(range, size) : null,
      extent: range.map((r) => r.end - r.start + 1),
      centre: range.map((r) => (r.start + r.end) / 2),
    });
  }
  return regions;
}

/** The pixels of `range` inside an input of `size`; null when none are. */
export function clip(range: readonly AxisRange[], size: readonly number[]): AxisRange[] | null {
  const c = range.map((r, i) => ({ start: Math.max(0, r.start), end: Math.min(size[i] - 1, r.end) }));
  return c.every((r) => r.start <= r.end) ? c : null;
}

/** Graph inputs: tensors no node produces that are neither weights nor constants. */
function graphInputs(analysis: Analysis): string[] {
  const out: string[] = [];
  for (const [name, t] of analysis.tensors) if (t.producer === undefined && !t.isWeight && !t.constant && t.receptiveField) out.push(name);
  return out;
}

/** An input no window reads directly: its last n axes, when they are numbers (NCHW). */
function spatialSize(analysis: Analysis, name: string, n: number): number[] | null {
  const shape = analysis.tensors.get(name)?.shape;
  if (!shape || shape.length < n) return null;
  const s = shape.slice(shape.length - n);
  return s.every((d): d is number => typeof d === 'number') ? s : null;
}

/** Every output position's input range, axis by axis (the back-projection is separable: each layer
 * and each merge acts on one axis at a time), for a view that outlines the field of any pixel it is
 * pointed at without asking again. */
export interface FieldMap {
  input: string;
  size: number[];
  /** axes[i][p]: the unclipped input range of output index p on axis i. */
  axes: AxisRange[][];
}

export function fieldMap(analysis: Analysis, tensor: string, outSize: readonly number[]): FieldMap | null {
  const longest = Math.max(0, ...outSize);
  const axes: AxisRange[][] = outSize.map(() => []);
  let input = '';
  let size: number[] | null = null;
  for (let p = 0; p < longest; p++) {
    const r = inputRegions(analysis, tensor, outSize.map((n) => Math.min(p, n - 1)));
    if (r.length !== 1 || !r[0].size) return null;
    ({ input, size } = r[0]);
    r[0].range.forEach((q, i) => {
      if (p < outSize[i]) axes[i].push(q);
    });
  }
  return size ? { input, size, axes } : null;
}
