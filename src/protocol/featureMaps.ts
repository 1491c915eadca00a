import type { Prediction } from '../runtime/classify';
import type { StepView, TensorDetail } from '../runtime/types';

/**
 * Messages between the host and the feature-map panel (webview/featureMaps/). The panel shows tensors
 * of the last inference run; the inference process keeps them, the host relays.
 *
 * Requests (fmSelect, fmStep from the panel) carry an `id`; the host's answer (fmDetail, fmStep, fmError)
 * carries the same id. A newer request supersedes an older one: the panel drops answers to any but its
 * latest, and says so when no answer comes in time (nobody waits on a dialog here). Messages without an
 * id are the host's own (a new run, a selection in the graph).
 */

export interface FeatureMapTensor {
  tensor: string;
  producer: string;
  opType: string;
  shape: number[];
  /** Fused by ONNX Runtime in the fast run: selecting it computes it (an unfused run, once per run). */
  fused?: true;
}

/** Host -> feature-map panel */
export type ToFeatureMaps =
  | { type: 'fmRun'; model: string; where: string; millis: number; tensors: FeatureMapTensor[]; selected?: string; notes: string[]; top5?: Prediction[] }
  /** The user selected a layer in the graph: show its output (Layer mode) or its step (Step mode). */
  | { type: 'fmFocus'; tensor: string; nodeId: string }
  | { type: 'fmDetail'; id?: number; detail: TensorDetail }
  | { type: 'fmStep'; id?: number; step: StepView }
  | { type: 'fmBusy'; message: string }
  /** The fused tensors were computed: none is marked fused any more. */
  | { type: 'fmUnfused' }
  | { type: 'fmError'; id?: number; message: string };

/** Feature-map panel -> host */
export type FromFeatureMaps =
  | { type: 'ready' }
  | { type: 'fmSelect'; id?: number; tensor: string; firstChannel?: number }
  | { type: 'fmStep'; id?: number; index?: number; nodeId?: string }
  | { type: 'fmRerun' };
