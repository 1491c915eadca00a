import * as l10n from '@vscode/l10n';
import type { Dim } from '../ir/types';
import { drawPattern, type PatternName } from './patterns';
import { resizeBilinear, toUnitFloat, type RgbImage } from './image';
import { toFloat16Bits } from './float16';
import { dimName } from '../analysis/inputDims';
import { channelNorm, DEFAULT_PREPROCESS, formulaOf, presetSettings, resolveNormalization, type AppliedPreprocessing, type PreprocessSettings } from './preprocess';
import type { LayoutEvidence } from './layout';

/** A model input as the runtime reports it (dims may be symbolic names). */
export interface InputSpec {
  name: string;
  dtype: string;
  shape: Dim[] | null;
}

export type Normalization = 'auto' | 'imagenet' | 'unit' | 'symmetric' | 'raw255';

export interface InputOptions {
  /** How the picture becomes the tensor (./preprocess.ts); without it, `normalization` and `bgr` say it. */
  preprocessing?: PreprocessSettings;
  /** 'auto': ImageNet mean/std for 3-channel inputs, [0, 1] for 1-channel ones. */
  normalization?: Normalization;
  /** Feed channels as B, G, R (Caffe/OpenCV-trained models). */
  bgr?: boolean;
  /** Values of symbolic dims, by name (e.g. { N: 1, height: 224 }), as src/analysis/inputDims.ts names them. */
  dims: Record<string, number>;
  /** The layout the model gives this input (./layout.ts); without it the shape decides. */
  layout?: LayoutEvidence;
}

/** The settings `opts` stand for: the explicit ones, else the older normalization/bgr pair. */
export function settingsOf(opts: Pick<InputOptions, 'preprocessing' | 'normalization' | 'bgr'>): PreprocessSettings {
  if (opts.preprocessing) return opts.preprocessing;
  const base = { ...DEFAULT_PREPROCESS, channels: opts.bgr ? 'BGR' as const : 'RGB' as const };
  return presetSettings(opts.normalization ?? 'auto', base);
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
  /** Exactly what was done to the picture (absent for 'zeros'). */
  applied?: AppliedPreprocessing;
}


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

/**
 * Reads the picture layout off a resolved input shape; null when the input is not image-like. `forced`
 * (the model's evidence or the user's choice) decides the channel axis whatever its size, so a
 * [1, 56, 56, 256] NHWC input is 256 channels of 56×56.
 */
