import type { Histogram } from '../../src/runtime/stats';
import { formatValue } from '../common/format';
import { el } from './dom';

/** The value histogram as bars on a canvas, with its range written under it. */
export function histogramView(h: Histogram, width = 320, height = 80): HTMLElement {
  const canvas = el('canvas', { width, height, className: 'histogram' });
  const ctx = canvas.getContext('2d');
  if (ctx) {
    const max = Math.max(1, ...h.counts);
    const bw = width / h.counts.length;
    ctx.fillStyle = getComputedStyle(document.body).getPropertyValue('--vscode-charts-blue') || '#3794ff';
    h.counts.forEach((c, i) => {
      // Square-root scale so that a few bins holding most values (ReLU's zeros) leave the rest visible.
      const bh = Math.sqrt(c / max) * (height - 2);
      ctx.fillRect(i * bw + 0.5, height - bh, Math.max(1, bw - 1), bh);
    });
  }
  return el('div', { className: 'hist-wrap' }, canvas, el('div', { className: 'hist-range' }, el('span', { textContent: formatValue(h.min) }), el('span', { textContent: 'count (√ scale)' }), el('span', { textContent: formatValue(h.max) })));
}
