import type { TensorDetail } from '../../src/runtime/types';
import { viridisCssGradient } from '../../src/runtime/colormap';
import { formatPercent, formatValue } from '../common/format';
import { h } from '../common/dom';
import { GridView } from './grid';
import { histogramView } from './histogram';

/** One tensor: its channel grid with legend and paging, whole-tensor statistics and histogram. */
export function layerView(d: TensorDetail, page: (firstChannel: number) => void): HTMLElement {
  const grid = new GridView(d.grid, 720);
  const hover = h('div', { class: 'hover-info' }, 'Point at a tile to see its channel.');
  grid.root.addEventListener('mousemove', (ev) => {
    const hit = grid.hit(ev);
    const s = hit ? d.channelStats[hit.channel] : undefined;
    hover.textContent = hit && s ? `channel ${hit.channel} at (${hit.y}, ${hit.x}) · min ${formatValue(s.min)} · max ${formatValue(s.max)} · mean ${formatValue(s.mean)} · zeros ${formatPercent(s.zeros)}` : ' ';
  });
  const g = d.grid;
  const pager = h('div', { class: 'pager' },
    h('button', { props: { disabled: g.firstChannel === 0 }, on: { click: () => page(Math.max(0, g.firstChannel - g.channelsShown)) } }, '‹ Previous'),
    h('span', {}, `channels ${g.firstChannel}–${g.firstChannel + g.channelsShown - 1} of ${g.channels} · ${g.mapHeight}×${g.mapWidth} each`),
    h('button', { props: { disabled: g.firstChannel + g.channelsShown >= g.channels }, on: { click: () => page(g.firstChannel + g.channelsShown) } }, 'Next ›'),
  );
  return h('section', { class: 'layer' },
    h('h2', {}, `${d.tensor}  [${d.shape.join(', ')}]`),
    legend(),
    pager,
    grid.root,
    hover,
    h('div', { class: 'stats' }, `min ${formatValue(d.min)} · max ${formatValue(d.max)} · mean ${formatValue(d.mean)} · zeros ${formatPercent(d.zeros)}`),
    histogramView(d.histogram),
  );
}

/** The colour legend: each tile is scaled to its own channel's range. */
export function legend(): HTMLElement {
  const bar = h('div', { class: 'legend-bar' });
  bar.style.background = viridisCssGradient();
  return h('div', { class: 'legend' }, h('span', {}, 'channel min'), bar, h('span', {}, 'channel max'));
}
