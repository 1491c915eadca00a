/**
 * One output value of a layer, computed from the numbers it reads (Step mode's arithmetic view). Everything
 * the view prints is here: the cells each input channel contributes, the weights they meet, the products,
 * the sums and each stage up to the value ONNX Runtime produced. The view only draws it.
 */

/** Where an output value sits: batch item, channel (Gemm/MatMul: the column), spatial position. */
export interface OutputAt {
  batch?: number;
  channel: number;
  /** Spatial position, outermost first ([y, x] for 2-D); empty for Gemm/MatMul. */
  pos: number[];
}

/** One axis of the window an output reads: its kernel taps and the span they lie in (dilation holes
 * between taps), unclipped (an index outside 0…size − 1 is padding), and the input size on that axis. */
export interface ArithmeticAxis {
  taps: number[];
  span: number[];
  size: number;
}

/** What one input channel (Gemm/MatMul: the whole row) contributes. Values follow the taps in row-major
 * order (the kernel's own order); a padding cell's value is 0 (Conv, AveragePool) and is flagged. */
export interface ArithmeticBlock {
  /** Input channel (Gemm/MatMul: -1, one row). */
  channel: number;
  values: number[];
  padding: boolean[];
  /** Conv/Gemm/MatMul: the weight each value meets, and value·weight. */
  weights?: number[];
  products?: number[];
  /** Gemm/MatMul: the index along the reduced axis of each term. */
  terms?: number[];
  /** Conv/Gemm: Σ products of this block; pooling: its max or mean. */
  sum: number;
  /** MaxPool: the index (into values) of the largest one. */
  picked?: number;
}

/** A step from the layer's own result to the value shown, each with the tensor that holds the runtime's. */
export interface ArithmeticStage {
  /** 'sum' (the layer's own value), 'bias' (an Add of a constant per-channel bias after it), 'activation'. */
  kind: 'sum' | 'bias' | 'activation';
  /** The op of the node that makes this stage ('Conv', 'Add', 'Relu' …). */
  op: string;
  /** The node, and the tensor whose value at this output is the runtime's. */
  node: string;
  tensor: string;
  /** The operand (the bias added) where there is one. */
  operand?: number;
  /** Computed here. */
  value: number;
  /** What ONNX Runtime produced (null: the tensor was not captured). */
  runtime: number | null;
  agree: boolean | null;
}

export interface BatchNormNumbers {
  x: number;
  mean: number;
  variance: number;
  epsilon: number;
  scale: number;
  bias: number;
}

export interface PoolNumbers {
  mode: 'max' | 'mean';
  /** AveragePool: the divisor (the window's cells, padding counted when count_include_pad). */
  divisor?: number;
  countIncludePad?: boolean;
}

/** An activation: the input value, the function's curve over the input's range and the input's histogram. */
export interface ActivationNumbers {
  x: number;
  curve: { x: number[]; y: number[] };
  histogram: { min: number; max: number; counts: number[] };
}

export interface Arithmetic {
  kind: 'conv' | 'pool' | 'dot' | 'batchnorm' | 'activation';
  nodeId: string;
  opType: string;
  /** The layer's input and output tensors. */
  input: string;
  output: string;
  at: OutputAt;
  /** Conv/pooling: the window per spatial axis. */
  axes?: ArithmeticAxis[];
  /** Conv: the group the output channel belongs to and the input channels it reads. */
  group?: { index: number; count: number; channels: number[] };
  blocks: ArithmeticBlock[];
  /** Conv/Gemm: the layer's own bias for this output (null: none). */
  bias: number | null;
  /** Gemm: alpha and beta when not 1. */
  alpha?: number;
  beta?: number;
  pool?: PoolNumbers;
  batchNorm?: BatchNormNumbers;
  activation?: ActivationNumbers;
  /** The layer's value: Σ block sums + bias (conv/dot), the max/mean (pool), the normalised value (BN). */
  total: number;
  /** The layer's value, then a following bias Add and activation when the layer feeds them alone. */
  stages: ArithmeticStage[];
}

/** Float32 accumulation order differs from this float64 one: agreement is relative to the result, with
 * a floor from the size of the terms (a sum near zero out of large terms cancels). */
export function agrees(value: number, runtime: number, magnitude: number): boolean {
  if (!Number.isFinite(value) || !Number.isFinite(runtime)) return Object.is(value, runtime);
  return Math.abs(value - runtime) <= 1e-4 * Math.max(Math.abs(runtime), 1e-2 * magnitude, 1e-30);
}

/** Ops whose one output value the arithmetic view computes. */
export const ARITHMETIC_OPS: ReadonlySet<string> = new Set(['Conv', 'MaxPool', 'AveragePool', 'Gemm', 'MatMul', 'BatchNormalization',
  'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Clip', 'Elu', 'Selu', 'HardSigmoid', 'HardSwish', 'Softplus']);
