import * as l10n from '@vscode/l10n';
import { formulaOf, presetSettings, PRESETS, type AppliedPreprocessing, type PresetName, type PreprocessSettings } from '../../src/runtime/preprocess';
import { h } from '../common/dom';

/** Each preset's name in the list (the numbers are in the formula beside it). */
function presetLabel(p: PresetName): string {
  switch (p) {
    case 'auto': return l10n.t('auto (from the input)');
    case 'imagenet': return l10n.t('ImageNet mean/std');
    case 'unit': return '[0, 1]';
    case 'symmetric': return '[−1, 1]';
    case 'tf127_5': return '(x − 127.5) / 127.5';
    case 'tf127_128': return '(x − 127) / 128';
    case 'raw255': return l10n.t('raw 0–255');
    case 'grayscale': return l10n.t('grayscale [0, 1]');
    case 'custom': return l10n.t('custom');
  }
}

/** One input's preprocessing as it ran, step by step, from the picture to the tensor. */
function appliedView(a: AppliedPreprocessing): HTMLElement {
  const resize = a.resize === 'crop' && a.resizedTo
    ? l10n.t('resized to {0}×{1} (shorter side), centre cropped to {2}×{3}', a.resizedTo[0], a.resizedTo[1], a.width, a.height)
    : a.source.kind === 'pattern' ? l10n.t('drawn at {0}×{1}', a.width, a.height)
    : l10n.t('resized (bilinear) to {0}×{1}', a.width, a.height);
  const order = a.order === 'gray' ? l10n.t('grayscale (luma 0.299 R + 0.587 G + 0.114 B)') : a.order;
  const rows: [string, string][] = [
    [l10n.t('source'), a.source.kind === 'pattern' ? a.source.name : l10n.t('image {0}×{1}', a.source.width, a.source.height)],
    [l10n.t('resize'), resize],
    [l10n.t('channels'), `${order} · ${a.channels}`],
    [l10n.t('values'), `${formulaOf(a)}${a.auto ? ` · ${l10n.t('auto chose {0}: {1}', presetLabel(a.preset), a.auto)}` : ''}`],
    [l10n.t('layout'), `${a.layout} · ${a.layoutReason}`],
  ];
  return h('div', { class: 'prep-applied' },
    h('div', { class: 'prep-input' }, a.input),
    h('table', {}, ...rows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v)))),
  );
}

function select<T extends string>(name: string, value: T, options: [T, string][]): HTMLSelectElement {
  const s = h('select', { attrs: { name, 'aria-label': name } }, ...options.map(([v, label]) => h('option', { attrs: { value: v } }, label)));
  s.value = value;
  return s;
}

const list = (v: number[]) => v.map((n) => String(n)).join(', ');
const parse = (text: string) => text.split(/[,\s]+/).filter(Boolean).map(Number);

/**
 * The preprocessing panel: what was done to the picture for each input, and the settings for the next
 * run of this model (a preset, or the custom form's mean/std in pixel units; resize, channel order,
 * layout). `apply` sends them; the host keeps them per model and runs again.
 */
export function preprocessView(applied: AppliedPreprocessing[], settings: PreprocessSettings, apply: (s: PreprocessSettings) => void): HTMLElement {
  const preset = select<PresetName>('preset', settings.preset, [...PRESETS, 'custom' as const].map((p) => [p, presetLabel(p)]));
  const resize = select('resize', settings.resize, [['stretch', l10n.t('stretch to the input size')], ['crop', l10n.t('resize shorter side, centre crop')]]);
  const channels = select('channels', settings.channels, [['RGB', 'RGB'], ['BGR', 'BGR'], ['gray', l10n.t('grayscale')]]);
  const layout = select('layout', settings.layout, [['auto', l10n.t('as the model says')], ['NCHW', 'NCHW'], ['NHWC', 'NHWC']]);
  const mean = h('input', { attrs: { name: 'mean', 'aria-label': 'mean', type: 'text', size: '18' }, props: { value: list(settings.mean) } });
  const std = h('input', { attrs: { name: 'std', 'aria-label': 'std', type: 'text', size: '18' }, props: { value: list(settings.std) } });
  const error = h('div', { class: 'prep-error' });
  const custom = () => preset.value === 'custom';
  const sync = () => {
    if (!custom() && preset.value !== 'auto') {
      const s = presetSettings(preset.value as PresetName);
      mean.value = list(s.mean);
      std.value = list(s.std);
      if (preset.value === 'grayscale') channels.value = 'gray';
    }
    mean.disabled = std.disabled = !custom();
  };
  preset.addEventListener('change', sync);
  sync();
  const button = h('button', { class: 'prep-apply', on: { click: () => {
    const m = parse(mean.value), s = parse(std.value);
    if (custom() && (m.length < 1 || m.length > 4 || m.some((v) => !Number.isFinite(v)))) return void (error.textContent = l10n.t('mean: one to four numbers, separated by commas'));
    if (custom() && (s.length < 1 || s.length > 4 || s.some((v) => !Number.isFinite(v) || v === 0))) return void (error.textContent = l10n.t('std: one to four non-zero numbers, separated by commas'));
    error.textContent = '';
    const base = { preset: preset.value as PresetName, resize: resize.value as PreprocessSettings['resize'], channels: channels.value as PreprocessSettings['channels'], layout: layout.value as PreprocessSettings['layout'] };
    apply(custom() ? { ...base, mean: m, std: s } : { ...presetSettings(base.preset, { ...settings, ...base }), ...base });
  } } }, l10n.t('Apply and run again'));
  const field = (label: string, el: HTMLElement) => h('label', { class: 'prep-field' }, h('span', {}, label), el);
  return h('details', { class: 'prep', props: { open: true } },
    h('summary', {}, l10n.t('Preprocessing: how the picture became the input')),
    ...applied.map(appliedView),
    applied.length === 0 ? h('p', {}, l10n.t('No input of this model is an image: it was fed zeros.')) : null,
    h('div', { class: 'prep-form' },
      field(l10n.t('preset'), preset), field(l10n.t('resize'), resize), field(l10n.t('channels'), channels), field(l10n.t('layout'), layout),
      field(l10n.t('mean (0–255)'), mean), field(l10n.t('std (0–255)'), std), button, error,
    ),
    h('p', { class: 'prep-note' }, l10n.t('x = (pixel − mean) / std per channel, pixel in 0–255. Kept for this model and used by its next run.')),
  );
}
