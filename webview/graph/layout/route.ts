import type { Slots } from './slots';
import { EdgeKind, type Direction } from './types';

/**
 * Edge routes and label places, computed across (c) and along (a) the layers and turned into
 * x, y at the end (top-to-bottom: x = c, y = a; left-to-right: x = a, y = c).
 * - A box's shape label sits once beside the straight stub where its edges leave it (edges that
 *   carry the same tensor share it); a second tensor of the same box is labelled beside the
 *   straight end where its edge enters the target; a skip's, beside its lane. Such a label that
 *   would touch a box or another label is left out (the tooltip and details show every shape).
 * - Several edges into one box enter at ports spread over its side, in the order they come from.
 * - Skips run as arcs in lanes left of everything they pass (above, left to right).
 */
export const enum LabelMode {
  None = 0,
  Source = 1,
  Target = 2,
  Lane = 3,
}

export interface RouteInput {
  n: number;
  edges: Int32Array;
  edgeKind: Uint8Array;
  layer: Int32Array;
  slots: Slots;
  /** Box sizes across and along the layers. */
  sc: Float64Array;
  sa: Float64Array;
  /** Centre and thickness of each layer's band. */
  rowA: Float64Array;
  band: Float64Array;
  labelW: Float64Array;
  labelH: number;
  plan: Uint8Array;
  /** Length of the straight stub below each box (room for its label). */
  stub: Float64Array;
  direction: Direction;
}

export interface Routes {
  x: Float64Array;
  y: Float64Array;
  w: Float64Array;
  h: Float64Array;
  edgeOffset: Int32Array;
  edgePoints: Float64Array;
  labelX: Float64Array;
  labelY: Float64Array;
  bounds: { minX: number; minY: number; maxX: number; maxY: number };
}

/** Which edges show a label, and how: one per (box, tensor); the first tensor of a box below it. */
export function labelPlan(n: number, edges: Int32Array, edgeKind: Uint8Array, labelW: Float64Array, edgeTensor: Int32Array | undefined, direction: Direction): { plan: Uint8Array; sourceLabel: Float64Array } {
  const m = edges.length / 2;
  const plan = new Uint8Array(m);
  const sourceLabel = new Float64Array(n);
  // Each box's first tensor is tracked in arrays; further tensors of a box (a Split's) in a set.
  const firstTensor = new Int32Array(n).fill(-1);
  const more = new Set<string>();
  const hasSource = new Uint8Array(n);
  // Edges other than skips first, so a tensor that also runs to the next layer is labelled there.
  for (const pass of [0, 1]) {
    for (let e = 0; e < m; e++) {
      if ((edgeKind[e] === EdgeKind.Skip) !== (pass === 1)) continue;
      const u = edges[2 * e];
      const t = edgeTensor ? edgeTensor[e] : 0;
      if (firstTensor[u] < 0) firstTensor[u] = t;
      else if (firstTensor[u] === t) continue;
      else {
        const k = `${u}:${t}`;
        if (more.has(k)) continue;
        more.add(k);
      }
      if (!(labelW[e] > 0)) continue;
      if (pass === 1) plan[e] = LabelMode.Lane;
      else if (!hasSource[u]) {
        hasSource[u] = 1;
        plan[e] = LabelMode.Source;
        sourceLabel[u] = labelW[e];
      } else plan[e] = direction === 'TB' ? LabelMode.Target : LabelMode.None;
    }
  }
  return { plan, sourceLabel };
}

