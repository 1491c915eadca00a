import type { Histogram } from '../../src/runtime/stats';
import { formatValue } from '../common/format';
import { h } from '../common/dom';
import * as l10n from '@vscode/l10n';

/** The value histogram as bars on a canvas, with its range written under it. */
export function histogramView(hist: Histogram, width = 320, height = 80): HTMLElement {
  const canvas = h('canvas', { class: 'histogram', props: { width, height } });
  const ctx = canvas.getContext('2d');
  if (ctx) {
    const max = Math.max(1, ...hist.counts);
    const bw = width / hist.counts.length;
    ctx.fillStyle = getComputedStyle(document.body).getPropertyValue('--vscode-charts-blue') || '#3794ff';
    hist.counts.forEach((c, i) => {
      // Square-root scale so that a few bins holding most values (ReLU's zeros) leave the rest visible.
      const bh = Math.sqrt(c / max) * (height - 2);
      ctx.fillRect(i * bw + 0.5, height - bh, Math.max(1, bw - 1), bh);
    });
  }
  return h('div', { class: 'hist-wrap' }, canvas, h('div', { class: 'hist-range' }, h('span', {}, formatValue(hist.min)), h('span', {}, l10n.t('count (√ scale)')), h('span', {}, formatValue(hist.max))));
}
