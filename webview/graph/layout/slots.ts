import { EdgeKind } from './types';

/**
 * The boxes and the edges' way points of each layer, in order, and where each stands across the
 * layers (x in a top-to-bottom layout):
 * - an edge that spans several layers and is not a skip arc gets a slot (a dummy item) in every
 *   layer it crosses, so it runs past the boxes in its own lane, straight where it can;
 * - within a layer, items follow the model's branch order: a depth-first walk from the graph's
 *   ends back along each node's inputs in input order numbers the nodes, so a merge's first input's
 *   branch comes before its second (torchvision's branch1 … branch4), whatever their lengths;
 * - positions minimise the distance to where each item wants to be (weighted isotonic regression
 *   per layer, with the minimum separations as order constraints), sweeping down and up: a merge
 *   wants the middle of its inputs, a fan-out the middle of its children, children of a fan-out
 *   want their group centred under it, and a single successor its predecessor's place, so plain
 *   chains come out straight.
 */
export interface Slots {
  /** Items 0..n-1 are the boxes; n.. the dummies. */
  count: number;
  layer: Int32Array;
  /** Size across the layers. */
  size: Float64Array;
  pos: Float64Array;
  /** First dummy of each edge (-1: none); an edge's dummies are consecutive, from the top. */
  dummyFirst: Int32Array;
  /** Items of each layer, in order. */
  byLayer: Int32Array[];
}

export interface SlotInput {
  n: number;
  edges: Int32Array;
  layer: Int32Array;
  maxLayer: number;
  edgeKind: Uint8Array;
  /** Cross size of each box. */
  size: Float64Array;
  /** Extra room a box's label needs to its right, across the layers (0 for none). */
  labelSpan: Float64Array;
  columnGap: number;
  /** Upper bound on dummies; longer edges beyond it are drawn without slots. */
  maxDummies: number;
}

const DUMMY_SIZE = 8;
const DUMMY_GAP = 14;
const ROUNDS = 3;