export function routeEdges(r: RouteInput): Routes {
  const { n, edges, edgeKind, layer, slots, sc, sa, rowA, band, labelW, labelH, plan, stub } = r;
  const m = edges.length / 2;
  const pos = slots.pos;
  const lr = r.direction === 'LR';
  const top = (l: number) => rowA[l] - band[l] / 2;
  const bot = (l: number) => rowA[l] + band[l] / 2;

  // Skip lanes: interval colouring within each cluster of overlapping skips, left of the cluster's span.
  const skips: number[] = [];
  for (let e = 0; e < m; e++) if (edgeKind[e] === EdgeKind.Skip) skips.push(e);
  skips.sort((p, q) => layer[edges[2 * p]] - layer[edges[2 * q]]);
  const laneC = new Float64Array(m);
  const rowLeft = slots.byLayer.map((row) => (row.length ? pos[row[0]] - slots.size[row[0]] / 2 : Infinity));
  for (let i = 0; i < skips.length; ) {
    let j = i;
    let end = layer[edges[2 * skips[i] + 1]];
    while (j + 1 < skips.length && layer[edges[2 * skips[j + 1]]] < end) {
      j++;
      end = Math.max(end, layer[edges[2 * skips[j] + 1]]);
    }
    let left = Infinity;
    for (let l = layer[edges[2 * skips[i]]]; l <= end; l++) left = Math.min(left, rowLeft[l]);
    const laneEnd: number[] = [];
    for (let k = i; k <= j; k++) {
      const e = skips[k];
      let lane = laneEnd.findIndex((x) => x <= layer[edges[2 * e]]);
      if (lane < 0) {
        lane = laneEnd.length;
        laneEnd.push(0);
      }
      laneEnd[lane] = layer[edges[2 * e + 1]];
      laneC[e] = left - 28 - lane * 18;
    }
    i = j + 1;
  }

  // Ports: the inputs of a box enter spread over its side, ordered by where they come from.
  const portC = new Float64Array(m);
  const inStart = new Int32Array(n + 1);
  const entering = (e: number) => edgeKind[e] !== EdgeKind.Skip && edgeKind[e] !== EdgeKind.Back;
  for (let e = 0; e < m; e++) {
    portC[e] = pos[edges[2 * e + 1]];
    if (entering(e)) inStart[edges[2 * e + 1] + 1]++;
  }
  for (let v = 0; v < n; v++) inStart[v + 1] += inStart[v];
  const inFill = inStart.slice(0, n);
  const inList = new Int32Array(inStart[n]);
  for (let e = 0; e < m; e++) if (entering(e)) inList[inFill[edges[2 * e + 1]]++] = e;
  const lastC = (e: number): number => {
    const d0 = slots.dummyFirst[e];
    if (d0 < 0) return pos[edges[2 * e]];
    return pos[d0 + layer[edges[2 * e + 1]] - layer[edges[2 * e]] - 2];
  };
  for (let v = 0; v < n; v++) {
    const k = inStart[v + 1] - inStart[v];
    if (k < 2) continue;
    const list = Array.from(inList.subarray(inStart[v], inStart[v + 1]));
    list.sort((p, q) => lastC(p) - lastC(q) || p - q);
    const step = Math.min(24, (sc[v] * 0.6) / (k - 1));
    list.forEach((e, i) => (portC[e] = pos[v] + (i - (k - 1) / 2) * step));
  }

  // World coordinates of boxes.
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const w = new Float64Array(n);
  const h = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    const c = pos[v];
    const a = rowA[layer[v]];
    x[v] = lr ? a : c;
    y[v] = lr ? c : a;
    w[v] = lr ? sa[v] : sc[v];
    h[v] = lr ? sc[v] : sa[v];
  }

  // Label places (world). Below-source labels cannot touch a box or each other: they sit in the gap
  // after their layer, beside their box's stub, and ./slots.ts kept the room to the next one. The
  // others (a box's second tensor, a skip's lane) are checked against boxes and labels, and left out
  // where they would touch one.
  const labelX = new Float64Array(m).fill(NaN);
  const labelY = new Float64Array(m).fill(NaN);
  const targetStub = new Float64Array(m);
  const placeAt = (e: number, lx: number, ly: number) => {
    labelX[e] = lx;
    labelY[e] = ly;
  };
  const rest: number[] = [];
  for (let e = 0; e < m; e++) {
    if (plan[e] === LabelMode.Source) {
      const u = edges[2 * e];
      const a = bot(layer[u]);
      if (lr) placeAt(e, a + 4, pos[u] - labelH / 2 - 3);
      else placeAt(e, pos[u] + 5, a + 2 + labelH / 2);
    } else if (plan[e] !== LabelMode.None) rest.push(e);
  }
  if (rest.length) {
    const grid = new Grid(256);
    for (let v = 0; v < n; v++) grid.add(x[v] - w[v] / 2, y[v] - h[v] / 2, x[v] + w[v] / 2, y[v] + h[v] / 2);
    for (let e = 0; e < m; e++) if (labelX[e] === labelX[e]) grid.add(labelX[e] - 1, labelY[e] - labelH / 2, labelX[e] + labelW[e] + 1, labelY[e] + labelH / 2);
    const tryLabel = (e: number, lx: number, ly: number): boolean => {
      const box: [number, number, number, number] = [lx - 1, ly - labelH / 2, lx + labelW[e] + 1, ly + labelH / 2];
      if (grid.hits(...box)) return false;
      grid.add(...box);
      placeAt(e, lx, ly);
      return true;
    };
    for (const e of rest) {
      const u = edges[2 * e];
      const v = edges[2 * e + 1];
      if (plan[e] === LabelMode.Target) {
        if (tryLabel(e, portC[e] + 5, rowA[layer[v]] - sa[v] / 2 - 2 - labelH / 2)) targetStub[e] = labelH + 4;
      } else {
        const mid = (rowA[layer[u]] + rowA[layer[v]]) / 2;
        if (lr) tryLabel(e, mid - labelW[e] / 2, laneC[e] - labelH / 2 - 3);
        else tryLabel(e, laneC[e] - labelW[e] - 6, mid);
      }
    }
  }

  // Routes, along the layers (c, a), turned into world points.
  let pts = new Float64Array(8 * m + 2 * slots.count + 16);
  let len = 0;
  const edgeOffset = new Int32Array(m + 1);
  const put = (px: number, py: number) => {
    if (len + 2 > pts.length) {
      const bigger = new Float64Array(pts.length * 2);
      bigger.set(pts);
      pts = bigger;
    }
    pts[len++] = px;
    pts[len++] = py;
  };
  const push = (c: number, a: number) => {
    const px = lr ? a : c;
    const py = lr ? c : a;
    if (len > edgeOffsetStart && pts[len - 2] === px && pts[len - 1] === py) return;
    put(px, py);
  };
  let edgeOffsetStart = 0;
  for (let e = 0; e < m; e++) {
    const u = edges[2 * e];
    const v = edges[2 * e + 1];
    edgeOffset[e] = edgeOffsetStart = len;
    const au = rowA[layer[u]];
    const av = rowA[layer[v]];
    if (edgeKind[e] === EdgeKind.Skip) {
      const lane = laneC[e];
      // Four points: out of the box's side, down the lane, into the target's side.
      if (lr) {
        put(au, pos[u] - sc[u] / 2);
        put(au + sa[u] / 2, lane);
        put(av - sa[v] / 2, lane);
        put(av, pos[v] - sc[v] / 2);
      } else {
        put(pos[u] - sc[u] / 2, au);
        put(lane, au + sa[u] / 2);
        put(lane, av - sa[v] / 2);
        put(pos[v] - sc[v] / 2, av);
      }
      continue;
    }
    push(pos[u], au + sa[u] / 2);
    if (edgeKind[e] === EdgeKind.Back) {
      push(portC[e], av - sa[v] / 2);
      continue;
    }
    push(pos[u], Math.max(au + sa[u] / 2, bot(layer[u]) + stub[u]));
    const d0 = slots.dummyFirst[e];
    if (d0 >= 0) {
      for (let l = layer[u] + 1, d = d0; l < layer[v]; l++, d++) {
        push(pos[d], top(l));
        push(pos[d], bot(l));
      }
    }
    const entry = av - sa[v] / 2;
    push(portC[e], Math.min(top(layer[v]), entry - targetStub[e]));
    push(portC[e], entry);
  }
  edgeOffset[m] = len;

  // Plain locals in each loop (a closure updating them was a tenth of the routing of 50,000 boxes).
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let v = 0; v < n; v++) {
    if (x[v] - w[v] / 2 < minX) minX = x[v] - w[v] / 2;
    if (x[v] + w[v] / 2 > maxX) maxX = x[v] + w[v] / 2;
    if (y[v] - h[v] / 2 < minY) minY = y[v] - h[v] / 2;
    if (y[v] + h[v] / 2 > maxY) maxY = y[v] + h[v] / 2;
  }
  for (let k = 0; k < len; k += 2) {
    if (pts[k] < minX) minX = pts[k];
    if (pts[k] > maxX) maxX = pts[k];
    if (pts[k + 1] < minY) minY = pts[k + 1];
    if (pts[k + 1] > maxY) maxY = pts[k + 1];
  }
  for (let e = 0; e < m; e++) {
    if (labelX[e] !== labelX[e]) continue;
    if (labelX[e] < minX) minX = labelX[e];
    if (labelX[e] + labelW[e] > maxX) maxX = labelX[e] + labelW[e];
    if (labelY[e] - labelH / 2 < minY) minY = labelY[e] - labelH / 2;
    if (labelY[e] + labelH / 2 > maxY) maxY = labelY[e] + labelH / 2;
  }
  if (minX === Infinity) minX = minY = maxX = maxY = 0;
  return { x, y, w, h, edgeOffset, edgePoints: pts.slice(0, len), labelX, labelY, bounds: { minX, minY, maxX, maxY } };
}

