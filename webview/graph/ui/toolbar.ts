import { h, iconButton } from '../../common/dom';
import * as l10n from '@vscode/l10n';
import type { Direction } from '../layout/types';
import type { TitleMode } from '../render/boxText';
import { PNG_SCALES } from '../export/png';
import { ToolbarMenu, type MenuCommand } from './toolbarMenu';
import { OVERLAY_METRICS } from '../model/overlayValues';
import type { OverlayPanel } from './overlayPanel';

const TITLE_MODES: [TitleMode, () => string][] = [['both', () => l10n.t('Ops and names')], ['ops', () => l10n.t('Ops')], ['names', () => l10n.t('Names')]];

export interface ToolbarActions {
  fit(): void;
  zoomIn(): void;
  zoomOut(): void;
  toggleFold(): void;
  toggleBatch(): void;
  setDirection(d: Direction): void;
  setTitleMode(m: TitleMode): void;
  expandAll(): void;
  collapseTo(depth: number): void;
  exportSvg(): void;
  showModel(): void;
  exportPng(pixelRatio?: number): void;
  copyMermaid(): void;
  copyMarkdown(): void;
}

/**
 * The buttons above the graph; toggles show their state with aria-pressed. In a compact view (see
 * ./panelWidth.ts) only fit, search and the "⋯" menu show; the menu lists every command. Wider, the
 * toolbar stays one row: controls that do not fit step into the menu, the least used first.
 */
export class Toolbar {
  readonly el = h('div', { class: 'cl-toolbar', attrs: { role: 'toolbar', id: 'cl-toolbar' } });
  readonly fold: HTMLButtonElement;
  readonly batch: HTMLButtonElement;
  readonly depth = h('select', { class: 'cl-select', title: l10n.t('Collapse groups to depth'), attrs: { id: 'cl-depth', 'aria-label': l10n.t('Collapse groups to depth') } });
  readonly groupControls: HTMLElement;
  readonly direction: HTMLButtonElement;
  readonly titles = h('select', { class: 'cl-select', title: l10n.t('What box titles show'), attrs: { id: 'cl-titles', 'aria-label': l10n.t('Box titles') } },
    ...TITLE_MODES.map(([value, text]) => h('option', { attrs: { value } }, text())));
  readonly menu: ToolbarMenu;
  private overlay?: OverlayPanel;
  private dir: Direction = 'TB';
  private maxDepth = 0;

  constructor(a: ToolbarActions, private readonly search: HTMLElement) {
    this.fold = iconButton('fold', l10n.t('Fold activations and BatchNorm into the layer before'), a.toggleFold, 'cl-fold');
    this.batch = iconButton('symbol-array', l10n.t('Hide the batch dimension in edge labels'), a.toggleBatch, 'cl-batch');
    this.direction = iconButton('arrow-right', l10n.t('Lay out left to right'), () => a.setDirection(this.dir === 'TB' ? 'LR' : 'TB'), 'cl-direction');
    this.titles.addEventListener('change', () => a.setTitleMode(this.titles.value as TitleMode));
    this.depth.addEventListener('change', () => {
      const d = Number(this.depth.value);
      if (d > 0) a.collapseTo(d);
      this.depth.value = '0';
    });
    this.groupControls = h('span', { class: 'cl-group-controls' }, iconButton('expand-all', l10n.t('Expand all groups'), a.expandAll, 'cl-expand-all'), this.depth);
    // The rank is the order in which controls step into the menu when the row is too narrow.
    const wide = (el: HTMLElement, rank: number) => (el.classList.add('cl-tb-wide'), (el.dataset.overflowRank = String(rank)), el);
    this.menu = new ToolbarMenu(() => this.menuCommands(a));
    this.el.append(
      iconButton('screen-full', l10n.t('Fit to view (0)'), a.fit, 'cl-fit'),
      wide(iconButton('zoom-in', l10n.t('Zoom in (+)'), a.zoomIn, 'cl-zoom-in'), 9),
      wide(iconButton('zoom-out', l10n.t('Zoom out (−)'), a.zoomOut, 'cl-zoom-out'), 8),
      wide(h('span', { class: 'cl-sep' }), 9),
      wide(this.fold, 13),
      wide(this.batch, 10),
      wide(this.direction, 11),
      wide(this.titles, 7),
      wide(this.groupControls, 6),
      wide(h('span', { class: 'cl-sep' }), 6),
      search,
      h('span', { class: 'cl-spacer' }),
      wide(iconButton('info', l10n.t('Model properties'), a.showModel, 'cl-model-info'), 5),
      wide(iconButton('file-media', l10n.t('Export PNG'), () => a.exportPng(1), 'cl-export-png'), 4),
      wide(iconButton('file-code', l10n.t('Export SVG'), a.exportSvg, 'cl-export-svg'), 3),
      wide(iconButton('type-hierarchy', l10n.t('Copy as Mermaid…'), a.copyMermaid, 'cl-copy-mermaid'), 2),
      wide(iconButton('markdown', l10n.t('Copy Markdown summary'), a.copyMarkdown, 'cl-copy-markdown'), 1),
      this.menu.button,
      this.menu.el,
    );
    let width = -1;
    new ResizeObserver((entries) => {
      const w = entries[entries.length - 1].contentRect.width;
      if (w !== width) (width = w), this.fitRow();
    }).observe(this.el);
    // Fonts (the codicons, a display language's script) change the controls' widths without a resize.
    void document.fonts?.ready.then(() => this.fitRow());
  }

