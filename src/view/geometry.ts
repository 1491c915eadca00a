import type { Analysis } from '../analysis/types';
import type { Dim, Node } from '../ir/types';
import { intAttr, intsAttr, strAttr } from './attributes';

/**
 * The sliding-window geometry of a convolution or pooling node, read the same way for ONNX
 * (NCHW, attributes kernel_shape/strides/pads/dilations/auto_pad) and Keras layers
 * (channels-last unless data_format says otherwise; kernel_size/strides/padding/dilation_rate,
 * or the Keras 1 names nb_row/nb_col/subsample/border_mode).
 */
export interface WindowGeometry {
  kind: 'conv' | 'convTranspose' | 'pool';
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** Explicit padding per axis (begin, end); absent when the mode decides it. */
  pads?: { begin: number[]; end: number[] };
  mode: 'explicit' | 'same' | 'valid';
  ceil: boolean;
  /** Spatial input and output dims, as the analysis knows them. */
  inSpatial: (Dim | undefined)[];
  outSpatial: (Dim | undefined)[];
  outChannels?: number;
  groups: number;
  depthwise: boolean;
  outputPadding: number[];
}

const ONNX_CONV = new Set(['Conv', 'ConvInteger', 'QLinearConv', 'DeformConv']);
const ONNX_POOL = new Set(['MaxPool', 'AveragePool', 'LpPool']);

function shapeOf(analysis: Analysis, tensor: string | undefined): Dim[] | null {
  if (!tensor) return null;
  return analysis.tensors.get(tensor)?.shape ?? null;
}

function fill(v: number[] | undefined, n: number, d: number): number[] {
  if (!v || v.length === 0) return new Array<number>(n).fill(d);
  if (v.length === 1 && n > 1) return new Array<number>(n).fill(v[0]);
  return v.slice(0, n);
}

export function windowGeometry(node: Node, analysis: Analysis): WindowGeometry | null {
  return node.domain === 'keras' ? kerasGeometry(node, analysis) : onnxGeometry(node, analysis);
}

function onnxGeometry(node: Node, analysis: Analysis): WindowGeometry | null {
  const isConv = ONNX_CONV.has(node.opType);
  const isT = node.opType === 'ConvTranspose';
  const isPool = ONNX_POOL.has(node.opType);
  if (!isConv && !isT && !isPool) return null;
  const x = shapeOf(analysis, node.inputs[0]);
  const y = shapeOf(analysis, node.outputs[0]);
  const wIndex = node.opType === 'QLinearConv' ? 3 : 1;
  const w = isPool ? null : shapeOf(analysis, node.inputs[wIndex]);
  let kernel = intsAttr(node, 'kernel_shape');
  if (!kernel && w) kernel = w.slice(2).map((d) => (typeof d === 'number' ? d : NaN));
  const rank = kernel?.length ?? (x ? x.length - 2 : 0);
  if (!kernel || rank <= 0 || kernel.some((k) => !Number.isFinite(k))) return null;
  const autoPad = strAttr(node, 'auto_pad') ?? 'NOTSET';
  const pads = intsAttr(node, 'pads');
  const groups = intAttr(node, 'group') ?? 1;
  let outChannels: number | undefined;
  const w0 = w?.[0];
  const w1 = w?.[1];
  if (isConv && typeof w0 === 'number') outChannels = w0;
  if (isT && typeof w1 === 'number') outChannels = w1 * groups;
  const inC = x?.[1];
  return {
    kind: isT ? 'convTranspose' : isPool ? 'pool' : 'conv',
    kernel,
    strides: fill(intsAttr(node, 'strides'), rank, 1),
    dilations: fill(intsAttr(node, 'dilations'), rank, 1),
    pads: autoPad === 'NOTSET' ? { begin: fill(pads?.slice(0, rank), rank, 0), end: fill(pads?.slice(rank), rank, 0) } : undefined,
    mode: autoPad === 'NOTSET' ? 'explicit' : autoPad === 'VALID' ? 'valid' : 'same',
    ceil: (intAttr(node, 'ceil_mode') ?? 0) === 1,
    inSpatial: x ? x.slice(2) : new Array<undefined>(rank).fill(undefined),
    outSpatial: y ? y.slice(2) : new Array<undefined>(rank).fill(undefined),
    outChannels,
    groups,
    depthwise: isConv && groups > 1 && typeof inC === 'number' && groups === inC,
    outputPadding: fill(intsAttr(node, 'output_padding'), rank, 0),
  };
}

const KERAS_POOL = /^(Max|Average|Avg)Pool(ing)?([123])D$/;
const KERAS_CONV = /^(Atrous)?(Separable|Depthwise)?Conv(olution)?([123])D(Transpose)?$|^Deconvolution([23])D$/;

function kerasGeometry(node: Node, analysis: Analysis): WindowGeometry | null {
  const pool = KERAS_POOL.exec(node.opType);
  const conv = KERAS_CONV.exec(node.opType);
  if (!pool && !conv) return null;
  const rank = Number(pool ? pool[3] : conv![4] ?? conv![6]);
  const format = strAttr(node, 'data_format', 'dim_ordering');
  const channelsFirst = format === 'channels_first' || format === 'th';
  const x = shapeOf(analysis, node.inputs[0]);
  const y = shapeOf(analysis, node.outputs[0]);
  const spatial = (s: Dim[] | null): (Dim | undefined)[] =>
    s ? (channelsFirst ? s.slice(2, 2 + rank) : s.slice(1, 1 + rank)) : new Array<undefined>(rank).fill(undefined);
  let kernel = pool ? intsAttr(node, 'pool_size', 'pool_length') : intsAttr(node, 'kernel_size', 'filter_length');
  if (!kernel && conv) {
    const rows = intAttr(node, 'nb_row');
    const cols = intAttr(node, 'nb_col');
    if (rows !== undefined && cols !== undefined) kernel = [rows, cols];
  }
  kernel = fill(kernel, rank, pool ? 2 : 1);
  const stridesAttr = intsAttr(node, 'strides', 'subsample', 'subsample_length', 'stride');
  const strides = fill(stridesAttr, rank, pool ? kernel[0] : 1);
  if (pool && !stridesAttr) for (let i = 0; i < rank; i++) strides[i] = kernel[i];
  const padding = (strAttr(node, 'padding', 'border_mode') ?? 'valid').toLowerCase();
  const isT = !!conv && (!!conv[5] || node.opType.startsWith('Deconvolution'));
  const depthwise = !!conv && conv[2] === 'Depthwise';
  const yc = y ? (channelsFirst ? y[1] : y[y.length - 1]) : undefined;
  const filters = intAttr(node, 'filters', 'nb_filter');
  return {
    kind: pool ? 'pool' : isT ? 'convTranspose' : 'conv',
    kernel,
    strides,
    dilations: fill(intsAttr(node, 'dilation_rate', 'atrous_rate'), rank, 1),
    mode: padding === 'same' ? 'same' : 'valid',
    ceil: false,
    inSpatial: spatial(x),
    outSpatial: spatial(y),
    outChannels: filters ?? (typeof yc === 'number' ? yc : undefined),
    groups: intAttr(node, 'groups') ?? 1,
    depthwise,
    outputPadding: fill(intsAttr(node, 'output_padding'), rank, 0),
  };
}