/** Rectangles in buckets of `cell` world units, for overlap tests. */
class Grid {
  private readonly cells = new Map<number, number[]>();
  private readonly rects: number[] = [];
  constructor(private readonly cell: number) {}

  add(x0: number, y0: number, x1: number, y1: number): void {
    const id = this.rects.length / 4;
    this.rects.push(x0, y0, x1, y1);
    const c = this.cell;
    for (let i = Math.floor(x0 / c); i <= Math.floor(x1 / c); i++) {
      for (let j = Math.floor(y0 / c); j <= Math.floor(y1 / c); j++) {
        const k = i * 1_000_003 + j;
        const list = this.cells.get(k);
        if (list) list.push(id);
        else this.cells.set(k, [id]);
      }
    }
  }

  hits(x0: number, y0: number, x1: number, y1: number): boolean {
    const r = this.rects;
    const c = this.cell;
    for (let i = Math.floor(x0 / c); i <= Math.floor(x1 / c); i++) {
      for (let j = Math.floor(y0 / c); j <= Math.floor(y1 / c); j++) {
        const list = this.cells.get(i * 1_000_003 + j);
        if (!list) continue;
        for (const id of list) if (r[4 * id] < x1 && r[4 * id + 2] > x0 && r[4 * id + 1] < y1 && r[4 * id + 3] > y0) return true;
      }
    }
    return false;
  }
}
