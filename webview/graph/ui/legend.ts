import type { OpFamily } from '../../../src/protocol/viewModel';
import { FAMILIES } from '../render/theme';
import { h, icon } from '../../common/dom';
import * as l10n from '@vscode/l10n';
import { DECLARED_MARK } from '../../../src/common/shapeMarks';
import { visibleText } from '../../../src/common/visibleText';

const NAMES: Record<OpFamily, () => string> = {
  convolution: () => l10n.t('Convolution'), pooling: () => l10n.t('Pooling'), normalization: () => l10n.t('Normalization'), activation: () => l10n.t('Activation'),
  merge: () => l10n.t('Merge'), dense: () => l10n.t('Dense'), reshape: () => l10n.t('Reshape'), input: () => l10n.t('Input'), output: () => l10n.t('Output'), other: () => l10n.t('Other'),
};

/**
 * The colour key, docked in a strip under the graph (it never covers a box): one swatch per family
 * present in the graph, plus the skip-connection colour. The chevron folds it to one button.
 */
export class Legend {
  readonly el = h('div', { class: 'cl-legend', attrs: { id: 'cl-legend', role: 'group', 'aria-label': l10n.t('Legend') } });
  private readonly rows = h('div', { class: 'cl-legend-rows' });
  private readonly toggle = h('button', { class: 'cl-btn cl-legend-toggle', title: l10n.t('Hide the legend'), attrs: { id: 'cl-legend-toggle', type: 'button', 'aria-expanded': 'true' } }, icon('chevron-down'), l10n.t('Legend'));

  constructor(parent: HTMLElement) {
    this.toggle.addEventListener('click', () => this.setOpen(this.el.classList.contains('cl-legend-closed')));
    this.el.append(this.toggle, this.rows);
    parent.append(this.el);
  }

  setOpen(open: boolean): void {
    this.el.classList.toggle('cl-legend-closed', !open);
    this.toggle.setAttribute('aria-expanded', String(open));
    this.toggle.title = open ? l10n.t('Hide the legend') : l10n.t('Show the legend');
    this.toggle.querySelector('i')!.className = `codicon codicon-chevron-${open ? 'down' : 'right'}`;
  }

  /** `prefix`: what every node name begins with, left out of the boxes and said once here. */
  show(present: Set<OpFamily>, hasSkips: boolean, hasDeclared = false, prefix = ''): void {
    const rows = FAMILIES.filter((f) => present.has(f)).map((f) => h('span', { class: 'cl-legend-row' }, h('span', { class: `cl-fam-swatch cl-fam-bg-${f}` }), NAMES[f]()));
    if (hasSkips) rows.push(h('span', { class: 'cl-legend-row' }, h('span', { class: 'cl-skip-swatch' }), l10n.t('Skip connection')));
    if (hasDeclared) rows.push(h('span', { class: 'cl-legend-row', attrs: { id: 'cl-legend-declared' } }, h('i', { class: 'cl-declared-sample' }, DECLARED_MARK), l10n.t('shape declared in the file, not inferred')));
    if (prefix) rows.push(h('span', { class: 'cl-legend-row cl-legend-prefix', attrs: { id: 'cl-name-prefix' }, title: l10n.t('Every node name begins with this; the boxes leave it out') }, l10n.t('names:'), ' ', h('code', {}, visibleText(prefix)), '…'));
    this.rows.replaceChildren(...rows);
  }
}
