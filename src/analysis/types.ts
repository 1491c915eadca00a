import type { DType, Node, Shape } from '../ir/types';
import type { InputDim } from './inputDims';
import type { NodeWindow } from './window/geometry';
import type { LayerGroup } from './blocks/groups';

/** Everything static analysis knows about one tensor. */
export interface TensorInfo {
  name: string;
  dtype: DType;
  /** Inferred shape; null when it cannot be inferred (see the warnings for why). */
  shape: Shape | null;
  /** The shape the file declares (ONNX value_info / graph outputs), when it declares one. */
  declaredShape?: Shape | null;
  /** Where `shape` comes from: 'input' (a graph input's shape), 'inferred' (shape inference), or
   * 'declared' (inference stopped before it; only the file's value_info or graph output says so). */
  shapeSource?: 'input' | 'inferred' | 'declared';
  /** For a shape inference did not reach (unknown, or 'declared'): the id of the node where it
   * stopped, whose warning says why (this tensor's producer, or a node before it). */
  stoppedAt?: string;
  /** Id of the node that produces it; undefined for graph inputs and initializers. */
  producer?: string;
  /** Ids of the nodes that read it. */
  consumers: string[];
  /** Receptive field per spatial axis, in input pixels (largest over branches); null when not spatial. */
  receptiveField: number[] | null;
  /** Effective stride (jump) per spatial axis, in input pixels; null when not spatial. */
  stride: number[] | null;
  /** Bytes of the tensor at the input sizes in `totals.evaluatedAt`. */
  bytes: number;
  /** True for weights (initializers and constants feeding weight inputs). */
  isWeight: boolean;
  /** True when computed from initializers and Constant nodes alone (no graph input reaches it). */
  constant?: boolean;
  /** Folded elements (row-major) of a small tensor a node computes from constants or from shapes,
   * e.g. the pads a Concat(Split(constant)) chain makes; absent for initializers and unfolded ones. */
  value?: number[];
}

/** Per-node figures. */
export interface NodeFigures {
  id: string;
  /** Learned parameters this node reads (weights shared between nodes are counted once in totals);
   * null when they cannot be computed (a warning says why). */
  params: number | null;
  /** Multiply-accumulates for one forward pass at the input sizes in `totals.evaluatedAt`;
   * null when they cannot be computed. */
  macs: number | null;
  /** Bytes of the node's outputs. */
  activationBytes: number;
  /** Stored non-learned state the node reads (BatchNorm running mean and variance), in elements. */
  buffers?: number;
  /** Conv and pooling: the sliding window, per spatial axis the numbers and the output-size
   * formula (src/analysis/window). */
  readonly window?: NodeWindow;
  /** The window's formulas, one per spatial axis, e.g. 'H: (224 + 2·3 − 7)/2 + 1 = 112'. */
  readonly formulas?: string[];
}

export type WarningKind =
  | 'shape-mismatch'        // declared shape disagrees with inference
  | 'cannot-infer'          // shape rule missing or inputs unknown
  | 'unused-pixels'         // (size + pads - dilated kernel) not divisible by stride
  | 'channel-mismatch'
  | 'kernel-too-large'
  | 'unknown-op'
  | 'invalid-attribute'     // against the ONNX schema: a required one missing, an unknown one, a value not allowed
  | 'unknown-figures'       // a node's params or MACs cannot be computed (shown as ?)
  | 'read';                 // raised while reading the model

export interface AnalysisWarning {
  kind: WarningKind;
  /** Node id, or '' for model-level warnings. */
  node: string;
  message: string;
}

export interface Totals {
  params: number;
  macs: number;
  activationBytes: number;
  /** Bytes of all weights, each counted once. */
  weightBytes: number;
  /** Elements of stored non-learned state (BatchNorm running statistics), each tensor counted once. */
  buffers?: number;
  /** Keras's split of params + buffers: trainable = learned params of layers that train;
   * non-trainable = buffers (BatchNorm statistics) + the params of `trainable: false` layers. */
  trainableParams: number;
  nonTrainableParams: number;
  /** Set when some nodes' figures could not be counted (no rule, or their shapes are unknown): the
   * ids of the nodes each total leaves out. A Keras layer whose weights the file holds is counted. */
  partial?: { params: string[]; macs: string[] };
  /** Weight tensors read by more than one node: each node's figure counts them, totals once. */
  sharedWeights?: number;
  /** Keras layers called more than once (one set of weights, shown at each call, counted once). */
  sharedLayers?: number;
  /** The model's symbolic input dims and the size each figure was computed at (chosen by the user,
   * stated in the model's metadata, or our default); absent when every input size is fixed. */
  evaluatedAt?: InputDim[];
}

/** Nodes that together compute one quantised layer (src/analysis/quantLayers.ts). */
export interface QuantLayer {
  /** The node that computes the layer: Conv in QDQ form, ConvInteger, QLinearConv, … */
  anchor: string;
  /** The float operator the layer computes, which the views title it by: 'Conv' for a QDQ Conv,
   * a QLinearConv or a ConvInteger; 'MatMul' for QLinearMatMul … (the rule's twin). */
  op: string;
  /** Nodes that only (de)quantise its inputs and outputs or rescale its integer result. */
  members: string[];
  /** Stored type of its weights (int8, uint8 …), when it has constant weights. */
  weightDtype?: DType;
  /** Type of its quantised activations (uint8, int8 …). */
  activationDtype?: DType;
}

export interface Analysis {
  tensors: Map<string, TensorInfo>;
  nodes: Map<string, NodeFigures>;
  totals: Totals;
  warnings: AnalysisWarning[];
  /** Nodes in topological order (ids). */
  order: string[];
  /** Short names for long or generated symbolic dims: original name → alias ('p2o.DynamicDimension.0'
   * → 'H'); chosen once here (aliases.ts) for every printed shape. */
  dimAliases?: ReadonlyMap<string, string>;
  /** Quantised layers; absent or empty for a float model. */
  quantLayers?: QuantLayer[];
  /** The group tree (src/analysis/blocks): scope groups or found blocks and stages, parents first. */
  groups?: LayerGroup[];
  nodeById: Map<string, Node>;
}

export interface AnalyzeOptions {
  /** Overrides for graph input shapes, e.g. { input: [1, 3, 224, 224] }. */
  inputShapes?: Record<string, Shape>;
  /** Sizes for symbolic input dims, by name (see inputDims.ts): with it, the inputs are analysed at
   * these sizes (the rest at their defaults) and every shape is concrete. Without it, shapes stay
   * symbolic and the figures are evaluated at the default sizes. */
  dimValues?: Record<string, number>;
  /** Let the file's declared shapes (value_info, graph outputs) fill in where inference fails
   * (default true). Tests turn it off to prove that inference alone found every shape. */
  useDeclaredShapes?: boolean;
}
