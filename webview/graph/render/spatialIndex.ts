import type { LayoutResult } from '../layout/types';

/**
 * Rows of world space (by y) listing the nodes and edges that cross them, so a frame touches
 * only what is visible: the cost of drawing follows the viewport, not the graph.
 */
const ROW = 512;

export class SpatialIndex {
  private readonly nodeRows: number[][] = [];
  private readonly edgeRows: number[][] = [];
  private readonly minY: number;
  private stamp = 1;
  private readonly nodeSeen: Uint32Array;
  private readonly edgeSeen: Uint32Array;

  constructor(private readonly layout: LayoutResult, private readonly halfW: number, private readonly halfH: number) {
    this.minY = layout.bounds.minY - ROW;
    const n = layout.x.length;
    const m = layout.edgeKind.length;
    this.nodeSeen = new Uint32Array(n);
    this.edgeSeen = new Uint32Array(m);
    for (let v = 0; v < n; v++) this.insert(this.nodeRows, v, layout.y[v] - halfH, layout.y[v] + halfH);
    for (let e = 0; e < m; e++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let k = layout.edgeOffset[e]; k < layout.edgeOffset[e + 1]; k += 2) {
        lo = Math.min(lo, layout.edgePoints[k + 1]);
        hi = Math.max(hi, layout.edgePoints[k + 1]);
      }
      if (lo <= hi) this.insert(this.edgeRows, e, lo, hi);
    }
  }

  private insert(rows: number[][], id: number, y0: number, y1: number): void {
    const r0 = Math.floor((y0 - this.minY) / ROW);
    const r1 = Math.floor((y1 - this.minY) / ROW);
    for (let r = r0; r <= r1; r++) (rows[r] ??= []).push(id);
  }

  private query(rows: number[][], seen: Uint32Array, y0: number, y1: number, keep: (id: number) => boolean): number[] {
    const out: number[] = [];
    const s = ++this.stamp;
    const r0 = Math.max(0, Math.floor((y0 - this.minY) / ROW));
    const r1 = Math.min(rows.length - 1, Math.floor((y1 - this.minY) / ROW));
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
    const { x, y } = this.layout;
    return this.query(this.nodeRows, this.nodeSeen, y0, y1, (v) =>
      x[v] + this.halfW >= x0 && x[v] - this.halfW <= x1 && y[v] + this.halfH >= y0 && y[v] - this.halfH <= y1);
  }

  edgesIn(x0: number, y0: number, x1: number, y1: number): number[] {
    const { edgeOffset, edgePoints } = this.layout;
    return this.query(this.edgeRows, this.edgeSeen, y0, y1, (e) => {
      let lo = Infinity;
      let hi = -Infinity;
      for (let k = edgeOffset[e]; k < edgeOffset[e + 1]; k += 2) {
        lo = Math.min(lo, edgePoints[k]);
        hi = Math.max(hi, edgePoints[k]);
      }
      return hi >= x0 && lo <= x1;
    });
  }

  nodeAt(px: number, py: number): number {
    const hits = this.nodesIn(px, py, px, py);
    return hits.length ? hits[0] : -1;
  }
}
