import type { Exchange, Timeouts } from '../protocol/rpc';
import type { ViewGraph } from '../protocol/viewModel';

/** A file's bytes to read and analyse, as the web extension host sends them to its model worker. */
export interface WebModelOpen {
  bytes: Uint8Array;
  /** Names the model in messages ('/repo/models/mnist.onnx'). */
  path: string;
  title: string;
  /** Sizes chosen for symbolic input dims (the graph's input-size control). */
  dimValues?: Record<string, number>;
}

/** The web model worker's channel (./modelWorker.ts): bytes in, the ViewGraph out. */
export interface WebModelRequests {
  open: Exchange<WebModelOpen, ViewGraph>;
}

/** Nobody waits on a dialog; a model that takes longer than this to read is reported, not waited on. */
export const WEB_MODEL_TIMEOUTS: Timeouts<WebModelRequests> = { open: 120_000 };