  /** Hides, lowest rank first, the controls that would not fit on the toolbar's one row (the search box shrinks first). */
  fitRow(): void {
    const ranked = [...this.el.querySelectorAll<HTMLElement>('[data-overflow-rank]')]
      .sort((x, y) => Number(x.dataset.overflowRank) - Number(y.dataset.overflowRank));
    for (const el of ranked) el.classList.remove('cl-tb-over');
    for (const el of ranked) {
      if (!this.overflows()) return;
      el.classList.add('cl-tb-over');
    }
  }

  private overflows(): boolean {
    // The search box shrinks first: squeezed below its content, it would lie over the buttons after it.
    return this.el.scrollWidth > this.el.clientWidth + 1 || this.search.scrollWidth > this.search.clientWidth + 1;
  }

  /** Every command of the toolbar, worded and checked as its control is now. */
  private menuCommands(a: ToolbarActions): MenuCommand[] {
    const pressed = (b: HTMLButtonElement) => () => b.getAttribute('aria-pressed') === 'true';
    const list: MenuCommand[] = [
      { command: 'cl-fit', label: l10n.t('Fit to view (0)'), run: a.fit },
      { command: 'cl-zoom-in', label: l10n.t('Zoom in (+)'), run: a.zoomIn },
      { command: 'cl-zoom-out', label: l10n.t('Zoom out (−)'), run: a.zoomOut },
      { command: 'cl-fold', label: this.fold.title, run: a.toggleFold, kind: 'check', checked: pressed(this.fold), section: true },
      { command: 'cl-batch', label: this.batch.title, run: a.toggleBatch, kind: 'check', checked: pressed(this.batch) },
      { command: 'cl-direction', label: this.direction.title, run: () => a.setDirection(this.dir === 'TB' ? 'LR' : 'TB') },
      ...TITLE_MODES.map(([mode, text], i): MenuCommand => ({ command: `cl-titles:${mode}`, label: l10n.t('Box titles: {0}', text()), run: () => a.setTitleMode(mode), kind: 'radio', checked: () => this.titles.value === mode, section: i === 0 })),
    ];
    const o = this.overlay;
    if (o) list.push(...OVERLAY_METRICS.map((m, i): MenuCommand => ({ command: `cl-overlay:${m}`, label: l10n.t('Colour by: {0}', o.labelOf(m)), run: () => o.setMetric(m), kind: 'radio', checked: () => o.current === m, section: i === 0 })));
    if (this.maxDepth > 0) {
      list.push({ command: 'cl-expand-all', label: l10n.t('Expand all groups'), run: a.expandAll, section: true });
      for (let d = 1; d <= this.maxDepth; d++) list.push({ command: `cl-depth:${d}`, label: l10n.t('Collapse groups to depth {0}', d), run: () => a.collapseTo(d) });
    }
    list.push(
      { command: 'cl-model-info', label: l10n.t('Model properties'), run: a.showModel, section: true },
      ...PNG_SCALES.map((n): MenuCommand => ({ command: n === 1 ? 'cl-export-png' : `cl-export-png:${n}`, label: l10n.t('Export PNG at {0}×', n), run: () => a.exportPng(n) })),
      { command: 'cl-export-svg', label: l10n.t('Export SVG'), run: a.exportSvg },
      { command: 'cl-copy-mermaid', label: l10n.t('Copy as Mermaid…'), run: a.copyMermaid },
      { command: 'cl-copy-markdown', label: l10n.t('Copy Markdown summary'), run: a.copyMarkdown },
    );
    return list;
  }

  /** The "Colour by" choice (ui/overlayPanel.ts), placed after the box titles' choice and listed in the menu. */
  setOverlay(o: OverlayPanel): void {
    this.overlay = o;
    const el = o.select;
    el.classList.add('cl-tb-wide');
    el.dataset.overflowRank = '12';
    this.titles.after(el);
    this.fitRow();
  }

  setToggles(fold: boolean, hideBatch: boolean): void {
    this.fold.setAttribute('aria-pressed', String(fold));
    this.batch.setAttribute('aria-pressed', String(hideBatch));
  }

  /** The direction button says what it will do; pressed means left to right. */
  setLayoutToggles(direction: Direction, titles: TitleMode): void {
    this.dir = direction;
    this.direction.setAttribute('aria-pressed', String(direction === 'LR'));
    const next = direction === 'TB' ? l10n.t('Lay out left to right') : l10n.t('Lay out top to bottom');
    this.direction.title = next;
    this.direction.setAttribute('aria-label', next);
    this.direction.querySelector('i')!.className = `codicon codicon-arrow-${direction === 'TB' ? 'right' : 'down'}`;
    this.titles.value = titles;
  }

  setMaxDepth(max: number): void {
    this.maxDepth = max;
    this.groupControls.classList.toggle('cl-hidden', max === 0);
    this.depth.replaceChildren(h('option', { attrs: { value: '0' } }, l10n.t('Collapse to…')), ...Array.from({ length: max }, (_, i) => h('option', { attrs: { value: String(i + 1) } }, l10n.t('depth {0}', i + 1))));
    this.depth.value = '0';
    this.fitRow();
  }
}
