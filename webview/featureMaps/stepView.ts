import type { StepView, TensorDetail } from '../../src/runtime/types';
import { inputWindow } from '../../src/runtime/window';
import { el } from './dom';
import { GridView } from './grid';
import { legend } from './layerView';

/**
 * Step mode: the layer's input maps, the operation explained with its numbers, its output maps.
 * For a convolution or pooling layer, clicking an output pixel outlines the input window it reads.
 */
export function stepView(s: StepView, go: (index: number) => void): HTMLElement {
  const inputs = s.inputs.map((d) => ({ d, g: new GridView(d.grid, 420) }));
  const outputs = s.outputs.map((d) => ({ d, g: new GridView(d.grid, 420) }));
  const note = el('div', { className: 'hover-info', textContent: s.explanation.window ? 'Click an output pixel to outline the input window it reads.' : ' ' });
  const w = s.explanation.window;
  const first = inputs[0];
  if (w && first && w.kernel.length === 2) {
    for (const o of outputs) {
      o.g.root.classList.add('clickable');
      o.g.root.addEventListener('click', (ev) => {
        const h = o.g.hit(ev);
        if (!h) return;
        const [ry, rx] = inputWindow(w, [h.y, h.x], [first.d.grid.mapHeight, first.d.grid.mapWidth]);
        first.g.highlight({ y0: ry.start, y1: ry.end, x0: rx.start, x1: rx.end });
        o.g.highlight({ y0: h.y, y1: h.y, x0: h.x, x1: h.x });
        note.textContent = `output (${h.y}, ${h.x}) of channel ${h.channel} reads input rows ${ry.start}–${ry.end}, columns ${rx.start}–${rx.end}${w.dilations.some((d) => d > 1) ? ` (every ${w.dilations.join('×')} pixel)` : ''} in ${s.opType === 'Conv' ? 'every input channel of its group' : 'its own channel'}.`;
      });
    }
  }
  const nav = el('div', { className: 'step-nav' },
    el('button', { textContent: '‹ Previous layer', disabled: s.index === 0, onclick: () => go(s.index - 1) }),
    el('span', { textContent: `Layer ${s.index + 1} of ${s.count}: ${s.opType}${s.name ? ` (${s.name})` : ''}` }),
    el('button', { textContent: 'Next layer ›', disabled: s.index >= s.count - 1, onclick: () => go(s.index + 1) }),
  );
  return el('section', { className: 'step' },
    nav,
    legend(),
    el('div', { className: 'step-body' },
      column('Input', inputs),
      el('div', { className: 'explain' },
        el('h2', { textContent: s.explanation.title }),
        ...s.explanation.lines.map((l) => el('p', { textContent: l })),
      ),
      column('Output', outputs),
    ),
    note,
  );
}

function column(title: string, items: { d: TensorDetail; g: GridView }[]): HTMLElement {
  return el('div', { className: 'step-col' },
    el('h3', { textContent: title }),
    ...items.map(({ d, g }) => el('div', { className: 'step-tensor' },
      el('div', { className: 'tensor-name', textContent: `${d.tensor} [${d.shape.join(', ')}]${d.grid.channelsShown < d.grid.channels ? ` · first ${d.grid.channelsShown} of ${d.grid.channels} channels` : ''}` }),
      g.root,
    )),
    items.length === 0 ? el('p', { textContent: 'not captured' }) : null,
  );
}
