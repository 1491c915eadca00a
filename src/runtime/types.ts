import type { PatternName } from './patterns';
import type { Normalization } from './input';
import type { AppliedPreprocessing, PreprocessSettings } from './preprocess';
import type { ChannelStats, Histogram } from './stats';
import type { GridImage } from './grid';
import type { Prediction } from './classify';
import type { FilterImage } from './filters';
import type { StepExplanation } from './explain';
import type { FieldMap } from '../analysis/receptiveRegion';

/** What to feed: a built-in pattern or an image file. */
export type PictureChoice = { kind: 'pattern'; pattern: PatternName; seed?: number } | { kind: 'image'; path: string };

export interface RunSpec {
  modelPath: string;
  /** The model as ONNX bytes, when the host has them (a JSON model's unsaved text, lowered in the model
   * worker); `version` names them in the session cache. Without it the file at modelPath is read. */
  model?: { bytes: Uint8Array; version: string };
  /** Execution providers to try, in order (the `convlens.executionProviders` setting). */
  providers: string[];
  /** Budget for captured intermediate tensors (`convlens.inference.memoryBudgetMB`). */
  memoryBudgetMB: number;
  picture: PictureChoice;
  /** How the picture becomes the input tensor; without it, `normalization` and `bgr` say it. */
  preprocessing?: PreprocessSettings;
  normalization?: Normalization;
  bgr?: boolean;
  /** Values of the model's symbolic input dims. */
  dims: Record<string, number>;
  /** Labels file for top-5 (one per line); ImageNet's are used for 1000-class outputs when absent. */
  labelsFile?: string;
  /** ImageNet labels shipped with the extension (media/labels/imagenet.txt). */
  imagenetLabelsFile?: string;
  /** Tensors whose values are returned in full (tests, exports); '*outputs' = every graph output. */
  returnTensors?: string[];
  /** Leave thumbnails out (bare timing). */
  noThumbnails?: boolean;
}

/** What loading a session needs. */
export type LoadSpec = Pick<RunSpec, 'modelPath' | 'model' | 'providers' | 'memoryBudgetMB'>;

export interface ModelInputInfo {
  name: string;
  dtype: string;
  shape: (number | string)[] | null;
}

export interface TensorRecord {
  name: string;
  dims: number[];
  dtype: string;
  /** Node id that produced it ('' for graph inputs). */
  producer: string;
}

export interface ThumbnailRecord {
  tensor: string;
  png: string;
  shape: number[];
  producer: string;
  opType: string;
  /** Position in network order among every layer output (captured and fused), for lists mixing both. */
  order: number;
  /** For a model lowered from Keras/TF.js/ConvLens JSON: the tensor and layer id as its graph names them. */
  viewTensor?: string;
  viewNode?: string;
  /** The source layer this tensor belongs to; `output` on the one that holds its output as the source lays it out. */
  viewLayer?: { name: string; type: string; output?: true; channelsFirst?: true };
}

/** A layer output ONNX Runtime fused into the layer after it: not in the fast run, computed on request. */
export type FusedRecord = Omit<ThumbnailRecord, 'png'>;

export interface RunResult {
  /** Execution provider that ran the model. */
  provider: string;
  /** 'cpu' or 'webgpu, <GPU name>'. */
  where: string;
  /** Wall time of session.run alone. */
  millis: number;
  /** Session creation (0 when the session was reused). */
  loadMillis: number;
  thumbMillis: number;
  sessionReused: boolean;
  inputs: string[];
  /** What was done to the picture for each image input (the panel shows it). */
  preprocessing: AppliedPreprocessing[];
  tensors: TensorRecord[];
  thumbnails: ThumbnailRecord[];
  /** Tensors the run did not expose because ONNX Runtime fused them (the `unfused` request draws them). */
  fused: FusedRecord[];
  top5?: Prediction[];
  filters?: FilterImage;
  /** Why providers were skipped or failed, what was left out of capture, and similar. */
  notes: string[];
  /** Set when the weights were generated (a Keras/JSON model without saved weights), not read. */
  weightsNote?: string;
  returned: { name: string; dims: number[]; data: Float32Array }[];
}

/** A tensor drawn large for the feature-map panel. */
export interface TensorDetail {
  tensor: string;
  shape: number[];
  producer: string;
  grid: GridImage;
  channelStats: ChannelStats[];
  histogram: Histogram;
  min: number;
  max: number;
  mean: number;
  zeros: number;
}

export interface StepView {
  index: number;
  count: number;
  nodeId: string;
  opType: string;
  name: string;
  inputs: TensorDetail[];
  outputs: TensorDetail[];
  explanation: StepExplanation;
  /** The classes this step's output scores highest, only where it is a classifier's output. */
  top?: Prediction[];
  /** The first output's receptive field on the model's input image, per output row and column
   * (src/analysis/receptiveRegion.ts), with that image drawn; absent when not 2-D spatial. */
  field?: { map: FieldMap; image: TensorDetail };
}
