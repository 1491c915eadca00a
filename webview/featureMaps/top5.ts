import type { Prediction } from '../../src/runtime/classify';
import { formatPercent } from '../common/format';
import { h } from '../common/dom';
import * as l10n from '@vscode/l10n';

/** The classifier's five most likely classes, most likely first, each with a bar for its probability. */
export function top5View(top5: Prediction[] | undefined): HTMLElement | null {
  if (!top5?.length) return null;
  return h('ol', { class: 'top5', title: l10n.t('Top-5 predictions') }, ...top5.map((p) => {
    const bar = h('span', { class: 'top5-bar' });
    bar.style.width = `${Math.max(1, Math.round(p.probability * 60))}px`;
    const item = h('li', {}, h('span', { class: 'top5-label' }, p.label), bar, h('span', { class: 'top5-p' }, formatPercent(p.probability)));
    item.dataset.index = String(p.index);
    return item;
  }));
}
