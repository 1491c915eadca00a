import type { ViewDiff, ViewGraph } from '../../../src/protocol/viewModel';
import { formatBytes, formatCount, formatShape, formatTotal } from '../../common/format';
import { clear, h, icon } from '../../common/dom';
import * as l10n from '@vscode/l10n';
import { describeDims, type InputDim } from '../../../src/analysis/inputDims';

/** The header line: format, producer, opsets, inputs, outputs, totals and a warnings button that lists them. */
export class SummaryBar {
  readonly el = h('div', { class: 'cl-summary', attrs: { id: 'cl-summary' } });
  private readonly list = h('div', { class: 'cl-popover cl-hidden', attrs: { id: 'cl-warnings', role: 'dialog' } });

  private button: HTMLButtonElement | null = null;

  constructor(parent: HTMLElement, private readonly onWarning: (nodeId: string) => void) {
    parent.append(this.el, this.list);
    // A compact header is one line that scrolls; its right edge fades while more lies beyond it.
    const ends = () => this.refreshEnd();
    this.el.addEventListener('scroll', ends, { passive: true });
    new ResizeObserver(ends).observe(this.el);
    // Capture phase: the popover closes before the graph sees the Escape or the click (which
    // would otherwise clear the selection or start a pan under a list the user meant to dismiss).
    document.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Escape' || !this.isOpen()) return;
      ev.stopPropagation();
      this.hideList();
      this.button?.focus();
    }, true);
    document.addEventListener('pointerdown', (ev) => {
      const target = ev.target instanceof Node ? ev.target : null;
      if (!this.isOpen() || (target && (this.list.contains(target) || this.button?.contains(target)))) return;
      this.hideList();
    }, true);
  }

  /** Whether the line is scrolled to its end (no fade); again when the view turns compact or wide. */
  refreshEnd(): void {
    this.el.classList.toggle('cl-sum-end', this.el.scrollLeft + this.el.clientWidth >= this.el.scrollWidth - 1);
  }

  private isOpen(): boolean {
    return !this.list.classList.contains('cl-hidden');
  }

  private hideList(): void {
    this.list.classList.add('cl-hidden');
  }

  show(g: ViewGraph, diff: ViewDiff | null = null): void {
    clear(this.el);
    const opsets = Object.entries(g.opsets).map(([d, v]) => `${d || 'ai.onnx'} ${v}`).join(', ');
    // Key items (the totals) come first in a compact header, where the line scrolls.
    const item = (label: string, value: string, key = false) => h('span', { class: key ? 'cl-sum-item cl-sum-key' : 'cl-sum-item' }, h('span', { class: 'cl-sum-label' }, label), ' ', value);
    const items = [
      h('span', { class: 'cl-sum-title' }, g.title),
      item(l10n.t('format'), g.format.toUpperCase()),
      g.producer ? item(l10n.t('producer'), g.producer) : null,
      opsets ? item(l10n.t('opset'), opsets) : null,
      item(l10n.t('inputs'), g.inputs.map((t) => `${t.name} ${formatShape(t.shape, false)}`).join(', ') || '—'),
      item(l10n.t('outputs'), g.outputs.map((t) => `${t.name} ${formatShape(t.shape, false)}`).join(', ') || '—'),
      item(l10n.t('params'), formatTotal(g.totals.params, g.totals.partial?.params.length), true),
      // Keras summary()'s split, where something does not train (BatchNorm statistics, frozen layers).
      g.totals.nonTrainableParams ? item(l10n.t('trainable'), formatCount(g.totals.trainableParams ?? 0)) : null,
      g.totals.nonTrainableParams ? item(l10n.t('non-trainable'), formatCount(g.totals.nonTrainableParams)) : null,
      // Where MACs depend on symbolic input dims, the sizes they are at (never an unsaid 1).
      item(l10n.t('MACs'), g.totals.evaluatedAt?.length ? l10n.t('{0} at {1}', formatTotal(g.totals.macs, g.totals.partial?.macs.length), describeDims(aliased(g, g.totals.evaluatedAt))) : formatTotal(g.totals.macs, g.totals.partial?.macs.length), true),
      item(l10n.t('weights'), formatBytes(g.totals.weightBytes), true),
      partialItem(g),
      dimsItem(g),
    ];
    if (diff) items.unshift(h('span', { class: 'cl-sum-item cl-diff-head', attrs: { id: 'cl-diff-head' } }, h('span', { class: 'cl-sum-label' }, l10n.t('compared with {0}', diff.against)), ' ', diff.headline));
    for (const i of items) if (i) this.el.append(i);
    const n = g.warnings.length;
    // The icon and the count alone would be read out as just the number.
    const btn = h('button', { class: 'cl-btn cl-warn-btn', attrs: { id: 'cl-warnings-btn', type: 'button', 'aria-label': n === 1 ? l10n.t('{0} warning', n) : l10n.t('{0} warnings', n) }, title: l10n.t('List warnings') }, icon('warning'), ` ${n}`);
    btn.disabled = n === 0;
    btn.addEventListener('click', () => this.toggleList(g));
    this.button = btn;
    this.el.append(btn);
    this.list.classList.add('cl-hidden');
    this.el.scrollLeft = 0;
    this.refreshEnd();
  }

  private toggleList(g: ViewGraph): void {
    if (this.isOpen()) {
      this.hideList();
      return;
    }
    clear(this.list);
    const byId = new Map(g.nodes.map((n) => [n.id, n]));
    this.list.append(h('div', { class: 'cl-info-head' }, g.warnings.length === 1 ? l10n.t('{0} warning', 1) : l10n.t('{0} warnings', g.warnings.length)));
    for (const w of g.warnings) {
      const node = byId.get(w.node);
      const row = h('div', { class: 'cl-warning-row' }, icon('warning'), ' ', node ? h('b', {}, node.name + ': ') : null, w.message);
      if (node) {
        row.classList.add('cl-link');
        row.addEventListener('click', () => {
          this.list.classList.add('cl-hidden');
          this.onWarning(node.id);
        });
      }
      this.list.append(row);
    }
    this.list.classList.remove('cl-hidden');
  }
}

