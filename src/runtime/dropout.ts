import * as l10n from '@vscode/l10n';
import { seededRandom } from '../common/prng';
import type { StepExplanation } from './explain';
import { pngDataUrl } from './png';

/** Source layer types (Keras) and ONNX ops that drop values while training and pass them at inference. */
export const DROPOUT_LIKE = /^(Dropout|SpatialDropout[123]D|AlphaDropout|GaussianDropout)$/;

/** The sample mask's seed: the same picture every time, so a learner can compare two views. */
const MASK_SEED = 2024;

/**
 * A sample of what a dropout layer does while training: each of `height`×`width` cells kept (white)
 * with probability 1 − rate, else dropped (black), drawn from a seeded PRNG (src/common/prng.ts).
 * Spatial dropout drops whole channels, so its picture is one cell per channel. Returns the kept share.
 */
export function dropoutMask(rate: number, width: number, height: number, seed = MASK_SEED): { png: string; width: number; height: number; kept: number; mask: Uint8Array } {
  const rand = seededRandom(seed);
  const mask = new Uint8Array(width * height);
  const rgba = new Uint8Array(width * height * 4);
  let kept = 0;
  for (let i = 0; i < mask.length; i++) {
    mask[i] = rand() >= rate ? 1 : 0;
    kept += mask[i];
    const v = mask[i] ? 255 : 0;
    rgba.set([v, v, v, 255], i * 4);
  }
  return { png: pngDataUrl(width, height, rgba), width, height, kept: kept / mask.length, mask };
}

/**
 * Dropout explained: the identity at inference (what the run did), and what training does, with the
 * numbers of this layer (rate p, the 1/(1 − p) scale of the kept values) and a sample mask over its output.
 * `channelsLast`: the output's channel axis is its last (a Keras layer's), else axis 1 (ONNX).
 */
export function explainDropout(type: string, rate: number | undefined, shape: number[] | undefined, channelsLast: boolean): StepExplanation {
  const p = typeof rate === 'number' && rate >= 0 && rate < 1 ? rate : 0.5;
  const scale = 1 / (1 - p);
  const spatial = /^SpatialDropout/.test(type);
  const rank = shape?.length ?? 0;
  const channels = rank >= 3 ? (channelsLast ? shape![rank - 1] : shape![1]) : 1;
  const dims = rank >= 3 ? (channelsLast ? shape!.slice(1, rank - 1) : shape!.slice(2)) : [shape?.[rank - 1] ?? 16];
  // One map (or the vector laid out near-square), at most 32×32 cells so each stays visible.
  const count = spatial ? channels : dims.reduce((a, b) => a * b, 1);
  const w = Math.max(1, Math.min(32, spatial || dims.length < 2 ? Math.ceil(Math.sqrt(count)) : dims[dims.length - 1]));
  const h = Math.max(1, Math.min(32, spatial || dims.length < 2 ? Math.ceil(count / w) : dims[dims.length - 2]));
  const m = dropoutMask(p, w, h);
  const pct = (v: number) => `${(v * 100).toFixed(0)}%`;
  const lines = [
    l10n.t('At inference (this run) dropout does nothing: the output is the input, value for value.'),
    spatial
      ? l10n.t('While training, each whole channel is dropped (set to 0) with probability p = {0}, and the kept ones are multiplied by 1/(1 − p) = {1}, so the expected sum stays the same.', p, scale.toFixed(3))
      : l10n.t('While training, each value is dropped (set to 0) with probability p = {0}, and the kept ones are multiplied by 1/(1 − p) = {1}, so the expected sum stays the same.', p, scale.toFixed(3)),
    l10n.t('A new random mask is drawn for every training example, so no unit can rely on another one being there.'),
    spatial
      ? l10n.t('Sample mask over the {0} channels (white: kept, black: dropped): {1} kept here, {2} expected.', channels, pct(m.kept), pct(1 - p))
      : l10n.t('Sample mask over one {0}×{1} map (white: kept, black: dropped): {2} kept here, {3} expected.', h, w, pct(m.kept), pct(1 - p)),
  ];
  return { title: l10n.t('{0} (rate {1})', type, p), lines, params: 0, mask: { png: m.png, width: m.width, height: m.height } };
}
