import type { StepView, TensorDetail } from '../../src/runtime/types';
import { inputWindow } from '../../src/analysis/window/geometry';
import { h } from '../common/dom';
import { GridView } from './grid';
import { legend } from './layerView';

/**
 * Step mode: the layer's input maps, the operation explained with its numbers, its output maps.
 * For a convolution or pooling layer, clicking an output pixel outlines the input window it reads.
 */
export function stepView(s: StepView, go: (index: number) => void): HTMLElement {
  const inputs = s.inputs.map((d) => ({ d, g: new GridView(d.grid, 420) }));
  const outputs = s.outputs.map((d) => ({ d, g: new GridView(d.grid, 420) }));
  const note = h('div', { class: 'hover-info' }, s.explanation.window ? 'Click an output pixel to outline the input window it reads.' : ' ');
  const w = s.explanation.window;
  const first = inputs[0];
  if (w && w.kind === 'window' && first && w.axes.length === 2) {
    for (const o of outputs) {
      o.g.root.classList.add('clickable');
      o.g.root.addEventListener('click', (ev) => {
        const hit = o.g.hit(ev);
        if (!hit) return;
        const range = inputWindow(w.axes, [hit.y, hit.x], [first.d.grid.mapHeight, first.d.grid.mapWidth]);
        if (!range) return;
        const [ry, rx] = range;
        first.g.highlight({ y0: ry.start, y1: ry.end, x0: rx.start, x1: rx.end });
        o.g.highlight({ y0: hit.y, y1: hit.y, x0: hit.x, x1: hit.x });
        note.textContent = `output (${hit.y}, ${hit.x}) of channel ${hit.channel} reads input rows ${ry.start}–${ry.end}, columns ${rx.start}–${rx.end}${w.axes.some((a) => a.dilation > 1) ? ` (every ${w.axes.map((a) => a.dilation).join('×')} pixel)` : ''} in ${s.opType === 'Conv' ? 'every input channel of its group' : 'its own channel'}.`;
      });
    }
  }
  const nav = h('div', { class: 'step-nav' },
    h('button', { props: { disabled: s.index === 0 }, on: { click: () => go(s.index - 1) } }, '‹ Previous layer'),
    h('span', {}, `Layer ${s.index + 1} of ${s.count}: ${s.opType}${s.name ? ` (${s.name})` : ''}`),
    h('button', { props: { disabled: s.index >= s.count - 1 }, on: { click: () => go(s.index + 1) } }, 'Next layer ›'),
  );
  return h('section', { class: 'step' },
    nav,
    legend(),
    h('div', { class: 'step-body' },
      column('Input', inputs),
      h('div', { class: 'explain' },
        h('h2', {}, s.explanation.title),
        ...s.explanation.lines.map((l) => h('p', {}, l)),
      ),
      column('Output', outputs),
    ),
    note,
  );
}

function column(title: string, items: { d: TensorDetail; g: GridView }[]): HTMLElement {
  return h('div', { class: 'step-col' },
    h('h3', {}, title),
    ...items.map(({ d, g }) => h('div', { class: 'step-tensor' },
      h('div', { class: 'tensor-name' }, `${d.tensor} [${d.shape.join(', ')}]${d.grid.channelsShown < d.grid.channels ? ` · first ${d.grid.channelsShown} of ${d.grid.channels} channels` : ''}`),
      g.root,
    )),
    items.length === 0 ? h('p', {}, 'not captured') : null,
  );
}