/** Totals that leave out nodes with unknown figures say so, and how many, where they are shown. */
function partialItem(g: ViewGraph): HTMLElement | null {
  const p = g.totals.partial;
  const n = p ? new Set([...p.params, ...p.macs]).size : 0;
  if (!n) return null;
  const text = n === 1 ? l10n.t('partial: {0} node unknown', n) : l10n.t('partial: {0} nodes unknown', n);
  return h('span', {
    class: 'cl-sum-item cl-sum-key cl-sum-partial',
    attrs: { id: 'cl-sum-partial' },
    title: n === 1
      ? l10n.t('The figures of {0} node are unknown (no shape rule, or a shape that could not be inferred); params, MACs and weights above leave them out. See the warnings.', n)
      : l10n.t('The figures of {0} nodes are unknown (no shape rule, or a shape that could not be inferred); params, MACs and weights above leave them out. See the warnings.', n),
  }, icon('warning'), ' ', text);
}

/** The legend of the short names shapes give long symbolic dims: 'd1 = p2o.DynamicDimension.1'. */
function dimsItem(g: ViewGraph): HTMLElement | null {
  const entries = Object.entries(g.dimLegend ?? {});
  if (!entries.length) return null;
  const text = entries.map(([alias, name]) => `${alias} = ${name}`).join(', ');
  return h('span', { class: 'cl-sum-item cl-sum-dims', attrs: { id: 'cl-sum-dims' }, title: l10n.t('Shapes write these symbolic dims by short names: {0}', text) }, h('span', { class: 'cl-sum-label' }, l10n.t('dims')), ' ', text);
}

/** The input dims by the names the shapes use (their aliases, where they have one). */
function aliased(g: ViewGraph, dims: readonly InputDim[]): InputDim[] {
  const alias = new Map(Object.entries(g.dimLegend ?? {}).map(([a, name]) => [name, a]));
  return dims.map((d) => ({ ...d, name: alias.get(d.name) ?? d.name }));
}
