import type { Exchange } from '../../../src/protocol/rpc';

/** Input and output of the layered layout: flat typed arrays, so they cross to the worker cheaply. */
export interface LayoutInput {
  nodeCount: number;
  /** Pairs (from, to) of node indexes. */
  edges: Int32Array;
  nodeWidth: number;
  nodeHeight: number;
  /** Vertical gap between layers (room for edge labels) and horizontal gap between columns. */
  layerGap: number;
  columnGap: number;
  /** Innermost expanded scope group of each node (-1: none), and each group's parent group (-1: top level). */
  groupOf?: Int32Array;
  groupParent?: Int32Array;
}

export const enum EdgeKind {
  /** Between adjacent layers. */
  Adjacent = 0,
  /** A skip connection: both ends on the main chain, more than one layer apart; drawn as an arc beside it. */
  Skip = 1,
  /** Spans several layers but is not a skip (into or out of a side branch). */
  Long = 2,
  /** Points upwards (only when scope groups make a cycle). */
  Back = 3,
}

export interface LayoutResult {
  /** Node centres. */
  x: Float64Array;
  y: Float64Array;
  layer: Int32Array;
  onChain: Uint8Array;
  edgeKind: Uint8Array;
  /** Route of edge i: points edgePoints[edgeOffset[i] .. edgeOffset[i+1]) as x,y pairs. */
  edgeOffset: Int32Array;
  edgePoints: Float64Array;
  /** Where the edge's shape label goes. */
  labelX: Float64Array;
  labelY: Float64Array;
  bounds: { minX: number; minY: number; maxX: number; maxY: number };
  millis: number;
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
  /** The layout, or null when a newer request cancelled this one. `note` says when a fallback was used. */
  layout(input: LayoutInput): Promise<(LayoutResult & { note?: string }) | null>;
  cancel(): void;
}

/** The layout worker's channel (./worker.ts <-> ./client.ts, over src/protocol/rpc.ts). */
export interface LayoutRequests {
  layout: Exchange<{ input: LayoutInput }, LayoutResult>;
}
