import type { TensorDetail } from '../../src/runtime/types';
import { viridisCssGradient } from '../../src/runtime/colormap';
import { formatPercent, formatValue } from '../common/format';
import { h } from '../common/dom';
import { GridView } from './grid';
import { histogramView } from './histogram';
import * as l10n from '@vscode/l10n';

/** One tensor: its channel grid with legend and paging, whole-tensor statistics and histogram. */
export function layerView(d: TensorDetail, page: (firstChannel: number) => void, arithmetic?: (grid: GridView) => HTMLElement | null): HTMLElement {
  const grid = new GridView(d.grid, 720);
  const hover = h('div', { class: 'hover-info' }, l10n.t('Point at a tile to see its channel.'));
  grid.root.addEventListener('mousemove', (ev) => {
    const hit = grid.hit(ev);
    const s = hit ? d.channelStats[hit.channel] : undefined;
    hover.textContent = hit && s ? l10n.t('channel {0} at ({1}, {2}) · min {3} · max {4} · mean {5} · zeros {6}', hit.channel, hit.y, hit.x, formatValue(s.min), formatValue(s.max), formatValue(s.mean), formatPercent(s.zeros)) : ' ';
  });
  const g = d.grid;
  const pager = h('div', { class: 'pager' },
    h('button', { props: { disabled: g.firstChannel === 0 }, on: { click: () => page(Math.max(0, g.firstChannel - g.channelsShown)) } }, l10n.t('‹ Previous')),
    h('span', {}, l10n.t('channels {0}–{1} of {2} · {3}×{4} each', g.firstChannel, g.firstChannel + g.channelsShown - 1, g.channels, g.mapHeight, g.mapWidth)),
    h('button', { props: { disabled: g.firstChannel + g.channelsShown >= g.channels }, on: { click: () => page(g.firstChannel + g.channelsShown) } }, l10n.t('Next ›')),
  );
  return h('section', { class: 'layer' },
    h('h2', {}, `${d.tensor}  [${d.shape.join(', ')}]`),
    legend(),
    pager,
    grid.root,
    hover,
    h('div', { class: 'stats' }, l10n.t('min {0} · max {1} · mean {2} · zeros {3}', formatValue(d.min), formatValue(d.max), formatValue(d.mean), formatPercent(d.zeros))),
    arithmetic?.(grid) ?? null,
    histogramView(d.histogram),
  );
}

/** The colour legend: each tile is scaled to its own channel's range. */
export function legend(): HTMLElement {
  const bar = h('div', { class: 'legend-bar' });
  bar.style.background = viridisCssGradient();
  return h('div', { class: 'legend' }, h('span', {}, l10n.t('channel min')), bar, h('span', {}, l10n.t('channel max')));
}
