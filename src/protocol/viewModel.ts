import type { Dim, ModelFormat } from '../ir/types';
import type { InputDim } from '../analysis/inputDims';
import type { GroupKind } from '../analysis/blocks/groups';

export type { GroupKind };

/**
 * What the host sends the graph view: a plain, serialisable picture of the model with every
 * figure already computed (the webview never parses models or runs analysis).
 * Built from the IR and its Analysis by src/view/buildViewGraph.ts.
 */

export type OpFamily =
  | 'convolution' | 'pooling' | 'normalization' | 'activation'
  | 'merge' | 'dense' | 'reshape' | 'input' | 'output' | 'other';

export interface ViewTensor {
  name: string;
  dtype: string;
  /** As the user reads it: long symbolic dim names by their aliases (ViewGraph.dimLegend). */
  shape: Dim[] | null;
  /** 'declared': only the file's value_info gives this shape (inference stopped at `stoppedAt`). */
  shapeSource?: 'input' | 'inferred' | 'declared';
  /** Id of the node where inference stopped, for a shape that is unknown or only declared. */
  stoppedAt?: string;
  receptiveField: number[] | null;
  stride: number[] | null;
  bytes: number;
}

export interface ViewNode {
  id: string;
  name: string;
  op: string;
  domain: string;
  family: OpFamily;
  /** Path of the groups it lies in, outermost first (ViewGroup.path of its innermost group):
   * scope segments ('layer1','layer1.0') or found blocks ('stage2','bottleneck5'). */
  scope: string[];
  /** Short attribute label shown on the node, e.g. '3×3 /2 ×64'. */
  label: string;
  /** All attributes, formatted for the tooltip and details panel. */
  attributes: Record<string, string>;
  inputs: string[];
  outputs: string[];
  /** null: cannot be computed (shown as '?'; a warning names the node). */
  params: number | null;
  macs: number | null;
  activationBytes: number;
  /** For conv/pool (from the analysis's window): the output-size formula with this layer's own numbers, one line per spatial axis,
   * e.g. 'H: (227 + 2·0 − 11)/4 + 1 = 55'. */
  formulas: string[];
  warnings: string[];
  /** True when the source can be revealed (a JSON range, or a node in an ONNX file). */
  hasSource: boolean;
  /** The weights stored with the model that the node reads (ONNX initializer inputs, a Keras layer's
   * saved weights), in input / Keras weight order; their values are asked for one at a time. */
  weights?: ViewWeight[];
}

export interface ViewWeight {
  /** The tensor's name in the model (the key of the weight request). */
  name: string;
  /** What it is to the node: the ONNX schema's input name ('W', 'B', 'scale', 'mean') or the Keras weight name ('kernel'). */
  role: string;
  dtype: string;
  dims: number[];
}

/** The model's own description, as the file states it (the Model panel). */
export interface ViewModelInfo {
  producer: string;
  producerVersion?: string;
  irVersion?: number;
  /** Every operator set the model imports, by domain ('' is ai.onnx). */
  opsets: Record<string, number>;
  docString?: string;
  graphName?: string;
  graphDocString?: string;
  /** ONNX metadata_props; for Keras/TF.js what their files say (backend, generatedBy, convertedBy...). */
  metadata: Record<string, string>;
}

/** Nodes that together compute one quantised layer (Analysis.quantLayers): drawn as one box. */
export interface ViewQuantLayer {
  /** The node that computes the layer (Conv in QDQ form, QLinearConv, ConvInteger …). */
  anchor: string;
  /** The float operator it computes: the box's title ('Conv'). */
  op: string;
  /** The drawn nodes that only (de)quantise or rescale around it, drawn inside its box. */
  members: string[];
  /** Every node of the layer, the anchor first, for its card: those that build its weights (the
   * weight's DequantizeLinear) are not drawn, being constants, but belong to it too. */
  nodes: { id: string; op: string; name: string }[];
  /** The box's mark: the stored weight type ('int8'), else the activations'. */
  mark: string;
  weightDtype?: string;
  activationDtype?: string;
}

export interface ViewEdge {
  /** Producer node id, or `input:<tensor>` for graph inputs. */
  from: string;
  /** Consumer node id, or `output:<tensor>` for graph outputs. */
  to: string;
  tensor: string;
}

export interface ViewGraph {
  title: string;
  format: ModelFormat;
  producer: string;
  opsets: Record<string, number>;
  inputs: ViewTensor[];
  outputs: ViewTensor[];
  /** evaluatedAt: the symbolic input dims and the sizes the figures are at (the input-size control shows them).
   * partial: the nodes whose params / MACs are unknown (the totals sum the known ones).
   * trainable + non-trainable is Keras's "Total params". */
  totals: { params: number; macs: number; activationBytes: number; weightBytes: number; evaluatedAt?: InputDim[]; partial?: { params: string[]; macs: string[] }; trainableParams?: number; nonTrainableParams?: number };
  warnings: { node: string; message: string }[];
  nodes: ViewNode[];
  edges: ViewEdge[];
  tensors: Record<string, ViewTensor>;
  /** Alias → what it stands for: a full dim name ('d1' → 'p2o.DynamicDimension.1'), or a derived dim
   * written in the other aliases ('e1' → '3*ceil(H/8)*ceil(W/8)+…'). */
  dimLegend?: Record<string, string>;
  /** Quantised layers among the drawn nodes. */
  quantLayers?: ViewQuantLayer[];
  model?: ViewModelInfo;
  /** Every group, parents before children; each node's `scope` is its innermost group's path. */
  groups?: ViewGroup[];
  /** `nodes` indices in reading order (analysis/readingOrder.ts: a branch finished before the next
   * starts), for tables; absent when the model has no analysis order. */
  readingOrder?: number[];
}

/** A group of layers (Analysis.groups): a scope from node names, or a block or stage found in the data flow. */
export interface ViewGroup {
  /** path.join('/'): how the view names it (collapsed state, 'group:<key>' boxes). */
  key: string;
  path: string[];
  kind: GroupKind;
  /** A scope group's segment, shown as it is; found groups are titled from kind and index (localised in the view). */
  name: string;
  index: number;
  repeat?: { count: number; of: GroupKind };
  /** Drawn layers inside it, at any depth. */
  size: number;
  /** Tensors entering and leaving it (their shapes in ViewGraph.tensors). */
  inputs: string[];
  outputs: string[];
  params: number | null;
  macs: number | null;
}

/** One layer's mark in a comparison of two models (src/diff/marks.ts). */
export interface ViewDiffMark {
  kind: 'added' | 'removed' | 'changed';
  /** The deltas, e.g. 'params +112 · MACs +27,648 · → [N, 12, 16, 16]'. */
  note: string;
}

/** What one side of a model comparison draws over its graph. */
export interface ViewDiff {
  side: 'old' | 'new';
  /** The other side as the user knows it: 'HEAD', a file name. */
  against: string;
  /** '2 changed, 1 added; 40 unchanged'. */
  headline: string;
  equivalent: boolean;
  /** By node id. */
  marks: Record<string, ViewDiffMark>;
  /** Node id on this side → its matched node id on the other side. */
  pairs: Record<string, string>;
}
