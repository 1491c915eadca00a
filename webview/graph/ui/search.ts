import type { ViewGraph } from '../../../src/protocol/viewModel';
import type { DisplayGraph } from '../model/displayGraph';
import { h, icon } from '../../common/dom';
import * as l10n from '@vscode/l10n';

/**
 * Finds boxes whose node name, op type or label contains the query (case-insensitive), those where
 * one equals it first: `n14` is the layer n14 before n140…n149, each group in graph order.
 */
export function searchDisplay(g: ViewGraph, d: DisplayGraph, query: string): number[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const exact: number[] = [];
  const partial: number[] = [];
  d.nodes.forEach((box, i) => {
    const texts = [box.title, box.name, box.label, ...box.members.flatMap((m) => [g.nodes[m].name, g.nodes[m].op])].map((t) => t.toLowerCase());
    if (texts.includes(q)) exact.push(i);
    else if (texts.some((t) => t.includes(q))) partial.push(i);
  });
  return exact.concat(partial);
}

/** The search field: typing highlights matches, Enter / Shift+Enter steps through them. */
export class SearchBox {
  readonly input = h('input', { class: 'cl-search', attrs: { id: 'cl-search', type: 'search', placeholder: l10n.t('Find layer by name or op'), 'aria-label': l10n.t('Find layer') } });
  readonly count = h('span', { class: 'cl-search-count', attrs: { id: 'cl-search-count' } });
  readonly el = h('div', { class: 'cl-search-box' }, icon('search'), this.input, this.count);
  private matches: number[] = [];
  private pos = -1;
  /** Typing shows the first match; the Enter that follows goes to it rather than past it. */
  private typed = false;

  constructor(private readonly find: (q: string) => number[], private readonly onMatches: (all: number[], current: number) => void) {
    this.input.addEventListener('input', () => this.update());
    this.input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') {
        ev.preventDefault();
        this.step(ev.shiftKey ? -1 : 1);
      } else if (ev.key === 'Escape') {
        this.input.value = '';
        this.update();
      }
      ev.stopPropagation();
    });
  }

  update(): void {
    this.matches = this.find(this.input.value);
    this.pos = this.matches.length ? 0 : -1;
    this.typed = true;
    this.render();
  }

  private step(dir: number): void {
    if (!this.matches.length) return;
    const stay = this.typed && dir > 0;
    this.typed = false;
    if (!stay) this.pos = (this.pos + dir + this.matches.length) % this.matches.length;
    this.render();
  }

  private render(): void {
    this.count.textContent = this.input.value.trim() ? `${this.matches.length ? this.pos + 1 : 0}/${this.matches.length}` : '';
    this.onMatches(this.matches, this.pos >= 0 ? this.matches[this.pos] : -1);
  }
}