export function imageLayout(dims: number[], forced?: 'NCHW' | 'NHWC'): ImageLayout | null {
  if (forced && (dims.length === 4 || dims.length === 3)) {
    const b = dims.length === 4 ? dims[0] : 1;
    const [x, y, z] = dims.slice(-3);
    const three = dims.length === 3;
    if (forced === 'NHWC') return { layout: three ? 'HWC' : 'NHWC', batch: b, channels: z, height: x, width: y };
    return { layout: three ? 'CHW' : 'NCHW', batch: b, channels: x, height: y, width: z };
  }
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

/** Builds every model input: image-like ones get the picture, the others zeros (said in `description`). */
export function prepareInputs(specs: InputSpec[], source: PictureSource, opts: InputOptions, layouts?: Map<string, LayoutEvidence>): PreparedInput[] {
  return specs.map((spec) => prepareInput(spec, source, { ...opts, layout: opts.layout ?? layouts?.get(spec.name) }));
}

const luma = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b; // ITU-R BT.601

export function prepareInput(spec: InputSpec, source: PictureSource, opts: InputOptions): PreparedInput {
  const dims = resolveShape(spec, opts.dims);
  const count = dims.reduce((a, b) => a * b, 1);
  const s = settingsOf(opts);
  const forced = s.layout !== 'auto' ? s.layout : opts.layout?.layout;
  const lay = imageLayout(dims, forced);
  const numeric = ['float32', 'float64', 'float16', 'uint8', 'int8'].includes(spec.dtype);
  if (!lay || !numeric) {
    return { name: spec.name, dtype: spec.dtype, dims, data: zeros(spec.dtype, count), layout: 'zeros', description: `${spec.name}: zeros (${spec.dtype} [${dims.join(', ')}] is not an image input)` };
  }
  const pic = picture(source, lay.width, lay.height, s.resize);
  const rgb = pic.rgb;
  const norm = resolveNormalization(s, lay.channels, spec.dtype);
  const values = new Float32Array(count);
  const plane = lay.height * lay.width;
  const perImage = plane * lay.channels;
  const gray = s.channels === 'gray' || lay.channels === 1;
  for (let c = 0; c < lay.channels; c++) {
    const [mean, std] = channelNorm(norm.mean, norm.std, c);
    for (let p = 0; p < plane; p++) {
      const r = rgb[p * 3], g = rgb[p * 3 + 1], b = rgb[p * 3 + 2];
      let v: number;
      if (gray) v = luma(r, g, b);
      else if (c < 3) v = rgb[p * 3 + (s.channels === 'BGR' ? 2 - c : c)];
      else v = c === 3 ? 1 : luma(r, g, b); // alpha (opaque), then extra channels as luma
      const x = (v * 255 - mean) / std;
      const idx = lay.layout === 'NHWC' || lay.layout === 'HWC' ? p * lay.channels + c : c * plane + p;
      for (let n = 0; n < lay.batch; n++) values[n * perImage + idx] = x;
    }
  }
  const applied: AppliedPreprocessing = {
    input: spec.name, preset: norm.preset, ...(norm.reason ? { auto: norm.reason } : {}),
    source: pic.source, resize: s.resize, ...(pic.resizedTo ? { resizedTo: pic.resizedTo } : {}),
    width: lay.width, height: lay.height, channels: lay.channels, order: gray ? 'gray' : s.channels,
    mean: norm.mean, std: norm.std, layout: lay.layout as AppliedPreprocessing['layout'],
    layoutReason: s.layout !== 'auto' ? l10n.t('chosen in the preprocessing settings') : opts.layout?.reason ?? l10n.t('read off the shape: the axis of 1 to 4 values is the channel axis'),
  };
  return {
    name: spec.name,
    dtype: spec.dtype,
    dims,
    data: convert(values, spec.dtype),
    layout: lay.layout,
    description: `${spec.name}: ${pic.source.name} as ${lay.layout} ${gray ? 'grayscale' : s.channels} ${lay.channels} × ${lay.height}×${lay.width}, ${formulaOf(applied)}${norm.reason ? ` (auto: ${norm.reason})` : ''}`,
    applied,
  };
}

interface Picture {
  rgb: Float32Array;
  source: AppliedPreprocessing['source'];
  resizedTo?: [number, number];
}

/** The picture at the input's size: a pattern drawn at it, an image stretched or resized and centre-cropped. */
function picture(source: PictureSource, width: number, height: number, resize: PreprocessSettings['resize']): Picture {
  if (source.kind === 'pattern') return { rgb: drawPattern(source.pattern, width, height, source.seed ?? 1), source: { kind: 'pattern', width, height, name: `pattern '${source.pattern}'` } };
  const img = source.image;
  const src = { kind: 'image' as const, width: img.width, height: img.height, name: `image ${img.width}×${img.height}` };
  const unit = toUnitFloat(img);
  if (resize === 'stretch') return { rgb: resizeBilinear(unit, img.width, img.height, 3, width, height), source: src };
  const scale = Math.max(width / img.width, height / img.height);
  const rw = Math.max(width, Math.round(img.width * scale));
  const rh = Math.max(height, Math.round(img.height * scale));
  const big = resizeBilinear(unit, img.width, img.height, 3, rw, rh);
  const x0 = Math.floor((rw - width) / 2), y0 = Math.floor((rh - height) / 2);
  const rgb = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) rgb.set(big.subarray(((y + y0) * rw + x0) * 3, ((y + y0) * rw + x0 + width) * 3), y * width * 3);
  return { rgb, source: src, resizedTo: [rw, rh] };
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
