import { layerOffsets } from './groups';
import { layerTopology, type Topology } from './layers';
import { labelPlan, routeEdges } from './route';
import { placeSlots } from './slots';
import { boxSizes, type LayoutInput, type LayoutResult } from './types';

/**
 * A layered layout made for CNNs (top to bottom, or left to right), as a pure function on typed arrays:
 * - layers by longest path from the sources, so the deepest path (the main chain) gets one node
 *   per layer; nodes off the chain sink as late as their consumers allow, so parallel branches end
 *   side by side just above the Concat/Add that joins them;
 * - across the layers (./slots.ts): the model's branch order, merges centred under their inputs,
 *   fan-outs' children centred under their source, plain chains straight, long edges in slots;
 * - skip connections (chain to chain, several layers apart) run as arcs in lanes to the left, and
 *   each box's shape label sits where its edge is straight (./route.ts);
 * - boxes are as large as their text (input.widths / heights); each layer as thick as its thickest;
 * - with scope groups (input.groupOf), a group starts below the whole of every sibling group that
 *   feeds it and its nodes never sink out of it, so expanded frames of sequential groups never
 *   share a layer; layers where frames start or end get room for their headers and padding.
 * Linear in nodes + edges (+ the slots of long edges) apart from one sort per layer.
 * `topology`: the part that needs no sizes (./layers.ts), when it was computed ahead: the worker starts
 * it while the page is still measuring the boxes.
 */
export function layeredLayout(input: LayoutInput, topology: Topology = layerTopology(input)): LayoutResult {
  const t0 = performance.now();
  const n = input.nodeCount;
  const m = input.edges.length / 2;
  const { groups, layer, maxLayer, onChain, edgeKind, lo, hi } = topology;

  // Sizes across (c) and along (a) the layers; left to right swaps them.
  const lr = input.direction === 'LR';
  const { w, h } = boxSizes(input);
  const sc = lr ? h : w;
  const sa = lr ? w : h;
  const labelH = input.labelHeight ?? 14;
  const labelW = input.labelWidths && input.labelWidths.length === m ? input.labelWidths : new Float64Array(m);
  const { plan, sourceLabel } = labelPlan(n, input.edges, edgeKind, labelW, input.edgeTensor, lr ? 'LR' : 'TB');
  // The straight stub under a labelled box: the label's height (top to bottom) or width (left to right).
  const stub = new Float64Array(n);
  const labelSpan = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    if (!(sourceLabel[v] > 0)) continue;
    stub[v] = lr ? sourceLabel[v] + 8 : labelH + 4;
    if (!lr) labelSpan[v] = sourceLabel[v] + 12;
  }
  const slots = placeSlots({ n, edges: input.edges, layer, maxLayer, edgeKind, size: sc, labelSpan, columnGap: input.columnGap, maxDummies: 4 * n + 20_000 });

  const band = new Float64Array(maxLayer + 1);
  const gapAfter = new Float64Array(maxLayer + 1).fill(input.layerGap);
  for (let v = 0; v < n; v++) {
    band[layer[v]] = Math.max(band[layer[v]], sa[v]);
    // Room for the stub and a curve after it.
    gapAfter[layer[v]] = Math.max(gapAfter[layer[v]], stub[v] + 26);
  }
  const rows = layerOffsets(maxLayer, layer, groups, lo, hi, band, gapAfter);
  const routes = routeEdges({ n, edges: input.edges, edgeKind, layer, slots, sc, sa, rowA: rows.y, band, labelW, labelH, plan, stub, direction: lr ? 'LR' : 'TB' });
  const bounds = { ...routes.bounds };
  if (lr) bounds.maxX += rows.bottom;
  else bounds.maxY += rows.bottom;
  return {
    direction: lr ? 'LR' : 'TB', x: routes.x, y: routes.y, w: routes.w, h: routes.h, layer, onChain, edgeKind,
    edgeOffset: routes.edgeOffset, edgePoints: routes.edgePoints, labelX: routes.labelX, labelY: routes.labelY, bounds, millis: topology.millis + performance.now() - t0,
  };
}
