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
  /** The model's URI: the worker names it when it asks for a file beside the model. */
  uri: string;
}

/** A file beside the model `uri` (a TF.js shard, ONNX external data), by the location the model gives. */
export interface WebSiblingRead {
  uri: string;
  location: string;
}

/** The web model worker's channel (./modelWorker.ts): bytes in, the ViewGraph out. */
export interface WebModelRequests {
  open: Exchange<WebModelOpen, ViewGraph>;
}

/** Nobody waits on a dialog; a model that takes longer than this to read is reported, not waited on. */
export const WEB_MODEL_TIMEOUTS: Timeouts<WebModelRequests> = { open: 120_000 };

/** The other way, the worker asking its host (./extension.ts readSibling): the bytes of a file beside a model. */
export interface WebHostRequests {
  readSibling: Exchange<WebSiblingRead, Uint8Array>;
}

/** A shard on a slow remote file system may take a while; a host that went away must not hang a read. */
export const WEB_HOST_TIMEOUTS: Timeouts<WebHostRequests> = { readSibling: 120_000 };
