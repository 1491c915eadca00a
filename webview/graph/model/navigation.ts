import type { DisplayGraph } from './displayGraph';

/**
 * Moving the selection along edges with the keyboard: up to a producer, down to a consumer,
 * left/right among the alternatives of the last step (the other consumers of the node we came
 * from, or the other producers of the node we came from).
 */
export class EdgeNavigator {
  private preds: number[][] = [];
  private succs: number[][] = [];
  private alternatives: number[] = [];

  setGraph(d: DisplayGraph): void {
    this.preds = d.nodes.map(() => []);
    this.succs = d.nodes.map(() => []);
    for (const e of d.edges) {
      if (!this.succs[e.from].includes(e.to)) this.succs[e.from].push(e.to);
      if (!this.preds[e.to].includes(e.from)) this.preds[e.to].push(e.from);
    }
    this.alternatives = [];
  }

  /** The node to select after `key` from `current`, or -1 when there is none. */
  step(current: number, key: 'up' | 'down' | 'left' | 'right'): number {
    if (current < 0 || current >= this.preds.length) return -1;
    if (key === 'up' || key === 'down') {
      const next = key === 'up' ? this.preds[current] : this.succs[current];
      if (!next.length) return -1;
      this.alternatives = next;
      return next[0];
    }
    const alt = this.alternatives;
    const i = alt.indexOf(current);
    if (i < 0 || alt.length < 2) return -1;
    return alt[(i + (key === 'right' ? 1 : alt.length - 1)) % alt.length];
  }

  producers(v: number): number[] {
    return this.preds[v] ?? [];
  }

  consumers(v: number): number[] {
    return this.succs[v] ?? [];
  }
}