export function placeSlots(p: SlotInput): Slots {
  const { n, edges, layer, edgeKind } = p;
  const m = edges.length / 2;
  // Dummies for long edges, shortest first, up to the budget.
  const dummyFirst = new Int32Array(m).fill(-1);
  const longEdges: number[] = [];
  for (let e = 0; e < m; e++) if (edgeKind[e] === EdgeKind.Long) longEdges.push(e);
  longEdges.sort((a, b) => span(a) - span(b));
  function span(e: number): number {
    return layer[edges[2 * e + 1]] - layer[edges[2 * e]];
  }
  let count = n;
  for (const e of longEdges) {
    const k = span(e) - 1;
    if (count - n + k > p.maxDummies) break;
    dummyFirst[e] = count;
    count += k;
  }
  const itemLayer = new Int32Array(count);
  itemLayer.set(layer.subarray(0, n));
  const size = new Float64Array(count).fill(DUMMY_SIZE);
  size.set(p.size.subarray(0, n));
  const span2 = new Float64Array(count);
  span2.set(p.labelSpan.subarray(0, n));
  // Item links (down: u -> v), boxes and dummies.
  let nl = 0;
  for (let e = 0; e < m; e++) if (edgeKind[e] === EdgeKind.Adjacent) nl++;
  const links = new Int32Array(2 * (nl + m + count - n));
  let li = 0;
  const link = (a: number, b: number) => {
    links[li++] = a;
    links[li++] = b;
  };
  for (let e = 0; e < m; e++) {
    const u = edges[2 * e];
    const v = edges[2 * e + 1];
    if (edgeKind[e] === EdgeKind.Adjacent) link(u, v);
    else if (dummyFirst[e] >= 0) {
      let prev = u;
      for (let d = dummyFirst[e], l = layer[u] + 1; l < layer[v]; l++, d++) {
        itemLayer[d] = l;
        link(prev, d);
        prev = d;
      }
      link(prev, v);
    }
  }
  const down = csr(count, links.subarray(0, li), 0);
  const up = csr(count, links.subarray(0, li), 1);

  // Order keys: post-order of a walk back from the sinks along inputs in input order.
  const key = orderKeys(n, m, edges, p.edgeKind, dummyFirst, count, (e) => span(e) - 1);
  const byLayer = bucketSorted(count, itemLayer, p.maxLayer, key);

  const pos = new Float64Array(count);
  const gapAfter = (a: number, b: number): number => {
    const gap = a >= n || b >= n ? DUMMY_GAP : p.columnGap;
    return Math.max((size[a] + size[b]) / 2 + gap, span2[a]);
  };
  let widest = 1;
  for (const row of byLayer) {
    widest = Math.max(widest, row.length);
    let x = 0;
    for (let i = 0; i < row.length; i++) {
      if (i > 0) x += gapAfter(row[i - 1], row[i]);
      pos[row[i]] = x;
    }
    const mid = row.length ? x / 2 : 0;
    for (const v of row) pos[v] -= mid;
  }
  const scratch = { want: new Float64Array(widest), weight: new Float64Array(widest), S: new Float64Array(widest), bw: new Float64Array(widest), bm: new Float64Array(widest), bs: new Int32Array(widest) };
  const centre = (list: Csr, v: number): number => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = list.start[v]; k < list.start[v + 1]; k++) {
      const x = pos[list.adj[k]];
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    return (lo + hi) / 2;
  };
  const sweep = (from: Csr, back: Csr, l: number) => {
    const row = byLayer[l];
    const { want, weight } = scratch;
    for (let i = 0; i < row.length; i++) {
      const v = row[i];
      const deg = from.start[v + 1] - from.start[v];
      if (deg === 0) {
        want[i] = pos[v];
        weight[i] = 1e-3;
      } else if (deg >= 2) {
        want[i] = centre(from, v);
        weight[i] = deg;
      } else {
        const q = from.adj[from.start[v]];
        const siblings = back.start[q + 1] - back.start[q];
        want[i] = siblings === 1 ? pos[q] : pos[v] + pos[q] - centre(back, q);
        weight[i] = 1;
      }
    }
    isotonic(row, want, weight, gapAfter, pos, scratch);
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (let l = 1; l <= p.maxLayer; l++) sweep(up, down, l);
    for (let l = p.maxLayer - 1; l >= 0; l--) sweep(down, up, l);
  }
  for (let l = 1; l <= p.maxLayer; l++) sweep(up, down, l);
  return { count, layer: itemLayer, size, pos, dummyFirst, byLayer };
}

interface Csr {
  start: Int32Array;
  adj: Int32Array;
}

/** Adjacency from flat (a, b) pairs: side 0 lists b by a, side 1 a by b. */
function csr(count: number, pairs: Int32Array, side: 0 | 1): Csr {
  const k = pairs.length / 2;
  const start = new Int32Array(count + 1);
  for (let i = 0; i < k; i++) start[pairs[2 * i + side] + 1]++;
  for (let i = 0; i < count; i++) start[i + 1] += start[i];
  const fill = start.slice(0, count);
  const adj = new Int32Array(k);
  for (let i = 0; i < k; i++) adj[fill[pairs[2 * i + side]]++] = pairs[2 * i + 1 - side];
  return { start, adj };
}

/**
 * Boxes: their post-order number in a walk from each sink (in index order) back along inputs in
 * input order. A dummy of edge u -> v stands where v's branch through that input ends: just after
 * the numbers given while walking that input, before the next input's branch.
 */
