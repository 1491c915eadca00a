import type { InputDim } from '../../../src/analysis/inputDims';
import type { ViewGraph } from '../../../src/protocol/viewModel';
import { h, icon } from '../../common/dom';
import * as l10n from '@vscode/l10n';

/**
 * The input-size row: one number field per symbolic input dim, filled with the size the figures are
 * at (the analysis' `totals.evaluatedAt`). A size the model states or our default is marked as such;
 * changing a field asks the host to analyse at the chosen sizes (every shape concrete), which it
 * remembers per model and Run uses. "Defaults" drops the choice (symbolic shapes again).
 * #cl-input-sizes' data-state says 'symbolic' or 'chosen' for tests.
 */
export class InputSizeBar {
  readonly el = h('div', { class: 'cl-input-sizes cl-hidden', attrs: { id: 'cl-input-sizes', role: 'group', 'aria-label': l10n.t('Input size') } });
  private dims: InputDim[] = [];

  constructor(private readonly apply: (values: Record<string, number> | null) => void) {}

  show(g: ViewGraph): void {
    this.dims = g.totals.evaluatedAt ?? [];
    this.el.replaceChildren();
    this.el.classList.toggle('cl-hidden', this.dims.length === 0);
    if (this.dims.length === 0) return;
    const chosen = this.dims.some((d) => d.source === 'chosen');
    this.el.dataset.state = chosen ? 'chosen' : 'symbolic';
    this.el.append(h('span', { class: 'cl-sum-label', title: l10n.t('Sizes of the symbolic input dims: every shape, MAC and memory figure is computed at them') }, l10n.t('input size')));
    // A long dim name goes by the alias the shapes use (the header's legend spells it out).
    const alias = new Map(Object.entries(g.dimLegend ?? {}).map(([a, name]) => [name, a]));
    this.dims.forEach((d, i) => {
      const field = h('input', {
        class: `cl-dim-input cl-dim-${d.source}`,
        title: tip(d),
        attrs: { id: `cl-dim-${i}`, type: 'number', min: '1', max: '1000000', step: '1', 'data-dim': d.name, 'aria-label': `${d.name} (${d.role}${d.source === 'chosen' ? '' : `, ${SOURCE[d.source]()}`})` },
        props: { value: String(d.value) },
        on: { change: () => this.changed(d, field) },
      });
      const badge = d.source === 'chosen' ? null : h('span', { class: 'cl-dim-source' }, SOURCE[d.source]());
      this.el.append(h('label', { class: 'cl-dim', attrs: { for: `cl-dim-${i}` } }, h('span', { class: 'cl-dim-name' }, alias.get(d.name) ?? d.name), field, badge));
    });
    if (chosen) {
      const reset = h('button', { class: 'cl-btn cl-text-btn', title: l10n.t('Forget the chosen sizes: symbolic shapes, figures at the default sizes'), attrs: { id: 'cl-dim-reset', type: 'button' }, on: { click: () => this.apply(null) } }, icon('discard'), ` ${l10n.t('Defaults')}`);
      this.el.append(reset);
    }
  }

  private changed(d: InputDim, field: HTMLInputElement): void {
    const v = Number(field.value);
    if (!Number.isInteger(v) || v < 1 || v > 1_000_000) {
      field.setCustomValidity(l10n.t('a whole number from 1 to 1,000,000'));
      field.reportValidity();
      return;
    }
    field.setCustomValidity('');
    // The sizes chosen before stay chosen; this one joins them. The rest keep their stated size.
    const values: Record<string, number> = {};
    for (const x of this.dims) if (x.source === 'chosen') values[x.name] = x.value;
    values[d.name] = v;
    this.el.dataset.state = 'applying';
    this.apply(values);
  }
}

const SOURCE: Record<Exclude<InputDim['source'], 'chosen'>, () => string> = { default: () => l10n.t('default'), metadata: () => l10n.t('from the model') };

function tip(d: InputDim): string {
  const where = l10n.t('{0}, axis {1}', d.input, d.axis);
  if (d.source === 'chosen') return l10n.t('{0} ({1}): your choice, remembered for this model', d.name, where);
  if (d.source === 'metadata') return l10n.t("{0} ({1}): the size the model's metadata states; change it to analyse at another size", d.name, where);
  return l10n.t('{0} ({1}): the default for a {2} dim; change it to analyse at the size you use', d.name, where, d.role);
}
