import type { Prediction } from '../runtime/classify';
import type { AppliedPreprocessing, PreprocessSettings } from '../runtime/preprocess';
import type { Arithmetic, OutputAt } from '../runtime/arithmetic/types';
import type { StepView, TensorDetail } from '../runtime/types';
import type { CancelMessage, Exchange, NoticeMessage, ReplyMessage, RequestMessage, Timeouts } from './rpc';

/**
 * Messages between the host and the feature-map panel (webview/featureMaps/). The panel shows tensors
 * of the last inference run; the inference process keeps them, the host relays.
 *
 * The panel's requests (`FeatureMapRequests`) go over ./rpc.ts: the host answers with a reply of the same
 * id, after notices saying what it is doing. A newer request supersedes an older one: the panel cancels
 * it, and its late reply is dropped. The other messages are the host's own (a new run, a selection in the
 * graph) or the panel's (ready, run again) and expect no answer.
 */

export interface FeatureMapTensor {
  tensor: string;
  producer: string;
  opType: string;
  shape: number[];
  /** For a lowered Keras/TF.js/ConvLens JSON model: the source layer this tensor is the output of, named and
   * typed as the file has them (the list shows these, not the ONNX node doing the work). */
  layer?: { name: string; type: string };
  /** Fused by ONNX Runtime in the fast run: selecting it computes it (an unfused run, once per run). */
  fused?: true;
}

/** The panel's requests; each notice is a line for the status bar ("drawing conv1"). */
export interface FeatureMapRequests {
  /** One tensor's channels, statistics and histogram. */
  detail: Exchange<{ tensor: string; firstChannel?: number }, TensorDetail, string>;
  /** One step of Step mode, by index or by the node whose output it shows. */
  step: Exchange<{ index?: number; nodeId?: string }, StepView, string>;
  /** One output value of a layer, computed from what it reads (the arithmetic view). */
  arithmetic: Exchange<{ nodeId: string; at: OutputAt }, Arithmetic, string>;
}

/** Nobody waits on a dialog here: an answer that does not come is said after this long. */
export const FEATURE_MAP_TIMEOUTS: Timeouts<FeatureMapRequests> = { detail: 60_000, step: 60_000, arithmetic: 60_000 };

/** Host -> feature-map panel */
export type ToFeatureMaps =
  | { type: 'fmRun'; model: string; where: string; millis: number; tensors: FeatureMapTensor[]; selected?: string;
      /** `selected` is the layer the user selected in the graph (Step mode opens there), not a default. */
      chosen?: boolean; notes: string[]; top5?: Prediction[];
      /** Open Step mode at `selected` with its receptive field on the input image shown ("Show receptive field"). */
      field?: boolean;
      /** What was done to the picture for each image input, and the settings this model's runs use. */
      preprocessing?: AppliedPreprocessing[]; settings?: PreprocessSettings }
  /** The user selected a layer in the graph: show its output (Layer mode) or its step (Step mode). */
  | { type: 'fmFocus'; tensor: string; nodeId: string }
  /** The fused tensors were computed: none is marked fused any more. */
  | { type: 'fmUnfused' }
  | ReplyMessage<TensorDetail | StepView | Arithmetic>
  | NoticeMessage<string>;

/** Feature-map panel -> host */
export type FromFeatureMaps =
  | { type: 'ready' }
  | { type: 'fmRerun' }
  /** The user chose preprocessing for this model: keep it and run again with it. */
  | { type: 'fmPreprocess'; settings: PreprocessSettings }
  | RequestMessage<FeatureMapRequests>
  | CancelMessage;
