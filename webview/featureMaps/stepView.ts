import type { StepView, TensorDetail } from '../../src/runtime/types';
import { inputWindow } from '../../src/analysis/window/geometry';
import { h } from '../common/dom';
import { GridView } from './grid';
import { legend } from './layerView';
import { top5View } from './top5';
import { inputFieldView } from './receptive/inputField';
import { convBlocks, convBlocksView } from './blocks/convBlocks';
import * as l10n from '@vscode/l10n';
import { attachArithmetic, type FetchArithmetic } from './arithmetic/attach';

/**
 * Step mode: the layer's input maps, the operation explained with its numbers, its output maps.
 * For a convolution or pooling layer, clicking an output pixel outlines the input window it reads.
 */
export function stepView(s: StepView, go: (index: number) => void, fetchArithmetic?: FetchArithmetic, showField = false): HTMLElement {
  const inputs = s.inputs.map((d) => ({ d, g: new GridView(d.grid, 420) }));
  const outputs = s.outputs.map((d) => ({ d, g: new GridView(d.grid, 420) }));
  const note = h('div', { class: 'hover-info' }, s.explanation.window ? l10n.t('Click an output pixel to outline the input window it reads.') : ' ');
  const w = s.explanation.window;
  const first = inputs[0];
  if (w && w.kind === 'window' && first && (w.axes.length === 2 || w.axes.length === 1)) {
    const strip = w.axes.length === 1;
    for (const o of outputs) {
      o.g.root.classList.add('clickable');
      o.g.root.addEventListener('click', (ev) => {
        const hit = o.g.hit(ev);
        if (!hit) return;
        const size = [first.d.grid.mapHeight, first.d.grid.mapWidth];
        const range = inputWindow(w.axes, strip ? [hit.x] : [hit.y, hit.x], strip ? size.slice(1) : size);
        if (!range) return;
        first.g.highlightAxes(range);
        const [ry, rx] = [range[0], range[range.length - 1]];
        o.g.highlight({ y0: hit.y, y1: hit.y, x0: hit.x, x1: hit.x });
        const dilation = w.axes.map((a) => a.dilation).join('×');
        const every = !w.axes.some((a) => a.dilation > 1) ? '' : strip ? l10n.t(' (taps {0} positions apart)', dilation) : l10n.t(' (every {0} pixel)', dilation);
        const reads = [hit.y, hit.x, hit.channel, ry.start, ry.end, rx.start, rx.end, every];
        if (strip) note.textContent = s.opType === 'Conv'
          ? l10n.t('output position {0} of channel {1} reads input positions {2}–{3}{4} in every input channel of its group.', hit.x, hit.channel, rx.start, rx.end, every)
          : l10n.t('output position {0} of channel {1} reads input positions {2}–{3}{4} in its own channel.', hit.x, hit.channel, rx.start, rx.end, every);
        else note.textContent = s.opType === 'Conv'
          ? l10n.t('output ({0}, {1}) of channel {2} reads input rows {3}–{4}, columns {5}–{6}{7} in every input channel of its group.', ...reads)
          : l10n.t('output ({0}, {1}) of channel {2} reads input rows {3}–{4}, columns {5}–{6}{7} in its own channel.', ...reads);
      });
    }
  }
  const arithmetic = fetchArithmetic && outputs[0] ? attachArithmetic(outputs[0], s.nodeId, s.opType, fetchArithmetic, first?.g) : null;
  const blocks = convBlocks(s);
  const nav = h('div', { class: 'step-nav' },
    h('button', { props: { disabled: s.index === 0 }, on: { click: () => go(s.index - 1) } }, l10n.t('‹ Previous layer')),
    h('span', {}, l10n.t('Layer {0} of {1}: {2}', s.index + 1, s.count, `${s.opType}${s.name ? ` (${s.name})` : ''}`)),
    h('button', { props: { disabled: s.index >= s.count - 1 }, on: { click: () => go(s.index + 1) } }, l10n.t('Next layer ›')),
  );
  return h('section', { class: 'step' },
    nav,
    legend(),
    h('div', { class: 'step-body' },
      column(l10n.t('Input'), inputs),
      h('div', { class: 'explain' },
        h('h2', {}, s.explanation.title),
        ...s.explanation.lines.map((l) => h('p', {}, l)),
        maskView(s.explanation.mask),
        s.top ? h('div', { class: 'step-top' }, h('h3', {}, l10n.t('Most likely classes')), top5View(s.top)) : null,
      ),
      column(l10n.t('Output'), outputs),
    ),
    blocks ? convBlocksView(blocks) : null,
    note,
    arithmetic,
    s.field ? inputFieldView(s.field, outputs.map((o) => o.g), showField) : null,
  );
}

/** Dropout's sample training mask, enlarged with crisp cells. */
function maskView(m: StepView['explanation']['mask']): HTMLElement | null {
  if (!m) return null;
  const img = h('img', { class: 'dropout-mask', attrs: { src: m.png, alt: l10n.t('sample dropout mask') } });
  const zoom = Math.max(1, Math.floor(192 / Math.max(m.width, m.height)));
  img.style.width = `${m.width * zoom}px`;
  img.style.height = `${m.height * zoom}px`;
  return img;
}

function column(title: string, items: { d: TensorDetail; g: GridView }[]): HTMLElement {
  return h('div', { class: 'step-col' },
    h('h3', {}, title),
    ...items.map(({ d, g }) => h('div', { class: 'step-tensor' },
      h('div', { class: 'tensor-name' }, `${d.tensor} [${d.shape.join(', ')}]${d.grid.channelsShown < d.grid.channels ? ` · ${l10n.t('first {0} of {1} channels', d.grid.channelsShown, d.grid.channels)}` : ''}`),
      g.root,
    )),
    items.length === 0 ? h('p', {}, l10n.t('not captured')) : null,
  );
}
