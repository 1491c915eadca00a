import type { TensorDetail } from '../../src/runtime/types';
import { viridisCssGradient } from '../../src/runtime/colormap';
import { formatPercent, formatValue } from '../common/format';
import { el } from './dom';
import { GridView } from './grid';
import { histogramView } from './histogram';

/** One tensor: its channel grid with legend and paging, whole-tensor statistics and histogram. */
export function layerView(d: TensorDetail, page: (firstChannel: number) => void): HTMLElement {
  const grid = new GridView(d.grid, 720);
  const hover = el('div', { className: 'hover-info', textContent: 'Point at a tile to see its channel.' });
  grid.root.addEventListener('mousemove', (ev) => {
    const h = grid.hit(ev);
    const s = h ? d.channelStats[h.channel] : undefined;
    hover.textContent = h && s ? `channel ${h.channel} at (${h.y}, ${h.x}) · min ${formatValue(s.min)} · max ${formatValue(s.max)} · mean ${formatValue(s.mean)} · zeros ${formatPercent(s.zeros)}` : ' ';
  });
  const g = d.grid;
  const pager = el('div', { className: 'pager' },
    el('button', { textContent: '‹ Previous', disabled: g.firstChannel === 0, onclick: () => page(Math.max(0, g.firstChannel - g.channelsShown)) }),
    el('span', { textContent: `channels ${g.firstChannel}–${g.firstChannel + g.channelsShown - 1} of ${g.channels} · ${g.mapHeight}×${g.mapWidth} each` }),
    el('button', { textContent: 'Next ›', disabled: g.firstChannel + g.channelsShown >= g.channels, onclick: () => page(g.firstChannel + g.channelsShown) }),
  );
  return el('section', { className: 'layer' },
    el('h2', { textContent: `${d.tensor}  [${d.shape.join(', ')}]` }),
    legend(),
    pager,
    grid.root,
    hover,
    el('div', { className: 'stats' }, `min ${formatValue(d.min)} · max ${formatValue(d.max)} · mean ${formatValue(d.mean)} · zeros ${formatPercent(d.zeros)}`),
    histogramView(d.histogram),
  );
}

/** The colour legend: each tile is scaled to its own channel's range. */
export function legend(): HTMLElement {
  const bar = el('div', { className: 'legend-bar' });
  bar.style.background = viridisCssGradient();
  return el('div', { className: 'legend' }, el('span', { textContent: 'channel min' }), bar, el('span', { textContent: 'channel max' }));
}
