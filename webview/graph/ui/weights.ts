import type { WeightPage, WeightSummary } from '../../../src/analysis/weights/summary';
import type { WeightReply } from '../../../src/protocol/modelService';
import { formatPercent, formatValue } from '../../common/format';
import { h } from '../../common/dom';
import type { Drawer, DrawerPanel } from './drawer';
import * as l10n from '@vscode/l10n';

const SVG = 'http://www.w3.org/2000/svg';

/**
 * The drawer panel of one weight tensor, as Netron shows it: shape, type, the worker's statistics and
 * histogram, and its values a page at a time. Nothing of the tensor is in the view until it is clicked:
 * `fetch` asks the host, which asks the model worker (src/editor/modelStore.ts weight()).
 */
export class WeightsPanel {
  private readonly panel: DrawerPanel;
  /** The tensor shown (a newer click wins over a reply still on its way). */
  private current = '';
  private values: HTMLElement | null = null;
  private more: HTMLButtonElement | null = null;

  constructor(drawer: Drawer, private readonly fetch: (tensor: string, offset: number) => Promise<WeightReply>) {
    this.panel = drawer.addPanel({ id: 'cl-weights', label: l10n.t('Weight tensor'), closeLabel: l10n.t('Close weight tensor'), onClose: () => (this.current = '') });
    this.panel.el.classList.add('cl-weights');
    // Docked and bottom sheet lay the drawer out anew: the tensor the user opened stays in view.
    new ResizeObserver(() => this.current && this.panel.isOpen && this.reveal()).observe(drawer.el);
  }

  get el(): HTMLElement {
    return this.panel.el;
  }

  close(): void {
    this.current = '';
    this.panel.close();
  }

  async show(tensor: string, role: string): Promise<void> {
    this.current = tensor;
    const title = h('div', { class: 'cl-info-title' }, role ? `${role} · ${tensor}` : tensor);
    this.panel.body.replaceChildren(title, h('div', { class: 'cl-weight-status', attrs: { role: 'status' } }, l10n.t('Reading {0}…', tensor)));
    this.panel.open();
    this.reveal();
    const r = await this.ask(tensor, 0);
    if (this.current !== tensor) return;
    if (!r.summary || !r.page) {
      this.panel.body.replaceChildren(title, h('div', { class: 'cl-warning cl-weight-error', attrs: { role: 'alert' } }, r.error ?? l10n.t('{0}: no values came back', tensor)));
      this.reveal();
      return;
    }
    this.values = h('div', { class: 'cl-weight-values', attrs: { id: 'cl-weight-values' } });
    this.more = h('button', { class: 'cl-btn cl-text-btn', attrs: { type: 'button', id: 'cl-weight-more' } }, l10n.t('More values'));
    this.more.addEventListener('click', () => void this.next(tensor));
    this.panel.body.replaceChildren(title, histogram(r.summary), statsTable(r.summary), h('div', { class: 'cl-info-head' }, l10n.t('values (row-major)')), this.values, this.more);
    this.append(r.page);
    this.reveal();
  }

  /** The drawer stacks panels under the layer's details: in a bottom sheet this one would start below its fold. */
  private reveal(): void {
    const drawer = this.panel.el.parentElement;
    if (drawer) drawer.scrollTop += this.panel.el.getBoundingClientRect().top - drawer.getBoundingClientRect().top;
  }

  private async next(tensor: string): Promise<void> {
    const from = Number(this.values?.dataset.shown ?? 0);
    const r = await this.ask(tensor, from);
    if (this.current !== tensor) return;
    if (r.page) this.append(r.page);
    else this.values?.append(h('div', { class: 'cl-warning' }, r.error ?? ''));
  }

  private append(p: WeightPage): void {
    if (!this.values || !this.more) return;
    const shown = p.offset + p.values.length;
    this.values.dataset.shown = String(shown);
    this.values.append(...p.values.map((v, i) => h('span', { class: 'cl-weight-value', title: `[${p.offset + i}]` }, formatValue(v))));
    this.more.hidden = shown >= p.total;
    this.more.textContent = l10n.t('More values ({0} of {1} shown)', shown.toLocaleString('en-US'), p.total.toLocaleString('en-US'));
  }

  private ask(tensor: string, offset: number): Promise<WeightReply> {
    return this.fetch(tensor, offset).catch((e: unknown): WeightReply => ({ error: e instanceof Error ? e.message : String(e) }));
  }
}

function statsTable(s: WeightSummary): HTMLElement {
  const st = s.stats;
  const rows: [string, string][] = [
    [l10n.t('shape'), s.dims.length ? s.dims.join('×') : l10n.t('scalar')],
    [l10n.t('dtype'), s.dtype],
    [l10n.t('elements'), st.count.toLocaleString('en-US')],
    [l10n.t('min'), formatValue(st.min)],
    [l10n.t('max'), formatValue(st.max)],
    [l10n.t('mean'), formatValue(st.mean)],
    [l10n.t('std'), formatValue(st.std)],
    [l10n.t('zeros'), `${st.zeros.toLocaleString('en-US')} (${l10n.t('sparsity {0}', formatPercent(st.count ? st.zeros / st.count : 0))})`],
    [l10n.t('NaN'), st.nan.toLocaleString('en-US')],
    [l10n.t('±Inf'), st.inf.toLocaleString('en-US')],
  ];
  return h('table', { class: 'cl-kv cl-weight-stats', attrs: { id: 'cl-weight-stats' } }, ...rows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v))));
}

/** One bar per bin, heights on a square-root scale so that a few large bins leave the rest visible. */
function histogram(s: WeightSummary): HTMLElement {
  const { counts, min, max } = s.histogram;
  const W = 256, H = 64;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('class', 'cl-weight-hist');
  svg.setAttribute('id', 'cl-weight-hist');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', l10n.t('Histogram of {0} values in {1} bins from {2} to {3}', s.stats.count.toLocaleString('en-US'), counts.length, formatValue(min), formatValue(max)));
  const top = Math.sqrt(Math.max(1, ...counts));
  const bw = W / counts.length;
  counts.forEach((c, i) => {
    const bh = (Math.sqrt(c) / top) * H;
    const r = document.createElementNS(SVG, 'rect');
    r.setAttribute('class', 'cl-hist-bar');
    r.setAttribute('x', String(i * bw + 0.5));
    r.setAttribute('width', String(Math.max(0.5, bw - 1)));
    r.setAttribute('y', String(H - bh));
    r.setAttribute('height', String(bh));
    r.dataset.count = String(c);
    const tip = document.createElementNS(SVG, 'title');
    const lo = min + ((max - min) * i) / counts.length, hi = min + ((max - min) * (i + 1)) / counts.length;
    tip.textContent = l10n.t('{0} values in [{1}, {2})', c.toLocaleString('en-US'), formatValue(lo), formatValue(hi));
    r.append(tip);
    svg.append(r);
  });
  return h('div', { class: 'cl-weight-hist-wrap' }, svg as unknown as HTMLElement, h('div', { class: 'cl-weight-range' }, h('span', {}, formatValue(min)), h('span', {}, l10n.t('count (√ scale)')), h('span', {}, formatValue(max))));
}
