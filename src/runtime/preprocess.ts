import * as l10n from '@vscode/l10n';

/**
 * How a picture becomes a model's input tensor: the settings a user picks (a preset or their own) and
 * what was applied, resolved for one input. Every value is x = (pixel − mean[c]) / std[c] with the pixel
 * in 0–255, so one formula covers the presets and the custom form, and the panel can print it as it ran.
 */

export const PRESETS = ['auto', 'imagenet', 'unit', 'symmetric', 'tf127_5', 'tf127_128', 'raw255', 'grayscale'] as const;
export type PresetName = (typeof PRESETS)[number] | 'custom';

export type ResizeMode = 'stretch' | 'crop';
export type ChannelOrder = 'RGB' | 'BGR' | 'gray';
export type LayoutChoice = 'auto' | 'NCHW' | 'NHWC';

export interface PreprocessSettings {
  preset: PresetName;
  /** 'stretch': resized to the input's size; 'crop': shorter side resized to fit, the centre cropped. */
  resize: ResizeMode;
  channels: ChannelOrder;
  /** Per channel (one value: every channel), in pixel units (0–255). Ignored by 'auto'. */
  mean: number[];
  std: number[];
  /** 'auto': as the model says (./layout.ts). */
  layout: LayoutChoice;
}

type Fixed = Pick<PreprocessSettings, 'channels' | 'mean' | 'std'>;

/** Each preset's values; 'auto' picks one of them per input (see resolveNormalization). */
const PRESET_VALUES: Record<Exclude<PresetName, 'auto' | 'custom'>, Fixed> = {
  // torchvision's mean/std of ImageNet, (0.485, 0.456, 0.406) and (0.229, 0.224, 0.225), times 255
  imagenet: { channels: 'RGB', mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] },
  unit: { channels: 'RGB', mean: [0], std: [255] },
  // (x/255 − 0.5) / 0.5: the same numbers as tf127_5, named as PyTorch code writes it
  symmetric: { channels: 'RGB', mean: [127.5], std: [127.5] },
  tf127_5: { channels: 'RGB', mean: [127.5], std: [127.5] },
  // Ultraface and other OpenCV-trained detectors
  tf127_128: { channels: 'RGB', mean: [127], std: [128] },
  raw255: { channels: 'RGB', mean: [0], std: [1] },
  grayscale: { channels: 'gray', mean: [0], std: [255] },
};

export const DEFAULT_PREPROCESS: PreprocessSettings = { preset: 'auto', resize: 'stretch', channels: 'RGB', mean: [0], std: [255], layout: 'auto' };

/** The settings of a preset (channel order and resize kept from `base`, except grayscale's). */
export function presetSettings(preset: PresetName, base: PreprocessSettings = DEFAULT_PREPROCESS): PreprocessSettings {
  if (preset === 'auto' || preset === 'custom') return { ...base, preset };
  const v = PRESET_VALUES[preset];
  const channels = v.channels === 'gray' ? 'gray' : base.channels === 'gray' ? 'RGB' : base.channels;
  return { ...base, preset, channels, mean: [...v.mean], std: [...v.std] };
}

/** What 'auto' picks for an input with `channels` channels and `dtype`, and why (said in the panel). */
export function resolveNormalization(s: PreprocessSettings, channels: number, dtype: string): { mean: number[]; std: number[]; preset: PresetName; reason?: string } {
  if (dtype === 'uint8' || dtype === 'int8') return { mean: [0], std: [1], preset: 'raw255', reason: l10n.t('the input is {0}: pixels are fed as they are', dtype) };
  if (s.preset !== 'auto') return { mean: s.mean, std: s.std, preset: s.preset };
  const pick = channels >= 3 ? 'imagenet' : 'unit';
  const v = PRESET_VALUES[pick];
  return { mean: v.mean, std: v.std, preset: pick, reason: channels >= 3 ? l10n.t('the input has {0} channels: ImageNet mean/std', channels) : l10n.t('the input has {0} channel: values in [0, 1]', channels) };
}

/** Mean and std of channel `c`: the last value given serves the channels after it. */
export function channelNorm(mean: number[], std: number[], c: number): [number, number] {
  return [mean[Math.min(c, mean.length - 1)] ?? 0, std[Math.min(c, std.length - 1)] ?? 1];
}

/**
 * What a webview or the workspace state sends, checked before it is used: known words only, finite
 * numbers, std never 0, at most 4 values per list. Anything else falls back to the default's field.
 */
export function saneSettings(v: unknown): PreprocessSettings {
  const o = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  const pick = <T extends string>(x: unknown, allowed: readonly T[], d: T): T => (allowed.includes(x as T) ? (x as T) : d);
  const nums = (x: unknown, d: number[], nonzero: boolean) => {
    if (!Array.isArray(x) || x.length < 1 || x.length > 4) return d;
    return x.every((n) => typeof n === 'number' && Number.isFinite(n) && (!nonzero || n !== 0)) ? [...x] as number[] : d;
  };
  const preset = pick<PresetName>(o.preset, [...PRESETS, 'custom'], 'auto');
  const base: PreprocessSettings = {
    preset,
    resize: pick<ResizeMode>(o.resize, ['stretch', 'crop'], 'stretch'),
    channels: pick<ChannelOrder>(o.channels, ['RGB', 'BGR', 'gray'], 'RGB'),
    mean: nums(o.mean, DEFAULT_PREPROCESS.mean, false),
    std: nums(o.std, DEFAULT_PREPROCESS.std, true),
    layout: pick<LayoutChoice>(o.layout, ['auto', 'NCHW', 'NHWC'], 'auto'),
  };
  // A preset's numbers are the preset's, whatever came with it.
  return preset === 'custom' || preset === 'auto' ? base : presetSettings(preset, base);
}

/** The preprocessing applied to one input, as the panel shows it. */
export interface AppliedPreprocessing {
  input: string;
  /** The preset whose numbers were used ('custom' for the form's), and why when 'auto' chose it. */
  preset: PresetName;
  auto?: string;
  /** Source picture size and what was done to reach the input's size. */
  source: { kind: 'pattern' | 'image'; width: number; height: number; name: string };
  resize: ResizeMode;
  /** For 'crop': the resized size before the centre crop. */
  resizedTo?: [number, number];
  width: number;
  height: number;
  channels: number;
  order: ChannelOrder;
  mean: number[];
  std: number[];
  layout: 'NCHW' | 'NHWC' | 'CHW' | 'HWC' | 'flat';
  /** Why this layout (the model's own evidence, or the shape alone). */
  layoutReason: string;
}

/** The formula the panel prints, with the numbers used, e.g. "x = (pixel − 127) / 128". */
export function formulaOf(a: Pick<AppliedPreprocessing, 'mean' | 'std' | 'channels'>): string {
  const n = (v: number) => String(Math.round(v * 1e4) / 1e4);
  const list = (v: number[]) => (v.length === 1 ? n(v[0]) : `(${v.slice(0, Math.max(1, Math.min(a.channels, 3))).map(n).join(', ')})`);
  return `x = (pixel − ${list(a.mean)}) / ${list(a.std)}`;
}
