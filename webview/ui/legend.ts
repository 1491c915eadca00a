import type { OpFamily } from '../../src/protocol/viewModel';
import { FAMILIES } from '../render/theme';
import { h } from './dom';

const NAMES: Record<OpFamily, string> = {
  convolution: 'Convolution', pooling: 'Pooling', normalization: 'Normalization', activation: 'Activation',
  merge: 'Merge', dense: 'Dense', reshape: 'Reshape', input: 'Input', output: 'Output', other: 'Other',
};

/** The colour key: one swatch per family present in the graph, plus the skip-connection colour. */
export class Legend {
  readonly el = h('div', { class: 'cl-legend', attrs: { id: 'cl-legend', 'aria-label': 'Legend' } });

  constructor(parent: HTMLElement) {
    parent.append(this.el);
  }

  show(present: Set<OpFamily>, hasSkips: boolean): void {
    const rows = FAMILIES.filter((f) => present.has(f)).map((f) => h('div', { class: 'cl-legend-row' }, h('span', { class: `cl-fam-swatch cl-fam-bg-${f}` }), NAMES[f]));
    if (hasSkips) rows.push(h('div', { class: 'cl-legend-row' }, h('span', { class: 'cl-skip-swatch' }), 'Skip connection'));
    this.el.replaceChildren(...rows);
  }
}
