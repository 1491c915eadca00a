import { editDistance } from '../../common/editDistance';

/**
 * Layer types a ConvLens JSON file may name: Keras class names, matched without regard to case,
 * plus a few short spellings people type. Other types are kept (drawn) and reported as unknown.
 */
export const LAYER_TYPES = [
  'Conv1D', 'Conv2D', 'Conv3D', 'DepthwiseConv1D', 'DepthwiseConv2D', 'SeparableConv1D', 'SeparableConv2D',
  'Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose',
  'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D',
  'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'GlobalMaxPooling3D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalAveragePooling3D',
  'ZeroPadding1D', 'ZeroPadding2D', 'ZeroPadding3D', 'Cropping1D', 'Cropping2D', 'Cropping3D',
  'UpSampling1D', 'UpSampling2D', 'UpSampling3D',
  'BatchNormalization', 'LayerNormalization', 'LRN', 'Dense', 'Flatten', 'Reshape', 'Permute',
  'Dropout', 'SpatialDropout2D', 'Activation', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'Softmax', 'Rescaling',
  'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate',
] as const;

const ALIASES: Record<string, string> = {
  conv: 'Conv2D', maxpool: 'MaxPooling2D', maxpool2d: 'MaxPooling2D', avgpool: 'AveragePooling2D', avgpool2d: 'AveragePooling2D',
  globalavgpool: 'GlobalAveragePooling2D', globalaveragepool: 'GlobalAveragePooling2D', globalmaxpool: 'GlobalMaxPooling2D',
  batchnorm: 'BatchNormalization', localresponsenormalization: 'LRN', bn: 'BatchNormalization', layernorm: 'LayerNormalization', linear: 'Dense', fc: 'Dense',
  concat: 'Concatenate', sum: 'Add', mul: 'Multiply', depthwiseconv: 'DepthwiseConv2D', separableconv: 'SeparableConv2D',
  convtranspose: 'Conv2DTranspose', upsample: 'UpSampling2D', zeropad: 'ZeroPadding2D', pad: 'ZeroPadding2D',
};

const byLower = new Map<string, string>(LAYER_TYPES.map((t) => [t.toLowerCase(), t]));

/** The canonical type for what the user wrote, or undefined when it is not known. */
export function canonicalType(written: string): string | undefined {
  const k = written.toLowerCase();
  return byLower.get(k) ?? ALIASES[k];
}

/** The known type closest to a misspelling (edit distance ≤ 3), for "did you mean". */
export function closestType(written: string): string | undefined {
  const w = written.toLowerCase();
  let best: string | undefined;
  let bestD = 4;
  for (const t of [...LAYER_TYPES, ...Object.keys(ALIASES)]) {
    const d = editDistance(w, t.toLowerCase(), bestD);
    if (d < bestD) {
      bestD = d;
      best = canonicalType(t);
    }
  }
  return best;
}
