import type { LayoutResult } from '../layout/types';

/**
 * Rows of world space along the layout's axis (y top to bottom, x left to right) listing the
 * nodes and edges that cross them, so a frame touches only what is visible: the cost of drawing
 * follows the viewport, not the graph.
 */
const ROW = 512;

export class SpatialIndex {
  private readonly nodeRows: number[][] = [];
  private readonly edgeRows: number[][] = [];
  private readonly min: number;
  private stamp = 1;
  private readonly nodeSeen: Uint32Array;
  private readonly edgeSeen: Uint32Array;
  /** Points are x,y pairs: the row axis is component `axis` (0: x, 1: y). */
  private readonly axis: 0 | 1;

  constructor(private readonly layout: LayoutResult) {
    this.axis = layout.direction === 'LR' ? 0 : 1;
    const lr = this.axis === 0;
    this.min = (lr ? layout.bounds.minX : layout.bounds.minY) - ROW;
    const n = layout.x.length;
    const m = layout.edgeKind.length;
    this.nodeSeen = new Uint32Array(n);
    this.edgeSeen = new Uint32Array(m);
    const at = lr ? layout.x : layout.y;
    const half = lr ? layout.w : layout.h;
    for (let v = 0; v < n; v++) this.insert(this.nodeRows, v, at[v] - half[v] / 2, at[v] + half[v] / 2);
    for (let e = 0; e < m; e++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let k = layout.edgeOffset[e]; k < layout.edgeOffset[e + 1]; k += 2) {
        lo = Math.min(lo, layout.edgePoints[k + this.axis]);
        hi = Math.max(hi, layout.edgePoints[k + this.axis]);
      }
      if (lo <= hi) this.insert(this.edgeRows, e, lo, hi);
    }
  }

  private insert(rows: number[][], id: number, a0: number, a1: number): void {
    const r0 = Math.floor((a0 - this.min) / ROW);
    const r1 = Math.floor((a1 - this.min) / ROW);
    for (let r = r0; r <= r1; r++) (rows[r] ??= []).push(id);
  }

  private query(rows: number[][], seen: Uint32Array, a0: number, a1: number, keep: (id: number) => boolean): number[] {
    const out: number[] = [];
    const s = ++this.stamp;
    const r0 = Math.max(0, Math.floor((a0 - this.min) / ROW));
    const r1 = Math.min(rows.length - 1, Math.floor((a1 - this.min) / ROW));
    for (let r = r0; r <= r1; r++) {
      const row = rows[r];
      if (!row) continue;
      for (const id of row) {
        if (seen[id] === s) continue;
        seen[id] = s;
        if (keep(id)) out.push(id);
      }
    }
    return out;
  }

  nodesIn(x0: number, y0: number, x1: number, y1: number): number[] {
    const { x, y, w, h } = this.layout;
    const [a0, a1] = this.axis ? [y0, y1] : [x0, x1];
    return this.query(this.nodeRows, this.nodeSeen, a0, a1, (v) =>
      x[v] + w[v] / 2 >= x0 && x[v] - w[v] / 2 <= x1 && y[v] + h[v] / 2 >= y0 && y[v] - h[v] / 2 <= y1);
  }

  edgesIn(x0: number, y0: number, x1: number, y1: number): number[] {
    const { edgeOffset, edgePoints } = this.layout;
    const other = 1 - this.axis;
    const [c0, c1] = other ? [y0, y1] : [x0, x1];
    const [a0, a1] = this.axis ? [y0, y1] : [x0, x1];
    return this.query(this.edgeRows, this.edgeSeen, a0, a1, (e) => {
      let lo = Infinity;
      let hi = -Infinity;
      for (let k = edgeOffset[e]; k < edgeOffset[e + 1]; k += 2) {
        lo = Math.min(lo, edgePoints[k + other]);
        hi = Math.max(hi, edgePoints[k + other]);
      }
      return hi >= c0 && lo <= c1;
    });
  }

  nodeAt(px: number, py: number): number {
    const hits = this.nodesIn(px, py, px, py);
    return hits.length ? hits[0] : -1;
  }
}
