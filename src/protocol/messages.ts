import type { LayerTimes } from '../runtime/profile';
import type { EncodedGraph, WeightReply } from './modelService';
import type { CancelMessage, Exchange, ReplyMessage, RequestMessage, Timeouts } from './rpc';
import type { ViewDiff, ViewGraph } from './viewModel';

/**
 * Every message between the extension host and the graph webview. Each has a `type`;
 * the unions below are what each side may receive. The webview's requests (`GraphRequests`) carry an
 * `id` and are answered by a `reply` with the same id (./rpc.ts); the other messages expect no answer.
 */

/** The webview's requests to the host, and what each reply holds. */
export interface GraphRequests {
  /** true once the text is on the clipboard. */
  copyText: Exchange<{ text: string; what: string }, true>;
  /** The path saved to, or null when the user cancelled the dialog. */
  saveFile: Exchange<{ suggestedName: string; /** base64 for binary, utf8 text otherwise */ data: string; encoding: 'base64' | 'utf8' }, string | null>;
  /** A weight tensor of the model shown: statistics and histogram, and the values from `offset` (read in the model worker). */
  weight: Exchange<{ tensor: string; offset: number }, WeightReply>;
  /** Time per layer on the last run's input (ONNX Runtime's profiler, in the inference process). */
  layerTimes: Exchange<Record<string, never>, LayerTimes>;
}

/** Copying answers at once; saving waits on the save dialog, for as long as the person takes. */
/** A weight is decoded and summed in the model worker: a large one (external data) takes seconds. */
/** Timing makes a session and runs the model four times: a large model on CPU takes a minute or more. */
export const GRAPH_TIMEOUTS: Timeouts<GraphRequests> = { copyText: 10_000, saveFile: 'person', weight: 120_000, layerTimes: 600_000 };

/** Host -> webview */
/** `graph` is the ViewGraph, or (from the extension) as the model worker encoded it: the host never parses it. */
export interface ShowGraphMessage { type: 'showGraph'; graph: ViewGraph | EncodedGraph; /** keep zoom and selection (an edit, not a new model) */ preserveView: boolean }
export interface ShowErrorMessage { type: 'showError'; message: string }
export interface SelectNodeMessage { type: 'selectNode'; nodeId: string | null; reveal: boolean }
export interface SetOptionsMessage { type: 'setOptions'; options: ViewOptions }
export interface InferenceStateMessage { type: 'inferenceState'; state: InferenceState }
/** Marks a comparison with another version of the model on this view's graph (null: none). */
export interface SetDiffMessage { type: 'setDiff'; diff: ViewDiff | null }
/** Pan and zoom to match the other side of a comparison: `anchor.nodeId` is a node of this side (see webview/graph/viewSync.ts). */
export interface FollowViewMessage { type: 'followView'; anchor: ViewAnchor }

/** The document's text no longer reads as a model (a JSON edit half done): the graph shown is its last
 * version that did; `reason` says why this one does not (the first error, with its line). Cleared by the next showGraph. */
export interface GraphStaleMessage { type: 'graphStale'; reason: string }

export type ToWebview =
  | ShowGraphMessage | ShowErrorMessage | SelectNodeMessage | SetOptionsMessage | GraphStaleMessage
  | InferenceStateMessage | SetDiffMessage | FollowViewMessage | ReplyMessage;

/** Webview -> host */
export interface ReadyMessage { type: 'ready' }
export interface NodeSelectedMessage { type: 'nodeSelected'; nodeId: string | null }
export interface RevealSourceMessage { type: 'revealSource'; nodeId: string }
export interface RunInferenceMessage { type: 'runInference'; input: InferenceInputChoice }
export interface CancelInferenceMessage { type: 'cancelInference' }
/** Open the feature-map panel on the last run (at `nodeId`'s output when given). */
/** `field`: open Step mode at the node with its receptive field outlined on the input image. */
export interface ShowFeatureMapsMessage { type: 'showFeatureMaps'; nodeId?: string; field?: boolean }
export interface LogMessage { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
/** Analyse the model at these sizes of its symbolic input dims (by name; null: back to symbolic shapes).
 * The host remembers them per model and Run uses them. */
export interface SetInputSizesMessage { type: 'setInputSizes'; values: Record<string, number> | null }
/** Open VS Code's Workspace Trust editor (the button beside "Run waits for workspace trust"). */
export interface ManageTrustMessage { type: 'manageTrust' }

/** The user panned or zoomed one side of a comparison: where its matched layer nearest the middle is. */
export interface ViewMovedMessage { type: 'viewMoved'; anchor: ViewAnchor }

export type FromWebview =
  | ReadyMessage | NodeSelectedMessage | RevealSourceMessage | RequestMessage<GraphRequests> | CancelMessage
  | RunInferenceMessage | CancelInferenceMessage | ShowFeatureMapsMessage | LogMessage | SetInputSizesMessage
  | ViewMovedMessage | ManageTrustMessage;

/** A layer of one side and where its box is on screen: the other side shows its match at the same place. */
export interface ViewAnchor {
  /** A ViewNode id. */
  nodeId: string;
  /** The box's centre on screen relative to the middle of the view, in CSS px. */
  dx: number;
  dy: number;
  scale: number;
}

export interface ViewOptions {
  /** Leave the batch dim out of edge labels when it is symbolic or 1. */
  hideBatchDim: boolean;
  /** Fold activations and BatchNorm into the layer before them. */
  foldActivations: boolean;
}

export type InferenceInputChoice =
  | { kind: 'pattern'; pattern: 'gradient' | 'checkerboard' | 'digit' | 'noise' }
  | { kind: 'image'; /** workspace-relative or absolute path; omitted = ask the user */ path?: string };

export interface TensorThumbnail {
  tensor: string;
  /** PNG as a data: URL (small grid of the first channels). */
  png: string;
  shape: number[];
  /** Id of the node that produced the tensor. */
  producer?: string;
}

export type InferenceState =
  | { status: 'idle' }
  | { status: 'running'; message: string }
  | { status: 'error'; message: string }
  /** Run was asked for in Restricted Mode: it starts by itself once the workspace is trusted. */
  | { status: 'untrusted'; message: string }
  | {
      status: 'done';
      /** Where it ran, e.g. 'cpu' or 'webgpu, NVIDIA H100'. */
      provider: string;
      millis: number;
      /** Said plainly when weights were generated (He initialisation) rather than read. */
      weightsNote?: string;
      thumbnails: TensorThumbnail[];
      /** Layer outputs ONNX Runtime fused into the next layer: no thumbnail until one is asked for. */
      fused?: number;
      top5?: { label: string; index: number; probability: number }[];
      /** The first convolution's filters as patches (RGB when it reads three channels). */
      filters?: TensorThumbnail;
      /** What was fed, e.g. "input: pattern 'digit' as NCHW grayscale 28×28, values in [0, 1]". */
      inputs?: string[];
      /** Providers skipped or failed, tensors left out of capture. */
      notes?: string[];
    };
