import type { Node } from '../../ir/types';

/**
 * What the block detector needs to know about an operator, across the ONNX and the Keras domains
 * (Keras, TF.js and ConvLens JSON models keep their layer names).
 */
const CONV = new Set(['Conv', 'ConvTranspose', 'ConvInteger', 'QLinearConv', 'Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose', 'Conv3DTranspose', 'DepthwiseConv1D', 'DepthwiseConv2D', 'SeparableConv1D', 'SeparableConv2D', 'Convolution2D']);
const SUM = new Set(['Add', 'Sum']);
const CONCAT = new Set(['Concat', 'Concatenate']);
const PRODUCT = new Set(['Mul', 'Multiply']);
const GLOBAL_POOL = new Set(['GlobalAveragePool', 'GlobalMaxPool', 'ReduceMean', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'GlobalAveragePooling1D']);
const GATE = new Set(['Sigmoid', 'HardSigmoid', 'Activation']);
/** Activations that close a block after its merge (torchvision's BasicBlock and Bottleneck end in a ReLU after the Add). */
const ACTIVATION = new Set(['Relu', 'ReLU', 'LeakyRelu', 'LeakyReLU', 'PRelu', 'PReLU', 'Elu', 'ELU', 'Clip', 'HardSwish', 'Activation']);

export type MergeKind = 'sum' | 'concat' | 'product';

export function mergeKind(n: Node): MergeKind | null {
  if (SUM.has(n.opType)) return 'sum';
  if (CONCAT.has(n.opType)) return 'concat';
  if (PRODUCT.has(n.opType)) return 'product';
  return null;
}

export const isConv = (n: Node): boolean => CONV.has(n.opType);
export const isGlobalPool = (n: Node): boolean => GLOBAL_POOL.has(n.opType);
export const isGate = (n: Node): boolean => GATE.has(n.opType);
export const isActivation = (n: Node): boolean => ACTIVATION.has(n.opType);

/** A convolution whose every filter sees one input channel (ONNX `group` > 1 with as many groups as channels is the common case). */
export function isDepthwise(n: Node): boolean {
  if (String(n.opType).startsWith('Depthwise')) return true;
  const g = n.attributes.group ?? n.attributes.groups;
  return typeof g === 'number' && g > 1;
}

/** A convolution with a dilation above 1 on some axis (the RFB block's spread branches). */
export function isDilated(n: Node): boolean {
  const d = n.attributes.dilations ?? n.attributes.dilation_rate;
  if (typeof d === 'number') return d > 1;
  return Array.isArray(d) && d.some((x) => typeof x === 'number' && x > 1);
}
