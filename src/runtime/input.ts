import type { Dim } from '../ir/types';
import { drawPattern, type PatternName } from './patterns';
import { resizeBilinear, toUnitFloat, type RgbImage } from './image';
import { toFloat16Bits } from './float16';
import { dimName } from '../analysis/inputDims';

/** A model input as the runtime reports it (dims may be symbolic names). */
export interface InputSpec {
  name: string;
  dtype: string;
  shape: Dim[] | null;
}

export type Normalization = 'auto' | 'imagenet' | 'unit' | 'symmetric' | 'raw255';

export interface InputOptions {
  /** 'auto': ImageNet mean/std for 3-channel inputs, [0, 1] for 1-channel ones. */
  normalization: Normalization;
  /** Feed channels as B, G, R (Caffe/OpenCV-trained models). */
  bgr: boolean;
  /** Values of symbolic dims, by name (e.g. { N: 1, height: 224 }), as src/analysis/inputDims.ts names them. */
  dims: Record<string, number>;
}

/** Where the picture comes from: a pattern drawn at the needed size, or a decoded image resized to it. */
export type PictureSource = { kind: 'pattern'; pattern: PatternName; seed?: number } | { kind: 'image'; image: RgbImage };

export type FeedData = Float32Array | Float64Array | Uint8Array | Int8Array | Uint16Array | Int32Array | BigInt64Array;

export interface PreparedInput {
  name: string;
  dtype: string;
  dims: number[];
  data: FeedData;
  /** How the picture was laid out, or 'zeros' when the input is not image-like. */
  layout: 'NCHW' | 'NHWC' | 'CHW' | 'HWC' | 'flat' | 'zeros';
  /** Plain-words account of what was fed. */
  description: string;
}

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

export function resolveShape(spec: InputSpec, dims: Record<string, number>): number[] {
  if (!spec.shape) throw new Error(`input '${spec.name}' has no declared shape; ConvLens needs one to build a sample input`);
  return spec.shape.map((d, axis) => {
    if (typeof d === 'number' && d >= 0) return d;
    const name = dimName(spec.name, axis, d);
    const v = dims[name];
    if (v === undefined || !Number.isInteger(v) || v < 1) throw new Error(`input '${spec.name}': no value for the symbolic dim '${name}' (axis ${axis})`);
    return v;
  });
}

interface ImageLayout {
  layout: PreparedInput['layout'];
  batch: number;
  channels: number;
  height: number;
  width: number;
}

/** Reads the picture layout off a resolved input shape; null when the input is not image-like. */
export function imageLayout(dims: number[]): ImageLayout | null {
  const ch = (d: number) => d >= 1 && d <= 4;
  if (dims.length === 4) {
    const [n, a, b, c] = dims;
    if (ch(a) && (!ch(c) || a <= c)) return { layout: 'NCHW', batch: n, channels: a, height: b, width: c };
    if (ch(c)) return { layout: 'NHWC', batch: n, channels: c, height: a, width: b };
    return { layout: 'NCHW', batch: n, channels: a, height: b, width: c };
  }
  if (dims.length === 3) {
    const [a, b, c] = dims;
    if (ch(a) && (!ch(c) || a <= c)) return { layout: 'CHW', batch: 1, channels: a, height: b, width: c };
    if (ch(c)) return { layout: 'HWC', batch: 1, channels: c, height: a, width: b };
    return null;
  }
  if (dims.length === 2) {
    const side = Math.round(Math.sqrt(dims[1]));
    if (side > 1 && side * side === dims[1]) return { layout: 'flat', batch: dims[0], channels: 1, height: side, width: side };
  }
  return null;
}

function chooseNormalization(n: Normalization, channels: number): Exclude<Normalization, 'auto'> {
  if (n !== 'auto') return n;
  return channels >= 3 ? 'imagenet' : 'unit';
}

/** Builds every model input: image-like ones get the picture, the others zeros (said in `description`). */
export function prepareInputs(specs: InputSpec[], source: PictureSource, opts: InputOptions): PreparedInput[] {
  return specs.map((spec) => prepareInput(spec, source, opts));
}