function orderKeys(n: number, m: number, edges: Int32Array, kind: Uint8Array, dummyFirst: Int32Array, count: number, dummyCount: (e: number) => number): Float64Array {
  const predStart = new Int32Array(n + 1);
  const hasOut = new Uint8Array(n);
  for (let e = 0; e < m; e++) {
    predStart[edges[2 * e + 1] + 1]++;
    if (kind[e] !== EdgeKind.Back) hasOut[edges[2 * e]] = 1;
  }
  for (let i = 0; i < n; i++) predStart[i + 1] += predStart[i];
  const fill = predStart.slice(0, n);
  const predEdge = new Int32Array(m);
  for (let e = 0; e < m; e++) predEdge[fill[edges[2 * e + 1]]++] = e;
  const key = new Float64Array(count);
  const after = new Float64Array(m);
  const seen = new Uint8Array(n);
  const it = new Int32Array(n);
  const stack = new Int32Array(n);
  let counter = 0;
  const walk = (root: number) => {
    let top = 0;
    stack[top++] = root;
    seen[root] = 1;
    it[root] = predStart[root];
    while (top > 0) {
      const v = stack[top - 1];
      if (it[v] < predStart[v + 1]) {
        const e = predEdge[it[v]];
        const u = edges[2 * e];
        if (!seen[u]) {
          seen[u] = 1;
          it[u] = predStart[u];
          stack[top++] = u;
          continue;
        }
        after[e] = counter;
        it[v]++;
      } else {
        key[v] = counter++;
        top--;
      }
    }
  };
  for (let v = 0; v < n; v++) if (!hasOut[v] && !seen[v]) walk(v);
  for (let v = 0; v < n; v++) if (!seen[v]) walk(v);
  for (let e = 0; e < m; e++) {
    const d0 = dummyFirst[e];
    if (d0 < 0) continue;
    for (let d = d0; d < d0 + dummyCount(e); d++) key[d] = after[e] - 0.5;
  }
  return key;
}

function bucketSorted(count: number, layer: Int32Array, maxLayer: number, key: Float64Array): Int32Array[] {
  const sizes = new Int32Array(maxLayer + 1);
  for (let v = 0; v < count; v++) sizes[layer[v]]++;
  // One buffer, a view of it per layer: a long chain has tens of thousands of layers of one node.
  const all = new Int32Array(count);
  const rows: Int32Array[] = new Array(maxLayer + 1);
  for (let l = 0, at = 0; l <= maxLayer; at += sizes[l], l++) rows[l] = all.subarray(at, at + sizes[l]);
  sizes.fill(0);
  for (let v = 0; v < count; v++) rows[layer[v]][sizes[layer[v]]++] = v;
  for (const row of rows) if (row.length > 1) row.sort((a, b) => key[a] - key[b] || a - b);
  return rows;
}

/**
 * Weighted least squares of positions to `want`, keeping the row's order and the minimum gaps
 * (pool-adjacent-violators on x_i − S_i, where S is the running sum of the gaps). Linear in the row.
 */
function isotonic(
  row: Int32Array, want: Float64Array, weight: Float64Array, gapAfter: (a: number, b: number) => number, pos: Float64Array,
  s: { S: Float64Array; bw: Float64Array; bm: Float64Array; bs: Int32Array },
): void {
  const k = row.length;
  if (k === 0) return;
  const { S, bw, bm, bs } = s;
  S[0] = 0;
  for (let i = 1; i < k; i++) S[i] = S[i - 1] + gapAfter(row[i - 1], row[i]);
  let top = 0;
  for (let i = 0; i < k; i++) {
    bw[top] = weight[i];
    bm[top] = want[i] - S[i];
    bs[top] = i;
    top++;
    while (top > 1 && bm[top - 2] > bm[top - 1]) {
      const w = bw[top - 2] + bw[top - 1];
      bm[top - 2] = (bm[top - 2] * bw[top - 2] + bm[top - 1] * bw[top - 1]) / w;
      bw[top - 2] = w;
      top--;
    }
  }
  for (let b = 0; b < top; b++) {
    const end = b + 1 < top ? bs[b + 1] : k;
    for (let i = bs[b]; i < end; i++) pos[row[i]] = bm[b] + S[i];
  }
}
