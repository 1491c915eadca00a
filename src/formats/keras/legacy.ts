import type { AttrValue } from '../../ir/types';
import { own } from '../../common/own';

/**
 * Keras 1.x layer configs (keras_version 1.x: `Convolution2D`, `nb_filter`, `border_mode`, `Merge`...)
 * rewritten into the Keras 2 names the rules read. Keras 2 itself shipped the same mapping
 * (keras/legacy/interfaces.py); the 1.x class and argument names below come from there.
 */
export interface Upgraded {
  className: string;
  attrs: Record<string, AttrValue>;
  /** What could not be carried over, for the model's read warnings. */
  notes: string[];
}

const classes: Record<string, string> = {
  Convolution1D: 'Conv1D',
  Convolution2D: 'Conv2D',
  Convolution3D: 'Conv3D',
  AtrousConvolution1D: 'Conv1D',
  AtrousConvolution2D: 'Conv2D',
  SeparableConvolution2D: 'SeparableConv2D',
  Deconvolution2D: 'Conv2DTranspose',
};

const mergeModes: Record<string, string> = {
  sum: 'Add', concat: 'Concatenate', mul: 'Multiply', ave: 'Average', max: 'Maximum', dot: 'Dot',
};

function rename(a: Record<string, AttrValue>, from: string, to: string): void {
  if (from in a) {
    if (!(to in a)) a[to] = a[from];
    delete a[from];
  }
}

export function upgradeKeras1(className: string, attrs0: Record<string, AttrValue>): Upgraded {
  const a: Record<string, AttrValue> = { ...attrs0 };
  const notes: string[] = [];
  let cls = own(classes, className) ?? className;

  if ('dim_ordering' in a) {
    const d = a.dim_ordering;
    if (d === 'th') a.data_format = 'channels_first';
    else if (d === 'tf') a.data_format = 'channels_last';
    delete a.dim_ordering;
  }
  rename(a, 'border_mode', 'padding');
  rename(a, 'subsample', 'strides');
  rename(a, 'subsample_length', 'strides');
  rename(a, 'bias', 'use_bias');
  rename(a, 'nb_filter', 'filters');
  rename(a, 'output_dim', 'units');
  rename(a, 'atrous_rate', 'dilation_rate');
  rename(a, 'input_dtype', 'dtype');
  rename(a, 'init', 'kernel_initializer');
  rename(a, 'W_regularizer', 'kernel_regularizer');
  rename(a, 'b_regularizer', 'bias_regularizer');
  rename(a, 'W_constraint', 'kernel_constraint');
  rename(a, 'b_constraint', 'bias_constraint');
  if (cls === 'Dropout' || cls === 'SpatialDropout2D') rename(a, 'p', 'rate');

  // Kernel sizes: nb_row/nb_col (2-D), kernel_dim1..3 (Convolution3D), filter_length (1-D).
  const kernelKeys = 'kernel_dim1' in a ? ['kernel_dim1', 'kernel_dim2', 'kernel_dim3'] : ['nb_depth', 'nb_row', 'nb_col'];
  if (kernelKeys.some((k) => k in a)) {
    a.kernel_size = kernelKeys.map((k) => a[k]).filter((x) => typeof x === 'number') as number[];
    for (const k of kernelKeys) delete a[k];
  }
  if ('filter_length' in a) {
    a.kernel_size = [a.filter_length as number];
    delete a.filter_length;
  }
  // 1-D pooling and upsampling: pool_length/stride and length (keras/legacy/interfaces.py).
  if (/^(Max|Average)Pooling1D$/.test(cls)) {
    rename(a, 'pool_length', 'pool_size');
    rename(a, 'stride', 'strides');
  }
  if (cls === 'UpSampling1D') rename(a, 'length', 'size');
  if (typeof a.strides === 'number' && (cls === 'Conv1D')) a.strides = [a.strides];
  if (typeof a.dilation_rate === 'number' && cls === 'Conv1D') a.dilation_rate = [a.dilation_rate];

  if (cls === 'Merge') {
    const mode = typeof a.mode === 'string' ? a.mode : '';
    const to = mergeModes[mode];
    if (to) {
      cls = to;
      if (to === 'Concatenate') a.axis = typeof a.concat_axis === 'number' ? a.concat_axis : -1;
      if (to === 'Dot') a.axes = a.dot_axes ?? -1;
    } else {
      notes.push(`Merge mode '${mode || String(a.mode)}' has no Keras 2 equivalent; drawn without a shape rule`);
    }
  }
  if (cls === 'Dense' && typeof a.input_dim === 'number' && !('batch_input_shape' in a)) {
    a.batch_input_shape = [null, a.input_dim];
  }
  if (cls === 'BatchNormalization' && typeof a.mode === 'number' && a.mode !== 0) {
    notes.push(`BatchNormalization mode ${a.mode} (Keras 1 sample-wise normalisation) is drawn as mode 0`);
  }
  return { className: cls, attrs: a, notes };
}
