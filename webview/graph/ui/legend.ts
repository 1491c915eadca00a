import type { OpFamily } from '../../../src/protocol/viewModel';
import { FAMILIES } from '../render/theme';
import { h, icon } from '../../common/dom';

const NAMES: Record<OpFamily, string> = {
  convolution: 'Convolution', pooling: 'Pooling', normalization: 'Normalization', activation: 'Activation',
  merge: 'Merge', dense: 'Dense', reshape: 'Reshape', input: 'Input', output: 'Output', other: 'Other',
};

/**
 * The colour key, docked in a strip under the graph (it never covers a box): one swatch per family
 * present in the graph, plus the skip-connection colour. The chevron folds it to one button.
 */
export class Legend {
  readonly el = h('div', { class: 'cl-legend', attrs: { id: 'cl-legend', role: 'group', 'aria-label': 'Legend' } });
  private readonly rows = h('div', { class: 'cl-legend-rows' });
  private readonly toggle = h('button', { class: 'cl-btn cl-legend-toggle', title: 'Hide the legend', attrs: { id: 'cl-legend-toggle', type: 'button', 'aria-expanded': 'true' } }, icon('chevron-down'), 'Legend');

  constructor(parent: HTMLElement) {
    this.toggle.addEventListener('click', () => this.setOpen(this.el.classList.contains('cl-legend-closed')));
    this.el.append(this.toggle, this.rows);
    parent.append(this.el);
  }

  setOpen(open: boolean): void {
    this.el.classList.toggle('cl-legend-closed', !open);
    this.toggle.setAttribute('aria-expanded', String(open));
    this.toggle.title = open ? 'Hide the legend' : 'Show the legend';
    this.toggle.querySelector('i')!.className = `codicon codicon-chevron-${open ? 'down' : 'right'}`;
  }

  show(present: Set<OpFamily>, hasSkips: boolean): void {
    const rows = FAMILIES.filter((f) => present.has(f)).map((f) => h('span', { class: 'cl-legend-row' }, h('span', { class: `cl-fam-swatch cl-fam-bg-${f}` }), NAMES[f]));
    if (hasSkips) rows.push(h('span', { class: 'cl-legend-row' }, h('span', { class: 'cl-skip-swatch' }), 'Skip connection'));
    this.rows.replaceChildren(...rows);
  }
}
