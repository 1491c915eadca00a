import { GroupPaths } from './groups';
import { EdgeKind, type LayoutInput } from './types';

/** The part of a layout that needs no box sizes: it can start while the page is still measuring. */
export type TopologyInput = Pick<LayoutInput, 'nodeCount' | 'edges' | 'groupOf' | 'groupParent'>;

export interface Topology {
  groups: GroupPaths;
  layer: Int32Array;
  maxLayer: number;
  onChain: Uint8Array;
  edgeKind: Uint8Array;
  /** Each group's first and last layer. */
  lo: Int32Array;
  hi: Int32Array;
  millis: number;
}

const MAX_SINK = 8;

/**
 * Layers by longest path from the sources, so the deepest path (the main chain) gets one node per
 * layer; nodes off the chain sink as late as their consumers allow (see ./layered.ts).
 */
export function layerTopology(input: TopologyInput): Topology {
  const t0 = performance.now();
  const n = input.nodeCount;
  const { succStart, succ, predStart, pred } = adjacency(n, input.edges);
  const groups = new GroupPaths(n, input.groupOf, input.groupParent);
  const order = topoOrder(n, succStart, succ, predStart, groups);
  const rank = new Int32Array(n);
  for (let i = 0; i < n; i++) rank[order[i]] = i;
  const forward = (from: number, to: number): boolean => rank[from] < rank[to];

  // Longest-path layering (ASAP), a group starting below every sibling group that feeds it.
  const G = groups.count;
  const floor = new Int32Array(G);
  const lo = new Int32Array(G).fill(0x7fffffff);
  const hi = new Int32Array(G).fill(-1);
  const layer = new Int32Array(n);
  for (const v of order) {
    let l = 0;
    for (let k = predStart[v]; k < predStart[v + 1]; k++) {
      const u = pred[k];
      if (!forward(u, v)) continue;
      let below = layer[u] + 1;
      if (G) {
        const { gu, gv } = groups.split(u, v);
        if (gu >= 0) below = Math.max(below, hi[gu] + 1);
        if (gv >= 0 && lo[gv] === 0x7fffffff) floor[gv] = Math.max(floor[gv], below);
      }
      l = Math.max(l, below);
    }
    for (const g of groups.path(v)) l = Math.max(l, floor[g]);
    layer[v] = l;
    for (const g of groups.path(v)) {
      lo[g] = Math.min(lo[g], l);
      hi[g] = Math.max(hi[g], l);
    }
  }
  // The main chain: from the deepest node back along its lowest predecessor (first input first).
  const onChain = new Uint8Array(n);
  const chainPred = new Int32Array(n).fill(-1);
  let deepest = -1;
  for (let v = 0; v < n; v++) if (deepest < 0 || layer[v] > layer[deepest]) deepest = v;
  for (let v = deepest; v >= 0; ) {
    onChain[v] = 1;
    let next = -1;
    for (let k = predStart[v]; k < predStart[v + 1]; k++) {
      const u = pred[k];
      if (forward(u, v) && layer[u] < layer[v] && (next < 0 || layer[u] > layer[next])) next = u;
    }
    chainPred[v] = next;
    v = next;
  }
  // Off-chain nodes sink towards their consumers (ALAP), never out of their own groups nor into another's;
  // a branch whose consumer is far below (a detector's heads feeding the last Concat) stays by its source.
  for (let i = n - 1; i >= 0; i--) {
    const v = order[i];
    if (onChain[v]) continue;
    let l = Infinity;
    for (let k = succStart[v]; k < succStart[v + 1]; k++) {
      const w = succ[k];
      if (!forward(v, w)) continue;
      let cap = layer[w] - 1;
      if (G) {
        const { gu, gv } = groups.split(v, w);
        if (gv >= 0) cap = Math.min(cap, lo[gv] - 1);
        const own = groups.path(v);
        if (gu >= 0 && own.length) cap = Math.min(cap, hi[own[own.length - 1]]);
      }
      l = Math.min(l, cap);
    }
    if (l !== Infinity && l > layer[v] && l - layer[v] <= MAX_SINK) layer[v] = l;
  }
  if (G) sinkGroups(n, groups, layer, onChain, succStart, succ, forward);
  if (G) {
    lo.fill(0x7fffffff);
    hi.fill(-1);
    for (let v = 0; v < n; v++) {
      for (const g of groups.path(v)) {
        lo[g] = Math.min(lo[g], layer[v]);
        hi[g] = Math.max(hi[g], layer[v]);
      }
    }
  }

  let maxLayer = 0;
  for (let v = 0; v < n; v++) maxLayer = Math.max(maxLayer, layer[v]);
  const edgeKind = classifyEdges(input.edges, layer, onChain, chainPred, forward);
  return { groups, layer, maxLayer, onChain, edgeKind, lo, hi, millis: performance.now() - t0 };
}

