import type { Prediction } from '../runtime/classify';
import type { StepView, TensorDetail } from '../runtime/types';

/**
 * Messages between the host and the feature-map panel (webview/featureMaps/). The panel shows tensors
 * of the last inference run; the inference process keeps them, the host relays.
 */

export interface FeatureMapTensor {
  tensor: string;
  producer: string;
  opType: string;
  shape: number[];
}

/** Host -> feature-map panel */
export type ToFeatureMaps =
  | { type: 'fmRun'; model: string; where: string; millis: number; tensors: FeatureMapTensor[]; selected?: string; notes: string[]; top5?: Prediction[] }
  /** The user selected a layer in the graph: show its output (Layer mode) or its step (Step mode). */
  | { type: 'fmFocus'; tensor: string; nodeId: string }
  | { type: 'fmDetail'; detail: TensorDetail }
  | { type: 'fmStep'; step: StepView }
  | { type: 'fmBusy'; message: string }
  | { type: 'fmError'; message: string };

/** Feature-map panel -> host */
export type FromFeatureMaps =
  | { type: 'ready' }
  | { type: 'fmSelect'; tensor: string; firstChannel?: number }
  | { type: 'fmStep'; index?: number; nodeId?: string }
  | { type: 'fmRerun' };
