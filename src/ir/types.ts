/**
 * The one graph IR that every reader (ONNX, Keras, TF.js, ConvLens JSON) produces and
 * every consumer (analysis, CLI, graph view, inference) reads. Plain data, no `vscode`.
 *
 * Conventions
 * - Tensors are referred to by name; a node input of '' is an omitted optional input.
 * - ONNX nodes have domain '' (ai.onnx) or their own domain; Keras/TF.js layers keep their
 *   Keras class name as opType in the domain 'keras' (channels-last shapes, as Keras users expect).
 * - Nothing copies weight bytes eagerly: TensorData.bytes() returns a view (or reads external data on demand).
 */

/** A dimension: a non-negative integer, or a symbolic expression such as 'N', 'batch', 'N*2'. */
export type Dim = number | string;
/** A shape; rank 0 is []. An unknown shape is represented as null where it appears. */
export type Shape = Dim[];

export type DType =
  | 'float32' | 'float16' | 'bfloat16' | 'float64'
  | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64'
  | 'bool' | 'string' | 'complex64' | 'complex128'
  | 'float8e4m3fn' | 'float8e4m3fnuz' | 'float8e5m2' | 'float8e5m2fnuz' | 'float8e8m0'
  | 'uint4' | 'int4' | 'float4e2m1' | 'uint2' | 'int2'
  | 'undefined';

/** Where a node (or tensor) is defined in its source file. Offsets are 0-based character
 * offsets for text formats and byte offsets for binary ones. */
export interface SourceRange {
  offset: number;
  length: number;
}

/** Tensor contents: an initializer, a Constant's value, a tensor attribute, a Keras/TF.js weight. */
export interface TensorData {
  name: string;
  dtype: DType;
  dims: number[];
  /** Number of bytes of the data as stored (0 when the data lives in typed fields or is absent). */
  byteLength: number;
  /** Where the data lives when stored outside the model file (ONNX external data). */
  external?: { location: string; offset: number; length: number };
  /** True when no data is present (e.g. a Keras layer whose weights were not saved). */
  missing?: boolean;
  /** Little-endian bytes of the data. A view of the file's buffer where possible; external data is
   * read on first call. Throws a descriptive error when the data cannot be reached. */
  bytes(): Uint8Array;
  /** Numeric values (for shape arithmetic and small constants). int64 values beyond 2^53 lose
   * precision, which is fine for shape math. Strings are not returned here. */
  values(): ArrayLike<number>;
  /** String elements, for dtype 'string'. */
  strings?(): string[];
}

export type AttrValue =
  | number
  | string
  | number[]
  | string[]
  | TensorData
  | TensorData[]
  | Graph
  | Graph[]
  | boolean
  | null
  | AttrObject
  | AttrValue[];

/** Free-form nested configuration (Keras layer configs are nested objects). */
export interface AttrObject {
  [key: string]: AttrValue;
}

/** ONNX attribute types (AttributeProto.AttributeType, lower case). */
export type AttrType =
  | 'float' | 'int' | 'string' | 'tensor' | 'graph' | 'sparse_tensor' | 'type_proto'
  | 'floats' | 'ints' | 'strings' | 'tensors' | 'graphs' | 'sparse_tensors' | 'type_protos';

export interface Node {
  /** Unique within its graph; the node name when it has a unique one, otherwise generated. */
  id: string;
  /** The name as written in the source ('' when it had none). */
  name: string;
  opType: string;
  /** '' for the default ONNX domain (ai.onnx), 'keras' for Keras/TF.js layers, else the ONNX domain. */
  domain: string;
  attributes: Record<string, AttrValue>;
  inputs: string[];
  outputs: string[];
  /** Scope path from the node name ('/layer1/layer1.0/conv1/Conv' -> ['layer1','layer1.0','conv1']),
   * or from Keras nested models. Empty when flat. */
  scope: string[];
  /** How each attribute was typed in the source (ONNX AttributeProto.type), so that a writer can tell
   * a float 1.0 from an int 1. Optional: without it the ONNX writer infers the type from the value. */
  attributeTypes?: Record<string, AttrType>;
  /** Bodies of control-flow nodes (If: then_branch/else_branch, Loop/Scan: body), keyed by attribute name. */
  subgraphs?: Record<string, Graph>;
  source?: SourceRange;
  docString?: string;
  /** Keras-domain layers whose weights were saved (TF.js): the initializer names the layer owns, in
   * Keras weight order (kernel, bias; gamma, beta, moving_mean, moving_variance...). Data inputs
   * stay in `inputs`. The analysis counts these (an empty list: the file holds none for the layer);
   * without the list, the weights' shapes follow from the config (analysis/ops/keras/weights.ts). */
  weights?: string[];
  /** A later call of a layer that was called before (a shared Keras layer): the id of the node whose
   * weights it reuses. Its own figures count those weights; the model's totals count them once. */
  sharesWeightsOf?: string;
}

export interface ValueInfo {
  name: string;
  dtype: DType;
  /** null when unknown; individual dims may be symbolic strings. */
  shape: Shape | null;
  /** Only for values that are not dense tensors (ONNX sequence, map, optional, sparse tensor): the type
   * as ONNX prints it, e.g. 'seq(tensor(float))'; dtype and shape then describe the innermost tensor. */
  typeName?: string;
  docString?: string;
  source?: SourceRange;
}

export interface Graph {
  name: string;
  nodes: Node[];
  /** Graph inputs that are not initializers (the data the model is fed). */
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  /** Declared shapes of intermediate tensors (ONNX value_info), keyed by tensor name. */
  valueInfo: Map<string, ValueInfo>;
  /** Weights, keyed by tensor name. */
  initializers: Map<string, TensorData>;
  docString?: string;
}

export type ModelFormat = 'onnx' | 'keras' | 'tfjs' | 'convlens';

export interface Model {
  format: ModelFormat;
  producer: string;
  producerVersion?: string;
  /** ONNX IR version, when the format has one. */
  irVersion?: number;
  /** Operator set versions by domain ('' is ai.onnx). */
  opsets: Record<string, number>;
  docString?: string;
  metadata: Record<string, string>;
  graph: Graph;
  /** Absolute path of the file the model was read from, when read from a file. */
  path?: string;
  /** Warnings found while reading (unsupported fields, legacy formats), kept for the summary. */
  readWarnings: string[];
}

/** Error thrown by readers and analysis for input the user gave: says what and where.
 * The CLI prints `message` alone (no stack), the extension shows it in the panel. */
export class ModelError extends Error {
  constructor(message: string, readonly where?: string) {
    super(where ? `${where}: ${message}` : message);
    this.name = 'ModelError';
  }
}
