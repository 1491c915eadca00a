import type { Dim, Model, Shape } from '../ir/types';

/**
 * The symbolic dims of a model's inputs and the size each is analysed at. This is the one place
 * that decides a default size: the graph view's input-size control, the totals' `evaluatedAt`,
 * `convlens check` and sample inference all read it from here, so a figure is never computed at a
 * size nobody stated.
 */

export type InputDimRole = 'batch' | 'spatial' | 'channel' | 'other';

/** Where a dim's size comes from: the user's choice, the model's metadata_props, or our default. */
export type InputDimSource = 'chosen' | 'metadata' | 'default';

export interface InputDim {
  /** The dim's name as the model spells it; an unnamed dim ('?') is `<input>[<axis>]`. */
  name: string;
  /** First input (and axis) where it appears. */
  input: string;
  axis: number;
  role: InputDimRole;
  value: number;
  source: InputDimSource;
}

export interface InputLike {
  name: string;
  shape: Shape | null;
}

/** Default sizes: one sample, a 224×224 picture (ImageNet's), RGB. */
export const DEFAULT_SIZE: Record<InputDimRole, number> = { batch: 1, spatial: 224, channel: 3, other: 1 };

/** The name a symbolic dim goes by: its own, or `<input>[<axis>]` when the file leaves it unnamed. */
export function dimName(input: string, axis: number, d: Dim): string {
  return typeof d === 'string' && d !== '' && d !== '?' ? d : `${input}[${axis}]`;
}

function isSymbolic(d: Dim): boolean {
  return typeof d !== 'number' || d < 0;
}

const small = (d: Dim | undefined): boolean => typeof d === 'number' && d >= 1 && d <= 4;

/** What an axis holds, read from the dim's name first and then from its place in the shape. */
function roleOf(name: string, shape: Shape, axis: number): InputDimRole {
  const n = name.toLowerCase();
  if (/batch|^(n|b|bs|num|unk__\d+)$/.test(n) && axis === 0) return 'batch';
  if (/height|width|^(h|w|y|x|size|img_?size|image_?size|side)$/.test(n)) return 'spatial';
  if (/chan|^c$/.test(n)) return 'channel';
  if (axis === 0 && shape.length >= 2) return 'batch';
  if (shape.length === 4) {
    // NCHW when the channel axis (1) is a small known count or is named; NHWC when the last one is.
    const channelsLast = small(shape[3]) && !small(shape[1]);
    if (channelsLast) return axis === 3 ? 'channel' : 'spatial';
    return axis === 1 ? 'channel' : 'spatial';
  }
  if (shape.length === 3) return small(shape[2]) && !small(shape[0]) ? (axis === 2 ? 'channel' : 'spatial') : axis === 0 ? 'channel' : 'spatial';
  if (shape.length === 5) return axis === 1 ? 'channel' : 'spatial';
  return 'other';
}

/** Sizes the model's metadata_props state: a key named like the dim, or an image size
 * (`imgsz`, `image_size`, `input_size`: one number or [height, width]) for the spatial dims. */
function metadataSize(meta: Record<string, string>, name: string, role: InputDimRole, spatialIndex: number): number | undefined {
  const keys = new Map(Object.entries(meta).map(([k, v]) => [k.toLowerCase(), v]));
  const own = keys.get(name.toLowerCase());
  if (own !== undefined && /^\s*\d+\s*$/.test(own)) return positive(Number(own));
  if (role !== 'spatial') return undefined;
  for (const k of ['imgsz', 'img_size', 'image_size', 'input_size', 'imagesize']) {
    const v = keys.get(k);
    if (v === undefined) continue;
    const nums = (v.match(/\d+/g) ?? []).map(Number);
    if (nums.length === 1) return positive(nums[0]);
    if (nums.length >= 2) return positive(nums[Math.min(spatialIndex, nums.length - 1)]);
  }
  return undefined;
}

function positive(n: number): number | undefined {
  return Number.isInteger(n) && n >= 1 && n <= 1_000_000 ? n : undefined;
}

/**
 * Every symbolic dim of `inputs`, once per name, with the size it takes: `chosen` first, then the
 * model's metadata, then DEFAULT_SIZE for its role.
 */
export function listInputDims(inputs: readonly InputLike[], metadata: Record<string, string> = {}, chosen: Record<string, number> = {}): InputDim[] {
  const out: InputDim[] = [];
  const seen = new Set<string>();
  for (const v of inputs) {
    const shape = v.shape;
    if (!shape) continue;
    let spatialIndex = 0;
    shape.forEach((d, axis) => {
      if (!isSymbolic(d)) return;
      const name = dimName(v.name, axis, d);
      const role = roleOf(name, shape, axis);
      const index = role === 'spatial' ? spatialIndex++ : 0;
      if (seen.has(name)) return;
      seen.add(name);
      const pick = positive(chosen[name]);
      const meta = pick === undefined ? metadataSize(metadata, name, role, index) : undefined;
      const value = pick ?? meta ?? DEFAULT_SIZE[role];
      out.push({ name, input: v.name, axis, role, value, source: pick !== undefined ? 'chosen' : meta !== undefined ? 'metadata' : 'default' });
    });
  }
  return out;
}

/** The model's inputs as analysed: `overrides` (--input-shape) replace the declared shapes. */
export function effectiveInputs(model: Model, overrides: Record<string, Shape> = {}): InputLike[] {
  return model.graph.inputs.map((v) => ({ name: v.name, shape: overrides[v.name] ?? v.shape }));
}

/** The symbolic input dims of a model and their sizes (see listInputDims). */
export function inputDimsOf(model: Model, overrides: Record<string, Shape> = {}, chosen: Record<string, number> = {}): InputDim[] {
  return listInputDims(effectiveInputs(model, overrides), model.metadata, chosen);
}

/** Name → size of every symbolic input dim, at the model's stated sizes or our defaults. */
export function defaultDimValues(model: Model, overrides: Record<string, Shape> = {}): Record<string, number> {
  return valuesOf(inputDimsOf(model, overrides));
}

export function valuesOf(dims: readonly InputDim[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of dims) out[d.name] = d.value;
  return out;
}

/** The inputs' shapes with every symbolic dim that has a value in `values` replaced by it. */
export function shapesAt(inputs: readonly InputLike[], values: Record<string, number>): Record<string, Shape> {
  const out: Record<string, Shape> = {};
  for (const v of inputs) {
    if (!v.shape) continue;
    out[v.name] = v.shape.map((d, axis) => (isSymbolic(d) ? values[dimName(v.name, axis, d)] ?? d : d));
  }
  return out;
}

/** 'height=480, width=640' (and which of them are defaults), for headers and the CLI. */
export function describeDims(dims: readonly InputDim[]): string {
  const list = dims.map((d) => `${d.name}=${d.value}`).join(', ');
  const defaults = dims.filter((d) => d.source === 'default').length;
  const meta = dims.filter((d) => d.source === 'metadata').length;
  const notes: string[] = [];
  if (defaults > 0) notes.push(defaults === dims.length ? `default size${defaults === 1 ? '' : 's'}` : `${dims.filter((d) => d.source === 'default').map((d) => d.name).join(', ')} default`);
  if (meta > 0) notes.push(meta === dims.length ? "the model's metadata" : `${dims.filter((d) => d.source === 'metadata').map((d) => d.name).join(', ')} from the model's metadata`);
  return notes.length ? `${list} (${notes.join('; ')})` : list;
}