/** Adjacent, skip (chain to chain, drawn as an arc), long (through slots) or back. */
function classifyEdges(edges: Int32Array, layer: Int32Array, onChain: Uint8Array, chainPred: Int32Array, forward: (a: number, b: number) => boolean): Uint8Array {
  const m = edges.length / 2;
  const kind = new Uint8Array(m);
  for (let e = 0; e < m; e++) {
    const a = edges[2 * e];
    const b = edges[2 * e + 1];
    if (!forward(a, b) || layer[b] <= layer[a]) kind[e] = EdgeKind.Back;
    else if (layer[b] - layer[a] === 1) kind[e] = EdgeKind.Adjacent;
    else if (chainPred[b] === a) kind[e] = EdgeKind.Long; // the chain itself, stretched past a group boundary
    else if (onChain[a] && onChain[b]) kind[e] = EdgeKind.Skip;
    else kind[e] = EdgeKind.Long;
  }
  return kind;
}

function adjacency(n: number, edges: Int32Array) {
  const m = edges.length / 2;
  const succStart = new Int32Array(n + 1);
  const predStart = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) {
    succStart[edges[2 * e] + 1]++;
    predStart[edges[2 * e + 1] + 1]++;
  }
  for (let i = 0; i < n; i++) {
    succStart[i + 1] += succStart[i];
    predStart[i + 1] += predStart[i];
  }
  const succ = new Int32Array(m);
  const pred = new Int32Array(m);
  const sf = succStart.slice(0, n);
  const pf = predStart.slice(0, n);
  for (let e = 0; e < m; e++) {
    const a = edges[2 * e];
    const b = edges[2 * e + 1];
    succ[sf[a]++] = b;
    pred[pf[b]++] = a;
  }
  return { succStart, succ, predStart, pred };
}

/**
 * Kahn's order; nodes left on a cycle follow in index order (their back edges are ignored for
 * layering). With scope groups, the next node is taken from the innermost group of the last one
 * that has a ready node, so a group is finished before its siblings go on.
 */
function topoOrder(n: number, succStart: Int32Array, succ: Int32Array, predStart: Int32Array, groups: GroupPaths): Int32Array {
  const indeg = new Int32Array(n);
  for (let v = 0; v < n; v++) indeg[v] = predStart[v + 1] - predStart[v];
  const order = new Int32Array(n);
  const done = new Uint8Array(n);
  const ready: number[] = [];
  const byGroup: number[][] = Array.from({ length: groups.count }, () => []);
  const push = (v: number) => {
    ready.push(v);
    for (const g of groups.path(v)) byGroup[g].push(v);
  };
  const nextFrom = (list: number[]): number => {
    while (list.length && done[list[list.length - 1]]) list.pop();
    return list.length ? list.pop()! : -1;
  };
  let head = 0;
  let tail = 0;
  for (let v = 0; v < n; v++) if (indeg[v] === 0) push(v);
  let scan = 0;
  let last = -1;
  while (tail < n) {
    let v = -1;
    if (last >= 0) {
      const p = groups.path(last);
      for (let i = p.length - 1; i >= 0 && v < 0; i--) v = nextFrom(byGroup[p[i]]);
    }
    while (v < 0 && head < ready.length) {
      const c = ready[head++];
      if (!done[c]) v = c;
    }
    if (v < 0) {
      // Only cycles are left: break one.
      while (done[scan] || indeg[scan] === 0) scan++;
      indeg[scan] = 0;
      v = scan;
    }
    done[v] = 1;
    order[tail++] = v;
    last = v;
    for (let k = succStart[v]; k < succStart[v + 1]; k++) if (--indeg[succ[k]] === 0) push(succ[k]);
  }
  return order;
}

/**
 * A group off the main chain sinks as a whole towards the nodes that read it (at most MAX_SINK layers),
 * innermost groups first. The node pass cannot move it, since no node leaves its group: an Inception
 * branch found as a group (Inception v3's mixed9 and mixed10) would otherwise end layers above the
 * Concat that joins it, beside branches that sank to just above that Concat.
 */
function sinkGroups(n: number, groups: GroupPaths, layer: Int32Array, onChain: Uint8Array, succStart: Int32Array, succ: Int32Array, forward: (from: number, to: number) => boolean): void {
  const members: number[][] = Array.from({ length: groups.count }, () => []);
  const depth = new Int32Array(groups.count);
  for (let v = 0; v < n; v++) {
    const p = groups.path(v);
    p.forEach((g, d) => {
      members[g].push(v);
      depth[g] = d;
    });
  }
  const byDepth = Array.from({ length: groups.count }, (_, g) => g).sort((a, b) => depth[b] - depth[a]);
  for (const g of byDepth) {
    const own = members[g];
    if (own.length === 0 || own.some((v) => onChain[v])) continue;
    let slack = Infinity;
    for (const v of own) {
      for (let k = succStart[v]; k < succStart[v + 1]; k++) {
        const w = succ[k];
        if (forward(v, w) && !groups.path(w).includes(g)) slack = Math.min(slack, layer[w] - 1 - layer[v]);
      }
    }
    if (slack !== Infinity && slack > 0 && slack <= MAX_SINK) for (const v of own) layer[v] += slack;
  }
}
