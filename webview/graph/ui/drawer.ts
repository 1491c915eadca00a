import { h, icon } from '../../common/dom';
import * as l10n from '@vscode/l10n';

/** One panel in the drawer: its own heading, close button and body; closed panels take no room. */
export interface DrawerPanel {
  /** The panel's element (id as given to addPanel); hidden with cl-hidden when closed. */
  readonly el: HTMLElement;
  /** Where the panel's content goes. */
  readonly body: HTMLElement;
  readonly isOpen: boolean;
  open(): void;
  /** Closes without calling the panel's onClose (the owner already knows). */
  close(): void;
}

export interface PanelOptions {
  /** The element id of the panel, e.g. 'cl-details'. */
  id: string;
  /** Accessible name of the panel. */
  label: string;
  /** Accessible name of its close button ('Close details'). */
  closeLabel: string;
  /** Called when the user closes the panel (its close button, or Escape inside it). */
  onClose?: () => void;
}

/**
 * The container for every side panel of the graph view (layer details, and any other panel a view
 * adds with addPanel). Wide, it is docked at the right of the graph; in a compact view (the page's
 * root has cl-compact, see ./panelWidth.ts) it is a bottom sheet over the lower part of the graph,
 * at most 28% of its height, so the graph always keeps most of the space. Open panels stack in
 * the order they were added; the drawer is hidden while none is open.
 */
export class Drawer {
  readonly el = h('aside', { class: 'cl-drawer cl-hidden', attrs: { id: 'cl-drawer' } });
  private readonly panels: PanelImpl[] = [];

  constructor(parent: HTMLElement) {
    parent.append(this.el);
  }

  addPanel(o: PanelOptions): DrawerPanel {
    const p = new PanelImpl(o, () => this.update());
    this.panels.push(p);
    this.el.append(p.el);
    return p;
  }

  get isOpen(): boolean {
    return this.panels.some((p) => p.isOpen);
  }

  private update(): void {
    this.el.classList.toggle('cl-hidden', !this.isOpen);
  }
}

class PanelImpl implements DrawerPanel {
  readonly el: HTMLElement;
  readonly body = h('div', { class: 'cl-panel-body' });

  constructor(o: PanelOptions, private readonly changed: () => void) {
    const close = h('button', { class: 'cl-btn cl-close', title: l10n.t('Close'), attrs: { type: 'button', 'aria-label': o.closeLabel } }, icon('close'));
    const userClose = () => {
      this.close();
      o.onClose?.();
    };
    close.addEventListener('click', userClose);
    this.el = h('section', { class: 'cl-panel cl-hidden', attrs: { id: o.id, role: 'region', 'aria-label': o.label } }, close, this.body);
    this.el.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Escape') return;
      ev.stopPropagation();
      userClose();
    });
  }

  get isOpen(): boolean {
    return !this.el.classList.contains('cl-hidden');
  }

  open(): void {
    this.el.classList.remove('cl-hidden');
    this.changed();
  }

  close(): void {
    this.el.classList.add('cl-hidden');
    this.changed();
  }
}
