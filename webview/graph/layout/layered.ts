import { GroupPaths, layerOffsets } from './groups';
import { EdgeKind, type LayoutInput, type LayoutResult } from './types';

/**
 * A layered top-to-bottom layout made for CNNs, as a pure function on typed arrays:
 * - layers by longest path from the sources, so the deepest path (the main chain) gets one node
 *   per layer and is drawn as a straight vertical line at x = 0;
 * - nodes off the chain sink as late as their consumers allow, so parallel branches end side by
 *   side just above the Concat/Add that joins them;
 * - off-chain nodes stand to the right of the chain, each keeping its predecessor's column where
 *   it can (branches stay straight), new branches taking the next free column;
 * - skip connections (chain to chain, several layers apart) run as arcs in lanes to the left;
 * - with scope groups (input.groupOf), a group starts below the whole of every sibling group that
 *   feeds it and its nodes never sink out of it, so expanded frames of sequential groups never
 *   share a layer; layers where frames start or end get room for their headers and padding.
 * Linear in nodes + edges apart from one sort per layer.
 */
export function layeredLayout(input: LayoutInput): LayoutResult {
  const t0 = performance.now();
  const n = input.nodeCount;
  const m = input.edges.length / 2;
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
  // Off-chain nodes sink towards their consumers (ALAP), never out of their own groups nor into another's.
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
    if (l !== Infinity && l > layer[v]) layer[v] = l;
  }
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

  // Columns: chain at 0, the rest to the right.
  let maxLayer = 0;
  for (let v = 0; v < n; v++) maxLayer = Math.max(maxLayer, layer[v]);
  const byLayer = bucket(n, layer, maxLayer, order);
  const col = new Float64Array(n);
  const desired = new Float64Array(n);
  for (let l = 0; l <= maxLayer; l++) {
    const members = byLayer[l];
    const off: number[] = [];
    for (const v of members) {
      if (onChain[v]) continue;
      let sum = 0;
      let cnt = 0;
      let fromChain = false;
      for (let k = predStart[v]; k < predStart[v + 1]; k++) {
        const u = pred[k];
        if (!forward(u, v)) continue;
        if (onChain[u]) fromChain = true;
        else {
          sum += col[u];
          cnt++;
        }
      }
      // Continuing a branch keeps its column; a branch leaving the chain asks for the next one.
      desired[v] = cnt > 0 ? sum / cnt : fromChain ? 1.5 : 2.5;
      off.push(v);
    }
    off.sort((a, b) => desired[a] - desired[b] || rank[a] - rank[b]);
    let prev = 0;
    for (const v of off) {
      const c = Math.max(Math.ceil(desired[v] - 0.5 - 1e-9), prev + 1);
      col[v] = c;
      prev = c;
    }
  }

  const W = input.nodeWidth;
  const H = input.nodeHeight;
  const stepY = H + input.layerGap;
  const stepX = W + input.columnGap;
  const rows = layerOffsets(maxLayer, layer, groups, lo, hi, stepY);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    x[v] = col[v] * stepX;
    y[v] = rows.y[layer[v]];
  }

  const routes = routeEdges(input, x, y, layer, onChain, chainPred, forward);
  let minX = -W / 2 - routes.leftMargin;
  let maxX = W / 2;
  for (let v = 0; v < n; v++) maxX = Math.max(maxX, x[v] + W / 2);
  const bounds = { minX, minY: -H / 2, maxX, maxY: rows.y[maxLayer] + H / 2 + rows.bottom };
  if (n === 0) {
    minX = 0;
    Object.assign(bounds, { minX: 0, minY: 0, maxX: 0, maxY: 0 });
  }
  void m;
  return { x, y, layer, onChain, ...routes.result, bounds, millis: performance.now() - t0 };
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

function bucket(n: number, layer: Int32Array, maxLayer: number, order: Int32Array): number[][] {
  const out: number[][] = Array.from({ length: maxLayer + 1 }, () => []);
  for (let i = 0; i < n; i++) out[layer[order[i]]].push(order[i]);
  return out;
}

function routeEdges(
  input: LayoutInput, x: Float64Array, y: Float64Array, layer: Int32Array, onChain: Uint8Array, chainPred: Int32Array,
  forward: (a: number, b: number) => boolean,
) {
  const m = input.edges.length / 2;
  const W = input.nodeWidth;
  const H = input.nodeHeight;
  const gap = input.layerGap;
  const edgeKind = new Uint8Array(m);
  const edgeOffset = new Int32Array(m + 1);
  const labelX = new Float64Array(m);
  const labelY = new Float64Array(m);
  // Skip lanes: interval colouring by top layer, lane 0 nearest the chain.
  const skips: number[] = [];
  for (let e = 0; e < m; e++) {
    const a = input.edges[2 * e];
    const b = input.edges[2 * e + 1];
    if (!forward(a, b)) edgeKind[e] = EdgeKind.Back;
    else if (layer[b] - layer[a] <= 1) edgeKind[e] = EdgeKind.Adjacent;
    else if (chainPred[b] === a) edgeKind[e] = EdgeKind.Long; // the chain itself, stretched past a group boundary
    else if (onChain[a] && onChain[b]) {
      edgeKind[e] = EdgeKind.Skip;
      skips.push(e);
    } else edgeKind[e] = EdgeKind.Long;
  }
  skips.sort((p, q) => layer[input.edges[2 * p]] - layer[input.edges[2 * q]]);
  const laneEnd: number[] = [];
  const lane = new Int32Array(m);
  for (const e of skips) {
    const top = layer[input.edges[2 * e]];
    const bottom = layer[input.edges[2 * e + 1]];
    let l = laneEnd.findIndex((end) => end <= top);
    if (l < 0) {
      l = laneEnd.length;
      laneEnd.push(0);
    }
    laneEnd[l] = bottom;
    lane[e] = l;
  }
  const laneX = (l: number) => -W / 2 - 28 - l * 18;
  const pts: number[] = [];
  for (let e = 0; e < m; e++) {
    const a = input.edges[2 * e];
    const b = input.edges[2 * e + 1];
    edgeOffset[e] = pts.length;
    const sx = x[a];
    const sy = y[a] + H / 2;
    const tx = x[b];
    const ty = y[b] - H / 2;
    switch (edgeKind[e]) {
      case EdgeKind.Skip: {
        const lx = laneX(lane[e]);
        pts.push(sx - W / 2, y[a], lx, y[a] + H / 2, lx, y[b] - H / 2, tx - W / 2, y[b]);
        labelX[e] = lx;
        labelY[e] = (y[a] + y[b]) / 2;
        break;
      }
      case EdgeKind.Long: {
        // Bend next to whichever end is off the chain, so the long run stays in a branch column.
        if (!onChain[b]) pts.push(sx, sy, tx, sy + gap, tx, ty);
        else pts.push(sx, sy, sx, ty - gap, tx, ty);
        labelX[e] = onChain[b] ? sx : tx;
        labelY[e] = onChain[b] ? sy + gap / 2 : ty - gap / 2;
        break;
      }
      default:
        pts.push(sx, sy, tx, ty);
        labelX[e] = (sx + tx) / 2;
        labelY[e] = (sy + ty) / 2;
    }
  }
  edgeOffset[m] = pts.length;
  return {
    result: { edgeKind, edgeOffset, edgePoints: Float64Array.from(pts), labelX, labelY },
    leftMargin: laneEnd.length ? 28 + laneEnd.length * 18 : 0,
  };
}
