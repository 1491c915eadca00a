import { h } from '../../common/dom';

/** The hover card, kept inside the window next to the pointer. */
export class Tooltip {
  readonly el = h('div', { class: 'cl-tooltip cl-hidden', attrs: { id: 'cl-tooltip', role: 'tooltip' } });

  constructor(parent: HTMLElement) {
    parent.append(this.el);
  }

  show(content: HTMLElement, clientX: number, clientY: number): void {
    this.el.replaceChildren(content);
    this.el.classList.remove('cl-hidden');
    const r = this.el.getBoundingClientRect();
    const x = clientX + 16 + r.width > window.innerWidth ? clientX - 16 - r.width : clientX + 16;
    const y = Math.min(clientY + 12, window.innerHeight - r.height - 4);
    this.el.style.left = `${Math.max(4, x)}px`;
    this.el.style.top = `${Math.max(4, y)}px`;
  }

  hide(): void {
    this.el.classList.add('cl-hidden');
  }
}
