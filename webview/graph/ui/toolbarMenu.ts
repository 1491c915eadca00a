import { h, icon } from '../../common/dom';
import * as l10n from '@vscode/l10n';

/** A command the toolbar offers, as its "⋯" menu lists it. */
export interface MenuCommand {
  /** `id` of the toolbar control it stands for; `id:value` for one option of a select. */
  command: string;
  label: string;
  run(): void;
  /** A toggle or a choice: whether it is on now (read each time the menu opens). */
  checked?: () => boolean;
  /** 'radio' for one of a select's options, 'check' for a toggle button. */
  kind?: 'radio' | 'check';
  /** Starts a new section (a separator above it). */
  section?: boolean;
}

/**
 * The "⋯" button of a compact toolbar and the menu it opens, holding every toolbar command. Keyboard:
 * Enter, Space or ↓ on the button opens it at the first item; ↑/↓, Home/End move; Enter or Space runs
 * an item; Escape closes it (focus back on the button); Tab or a click outside closes it.
 */
export class ToolbarMenu {
  readonly button = h('button', {
    class: 'cl-btn cl-menu-btn',
    title: l10n.t('More actions'),
    attrs: { id: 'cl-menu-btn', type: 'button', 'aria-label': l10n.t('More actions'), 'aria-haspopup': 'menu', 'aria-expanded': 'false', 'aria-controls': 'cl-menu' },
  }, icon('ellipsis'));
  readonly el = h('div', { class: 'cl-menu cl-hidden', attrs: { id: 'cl-menu', role: 'menu', 'aria-label': l10n.t('More actions') } });

  constructor(private readonly commands: () => MenuCommand[]) {
    this.button.addEventListener('click', () => (this.isOpen ? this.close(true) : this.open()));
    this.button.addEventListener('keydown', (ev) => {
      if (ev.key !== 'ArrowDown' && ev.key !== 'Enter' && ev.key !== ' ') return;
      ev.preventDefault();
      ev.stopPropagation();
      this.open();
    });
    this.el.addEventListener('keydown', (ev) => this.onKey(ev));
    // Capture phase, as the warnings popover: the graph does not also take the click as a pan or deselect.
    document.addEventListener('pointerdown', (ev) => {
      const t = ev.target instanceof Node ? ev.target : null;
      if (this.isOpen && !(t && (this.el.contains(t) || this.button.contains(t)))) this.close(false);
    }, true);
  }

  get isOpen(): boolean {
    return !this.el.classList.contains('cl-hidden');
  }

  open(): void {
    const items = this.commands().flatMap((c) => {
      const role = c.kind === 'radio' ? 'menuitemradio' : c.kind === 'check' ? 'menuitemcheckbox' : 'menuitem';
      const attrs: Record<string, string> = { type: 'button', role, tabindex: '-1', 'data-command': c.command };
      if (c.checked) attrs['aria-checked'] = String(c.checked());
      const item = h('button', { class: 'cl-menu-item', attrs }, h('span', { class: 'cl-menu-check' }, c.checked?.() ? icon('check') : null), c.label);
      item.addEventListener('click', () => {
        this.close(true);
        c.run();
      });
      return c.section ? [h('div', { class: 'cl-menu-sep', attrs: { role: 'separator' } }), item] : [item];
    });
    this.el.replaceChildren(...items);
    this.el.classList.remove('cl-hidden');
    this.button.setAttribute('aria-expanded', 'true');
    this.items()[0]?.focus();
  }

  close(focusButton: boolean): void {
    if (!this.isOpen) return;
    this.el.classList.add('cl-hidden');
    this.button.setAttribute('aria-expanded', 'false');
    if (focusButton) this.button.focus();
  }

  private items(): HTMLButtonElement[] {
    return Array.from(this.el.querySelectorAll<HTMLButtonElement>('.cl-menu-item'));
  }

  private onKey(ev: KeyboardEvent): void {
    const items = this.items();
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    const go = (i: number) => items[(i + items.length) % items.length]?.focus();
    switch (ev.key) {
      case 'ArrowDown': go(at + 1); break;
      case 'ArrowUp': go(at - 1); break;
      case 'Home': go(0); break;
      case 'End': go(items.length - 1); break;
      case 'Escape': this.close(true); break;
      case 'Tab': this.close(false); return;
      case 'Enter': case ' ': items[at]?.click(); break;
      default: return;
    }
    // The graph's own keys (arrows walk the graph, Escape clears the selection) stay out of the menu.
    ev.preventDefault();
    ev.stopPropagation();
  }
}
