import type { Exchange } from '../../../src/protocol/rpc';
import type { TopologyInput } from './layers';

/** Input and output of the layered layout: flat typed arrays, so they cross to the worker cheaply. */
export type Direction = 'TB' | 'LR';

export interface LayoutInput {
  nodeCount: number;
  /** Pairs (from, to) of node indexes. */
  edges: Int32Array;
  /** Default box size, used where `widths` / `heights` are not given. */
  nodeWidth: number;
  nodeHeight: number;
  /** Each box's size as its text needs it (render/boxText.ts), in world units. */
  widths?: Float64Array;
  heights?: Float64Array;
  /** Width of each edge's shape label (0: none) and the labels' height. */
  labelWidths?: Float64Array;
  labelHeight?: number;
  /** The tensor each edge carries, as a number: edges leaving one box with one tensor share one label. */
  edgeTensor?: Int32Array;
  /** Gap between layers (room for edge labels) and between boxes side by side. */
  layerGap: number;
  columnGap: number;
  /** Top to bottom (default) or left to right. */
  direction?: Direction;
  /** Innermost expanded scope group of each node (-1: none), and each group's parent group (-1: top level). */
  groupOf?: Int32Array;
  groupParent?: Int32Array;
}

export const enum EdgeKind {
  /** Between adjacent layers. */
  Adjacent = 0,
  /** A skip connection: both ends on the main chain, more than one layer apart; drawn as an arc beside it. */
  Skip = 1,
  /** Spans several layers but is not a skip (into or out of a side branch): routed through its own slots. */
  Long = 2,
  /** Points upwards (only when scope groups make a cycle). */
  Back = 3,
}

export interface LayoutResult {
  direction: Direction;
  /** Node centres and box sizes. */
  x: Float64Array;
  y: Float64Array;
  w: Float64Array;
  h: Float64Array;
  layer: Int32Array;
  onChain: Uint8Array;
  edgeKind: Uint8Array;
  /**
   * Route of edge i: points edgePoints[edgeOffset[i] .. edgeOffset[i+1]) as x,y pairs. Consecutive
   * points on one line along the layer axis are joined straight, others by a curve leaving and
   * entering along the layer axis; a skip's four points are joined by quarter arcs (render/draw.ts).
   */
  edgeOffset: Int32Array;
  edgePoints: Float64Array;
  /** Where the edge's shape label starts (left end, vertical middle); NaN where the edge shows no label. */
  labelX: Float64Array;
  labelY: Float64Array;
  bounds: { minX: number; minY: number; maxX: number; maxY: number };
  millis: number;
  /** Its layers were computed ahead, while the page measured the boxes (LayoutEngine.prepare). */
  ahead?: boolean;
}

/**
 * What the graph view needs of a layout engine; passed in (webview/graph/main.ts builds the worker
 * one), so it can be swapped and tested on its own.
 */
export interface LayoutEngine {
  readonly mode: 'worker' | 'main-thread';
  /** Why the worker is not used, when it is not. */
  readonly fallbackReason: string;
  init(): Promise<void>;
  /**
   * Starts the part of the next layout that needs no sizes (./layers.ts) while the page measures the
   * boxes, and cancels any layout under way; pass the key it returns to `layout` with the same graph.
   */
  prepare(topology: TopologyInput): number;
  /** The layout, or null when a newer request cancelled this one. `note` says when a fallback was used. */
  layout(input: LayoutInput, prepared?: number): Promise<(LayoutResult & { note?: string }) | null>;
  cancel(): void;
}

/** The layout worker's channel (./worker.ts <-> ./client.ts, over src/protocol/rpc.ts). */
export interface LayoutRequests {
  /** Kept in the worker under `key` for the layout that follows (a restarted worker has none and computes it anew). */
  topology: Exchange<{ key: number; input: TopologyInput }, null>;
  layout: Exchange<{ input: LayoutInput; prepared?: number }, LayoutResult>;
}

/** Each box's size: the given arrays, or the default size. */
export function boxSizes(input: LayoutInput): { w: Float64Array; h: Float64Array } {
  const n = input.nodeCount;
  return {
    w: input.widths && input.widths.length === n ? input.widths : new Float64Array(n).fill(input.nodeWidth),
    h: input.heights && input.heights.length === n ? input.heights : new Float64Array(n).fill(input.nodeHeight),
  };
}
