import type { OpFamily } from '../protocol/viewModel';
import { own } from '../common/own';

/**
 * Which family an operator belongs to, for colour and folding. ONNX op types and Keras class
 * names (Keras 1 and 2 spellings) share one table: the names rarely collide, and where they do
 * (BatchNormalization, Softmax) they mean the same thing.
 */
const TABLE: Record<string, OpFamily> = {};

function put(family: OpFamily, names: string): void {
  for (const n of names.split(/\s+/)) if (n) TABLE[n] = family;
}

put('convolution', `Conv ConvTranspose ConvInteger QLinearConv DeformConv
  Conv1D Conv2D Conv3D Convolution1D Convolution2D Convolution3D AtrousConvolution1D AtrousConvolution2D
  SeparableConv1D SeparableConv2D SeparableConvolution2D DepthwiseConv1D DepthwiseConv2D
  Conv1DTranspose Conv2DTranspose Conv3DTranspose Deconvolution2D Deconvolution3D`);
put('pooling', `MaxPool AveragePool LpPool GlobalAveragePool GlobalMaxPool GlobalLpPool MaxRoiPool MaxUnpool RoiAlign
  MaxPooling1D MaxPooling2D MaxPooling3D AveragePooling1D AveragePooling2D AveragePooling3D
  MaxPool1D MaxPool2D MaxPool3D AvgPool1D AvgPool2D AvgPool3D
  GlobalAveragePooling1D GlobalAveragePooling2D GlobalAveragePooling3D GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D
  GlobalAvgPool1D GlobalAvgPool2D GlobalMaxPool1D GlobalMaxPool2D`);
put('normalization', `BatchNormalization InstanceNormalization LayerNormalization GroupNormalization LRN
  MeanVarianceNormalization LpNormalization UnitNormalization`);
put('activation', `Relu LeakyRelu PRelu Sigmoid HardSigmoid Tanh Softmax LogSoftmax Elu Selu Celu Gelu Mish
  HardSwish Softplus Softsign Clip ThresholdedRelu Swish
  Activation ReLU LeakyReLU PReLU ELU ThresholdedReLU`);
put('merge', `Concat Sum Mean
  Add Concatenate Merge Multiply Average Maximum Minimum Subtract Dot`);
put('dense', `Gemm MatMul MatMulInteger QLinearMatMul FC Dense`);
put('reshape', `Reshape Flatten Transpose Squeeze Unsqueeze Pad Slice Split Expand Tile Resize Upsample
  DepthToSpace SpaceToDepth
  Permute RepeatVector ZeroPadding1D ZeroPadding2D ZeroPadding3D Cropping1D Cropping2D Cropping3D
  UpSampling1D UpSampling2D UpSampling3D`);
put('input', 'InputLayer');

/** ONNX element-wise binaries are merges only when both operands are data (a residual Add),
 * not when one is a constant (a bias Add); the caller says how many data inputs there are. */
const ELEMENTWISE = new Set(['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min']);

export function opFamily(opType: string, domain: string, dataInputs: number): OpFamily {
  if (domain !== 'keras' && ELEMENTWISE.has(opType)) return dataInputs >= 2 ? 'merge' : 'other';
  return own(TABLE, opType) ?? 'other';
}
