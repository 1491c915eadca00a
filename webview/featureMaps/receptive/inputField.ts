import type { StepView } from '../../../src/runtime/types';
import { h } from '../../common/dom';
import type { GridView } from '../grid';
import { GridView as Grid } from '../grid';
import * as l10n from '@vscode/l10n';

/**
 * The receptive field of a clicked output pixel on the model's input image: the field solid where it
 * covers the image, dashed where it reaches into the padding, the centre marked, its size said.
 * Every number is the analysis's (StepView.field, from src/analysis/receptiveRegion.ts).
 */
export function inputFieldView(field: NonNullable<StepView['field']>, outputs: readonly GridView[], showMiddle = false): HTMLElement {
  const { map, image } = field;
  const grid = new Grid(image.grid, 420);
  const note = h('div', { class: 'rf-note' }, l10n.t('Click an output pixel to outline its receptive field on the input image.'));
  const show = (y: number, x: number): void => {
    const ry = map.axes[0][y];
    const rx = map.axes[1][x];
    if (!ry || !rx) return;
    const [hgt, wid] = map.size;
    const cy = Math.max(0, ry.start), cy1 = Math.min(hgt - 1, ry.end);
    const cx = Math.max(0, rx.start), cx1 = Math.min(wid - 1, rx.end);
    grid.highlight(null);
    grid.mark({ y0: ry.start, y1: ry.end, x0: rx.start, x1: rx.end }, 'rf-pad');
    if (cy <= cy1 && cx <= cx1) grid.mark({ y0: cy, y1: cy1, x0: cx, x1: cx1 }, 'rf-box');
    const my = Math.floor((ry.start + ry.end) / 2), mx = Math.floor((rx.start + rx.end) / 2);
    grid.mark({ y0: my, y1: my + ((ry.end - ry.start) % 2), x0: mx, x1: mx + ((rx.end - rx.start) % 2) }, 'rf-centre');
    const eh = ry.end - ry.start + 1, ew = rx.end - rx.start + 1;
    const inside = Math.max(0, cy1 - cy + 1) * Math.max(0, cx1 - cx + 1);
    note.textContent = l10n.t('Output ({0}, {1}) sees {2}×{3} input pixels (rows {4}–{5}, columns {6}–{7}), centred at ({8}, {9}); {10} of them are padding outside the image.',
      y, x, eh, ew, ry.start, ry.end, rx.start, rx.end, (ry.start + ry.end) / 2, (rx.start + rx.end) / 2, eh * ew - inside);
    for (const o of outputs) o.highlight({ y0: y, y1: y, x0: x, x1: x });
  };
  for (const o of outputs) {
    o.root.classList.add('clickable');
    o.root.addEventListener('click', (ev) => {
      const hit = o.hit(ev);
      if (hit) show(hit.y, hit.x);
    });
  }
  // Asked for from the graph ("Show receptive field"): the middle output pixel's field, at once.
  if (showMiddle) show(Math.floor(map.axes[0].length / 2), Math.floor(map.axes[1].length / 2));
  return h('div', { class: 'rf-input' },
    h('h3', {}, l10n.t('Receptive field on the input ({0} [{1}])', map.input, image.shape.join(', '))),
    grid.root,
    note,
  );
}