export function prepareInput(spec: InputSpec, source: PictureSource, opts: InputOptions): PreparedInput {
  const dims = resolveShape(spec, opts.dims);
  const count = dims.reduce((a, b) => a * b, 1);
  const lay = imageLayout(dims);
  const numeric = ['float32', 'float64', 'float16', 'uint8', 'int8'].includes(spec.dtype);
  if (!lay || !numeric) {
    return { name: spec.name, dtype: spec.dtype, dims, data: zeros(spec.dtype, count), layout: 'zeros', description: `${spec.name}: zeros (${spec.dtype} [${dims.join(', ')}] is not an image input)` };
  }
  const rgb = picture(source, lay.width, lay.height);
  const norm = spec.dtype === 'uint8' || spec.dtype === 'int8' ? 'raw255' : chooseNormalization(opts.normalization, lay.channels);
  const values = new Float32Array(count);
  const plane = lay.height * lay.width;
  const perImage = plane * lay.channels;
  for (let c = 0; c < lay.channels; c++) {
    const [mean, std] = normParams(norm, lay.channels, c);
    for (let p = 0; p < plane; p++) {
      const r = rgb[p * 3], g = rgb[p * 3 + 1], b = rgb[p * 3 + 2];
      let v: number;
      if (lay.channels === 1) v = 0.299 * r + 0.587 * g + 0.114 * b; // ITU-R BT.601 luma
      else if (c < 3) v = rgb[p * 3 + (opts.bgr ? 2 - c : c)];
      else v = c === 3 ? 1 : 0.299 * r + 0.587 * g + 0.114 * b; // alpha, then extra channels as luma
      const x = (v - mean) / std;
      const idx = lay.layout === 'NHWC' || lay.layout === 'HWC' ? p * lay.channels + c : c * plane + p;
      for (let n = 0; n < lay.batch; n++) values[n * perImage + idx] = x;
    }
  }
  const what = source.kind === 'pattern' ? `pattern '${source.pattern}'` : `image ${source.image.width}×${source.image.height}`;
  return {
    name: spec.name,
    dtype: spec.dtype,
    dims,
    data: convert(values, spec.dtype),
    layout: lay.layout,
    description: `${spec.name}: ${what} as ${lay.layout} ${lay.channels === 1 ? 'grayscale' : opts.bgr ? 'BGR' : 'RGB'} ${lay.width}×${lay.height}, ${normDescription(norm)}`,
  };
}

function picture(source: PictureSource, width: number, height: number): Float32Array {
  if (source.kind === 'pattern') return drawPattern(source.pattern, width, height, source.seed ?? 1);
  return resizeBilinear(toUnitFloat(source.image), source.image.width, source.image.height, 3, width, height);
}

function normParams(n: Exclude<Normalization, 'auto'>, channels: number, c: number): [number, number] {
  switch (n) {
    case 'imagenet':
      if (channels === 1) return [0.449, 0.226]; // the means of ImageNet's three channels
      return c < 3 ? [IMAGENET_MEAN[c], IMAGENET_STD[c]] : [0, 1];
    case 'unit': return [0, 1];
    case 'symmetric': return [0.5, 0.5];
    case 'raw255': return [0, 1 / 255];
  }
}

function normDescription(n: Exclude<Normalization, 'auto'>): string {
  switch (n) {
    case 'imagenet': return 'ImageNet mean/std';
    case 'unit': return 'values in [0, 1]';
    case 'symmetric': return 'values in [-1, 1]';
    case 'raw255': return 'values in [0, 255]';
  }
}

function convert(values: Float32Array, dtype: string): FeedData {
  switch (dtype) {
    case 'float32': return values;
    case 'float64': return Float64Array.from(values);
    case 'float16': return toFloat16Bits(values);
    case 'uint8': return Uint8Array.from(values, (v) => Math.max(0, Math.min(255, Math.round(v))));
    case 'int8': return Int8Array.from(values, (v) => Math.max(-128, Math.min(127, Math.round(v - 128))));
    default: throw new Error(`unsupported input dtype ${dtype}`);
  }
}

function zeros(dtype: string, count: number): FeedData {
  switch (dtype) {
    case 'float32': return new Float32Array(count);
    case 'float64': return new Float64Array(count);
    case 'float16': return new Uint16Array(count);
    case 'uint8': case 'bool': return new Uint8Array(count);
    case 'int8': return new Int8Array(count);
    case 'int32': return new Int32Array(count);
    case 'int64': return new BigInt64Array(count);
    default: throw new Error(`input dtype ${dtype} cannot be fed by ConvLens`);
  }
}
