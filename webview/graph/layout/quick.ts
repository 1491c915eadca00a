import { boxSizes, EdgeKind, type LayoutInput, type LayoutResult } from './types';

/**
 * The layout used when the layered layout does not finish in time: longest-path layers from a
 * topological order (O(nodes + edges)), nodes side by side within a layer in input order, edges as
 * straight lines. Readable for the shape of a huge graph, not tuned like the layered layout.
 */
export function quickLayout(input: LayoutInput): LayoutResult {
  const t0 = performance.now();
  const n = input.nodeCount;
  const m = input.edges.length / 2;
  const indeg = new Int32Array(n);
  const outStart = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) {
    outStart[input.edges[2 * e] + 1]++;
    indeg[input.edges[2 * e + 1]]++;
  }
  for (let i = 0; i < n; i++) outStart[i + 1] += outStart[i];
  const fill = outStart.slice(0, n);
  const outs = new Int32Array(m);
  for (let e = 0; e < m; e++) outs[fill[input.edges[2 * e]]++] = input.edges[2 * e + 1];
  const layer = new Int32Array(n);
  const queue = new Int32Array(n);
  let head = 0, tail = 0;
  for (let i = 0; i < n; i++) if (indeg[i] === 0) queue[tail++] = i;
  while (head < tail) {
    const v = queue[head++];
    for (let k = outStart[v]; k < outStart[v + 1]; k++) {
      const w = outs[k];
      layer[w] = Math.max(layer[w], layer[v] + 1);
      if (--indeg[w] === 0) queue[tail++] = w;
    }
  }
  // Nodes on a cycle (never dequeued) keep layer 0.
  const slot = new Map<number, number>();
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const { w, h } = boxSizes(input);
  const maxW = w.reduce((a, b) => Math.max(a, b), input.nodeWidth);
  const maxH = h.reduce((a, b) => Math.max(a, b), input.nodeHeight);
  const dx = maxW + input.columnGap;
  const dy = maxH + input.layerGap;
  let maxX = 0, maxY = 0;
  for (let i = 0; i < n; i++) {
    const s = slot.get(layer[i]) ?? 0;
    slot.set(layer[i], s + 1);
    x[i] = s * dx;
    y[i] = layer[i] * dy;
    maxX = Math.max(maxX, x[i]);
    maxY = Math.max(maxY, y[i]);
  }
  const edgeKind = new Uint8Array(m);
  const edgeOffset = new Int32Array(m + 1);
  const edgePoints = new Float64Array(m * 4);
  const labelX = new Float64Array(m);
  const labelY = new Float64Array(m);
  for (let e = 0; e < m; e++) {
    const a = input.edges[2 * e], b = input.edges[2 * e + 1];
    edgeKind[e] = layer[b] <= layer[a] ? EdgeKind.Back : layer[b] - layer[a] === 1 ? EdgeKind.Adjacent : EdgeKind.Long;
    edgeOffset[e + 1] = 4 * (e + 1);
    edgePoints.set([x[a], y[a] + h[a] / 2, x[b], y[b] - h[b] / 2], 4 * e);
    // Straight lines across layers: labels would land on each other, so none are drawn.
    labelX[e] = NaN;
    labelY[e] = NaN;
  }
  const hw = maxW / 2, hh = maxH / 2;
  return {
    direction: 'TB', x, y, w, h, layer, onChain: new Uint8Array(n), edgeKind, edgeOffset, edgePoints, labelX, labelY,
    bounds: { minX: -hw, minY: -hh, maxX: maxX + hw, maxY: maxY + hh }, millis: performance.now() - t0,
  };
}
