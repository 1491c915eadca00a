import type { AttrValue, Model, Node, Shape } from '../ir/types';
import type { Analysis } from '../analysis/types';
import { formatShape } from '../analysis/dims';
import { own } from '../common/own';

/**
 * The comparable form of one layer, the unit a model diff matches and compares. It is read from the
 * analysis (one source for every figure) and normalised so that two formats of one network compare:
 * Keras-domain layer types and ONNX op types map to one family ('Conv2D' and 'Conv' are both 'conv'),
 * shapes are written channels-first, and an activation that only follows a layer is folded into it.
 */
export interface DiffLayer {
  /** Node id in its model. */
  id: string;
  /** Name as written in the file ('' when unnamed). */
  name: string;
  /** Op as the user reads it: 'Conv', 'Conv2D' (no 'keras::' prefix). */
  op: string;
  /** Cross-format family: 'conv', 'maxpool', 'dense', 'relu', … */
  family: string;
  /** Scope path ('layer1/layer1.0'). */
  scope: string;
  /** The attributes that define what the layer computes, as stable 'key=value' strings. */
  attrs: string[];
  /** Activation folded into the layer ('relu'), '' when none. */
  activation: string;
  /** Output shape, channels-first, printed ('[1, 64, 56, 56]'), '?' when unknown. */
  outputShape: string;
  params: number | null;
  macs: number | null;
  /** Receptive field per spatial axis, printed ('7×7'), '' when not spatial. */
  receptiveField: string;
  /** Shapes of the learned weights it reads, channels-first where the format stores them otherwise. */
  weightShapes: string[];
}

/** Ops that only move data between layouts or pass it on: compared across formats they are noise. */
const LAYOUT_ONLY = new Set(['Transpose', 'Identity', 'InputLayer', 'Dropout', 'Cast']);

const FAMILY: Record<string, string> = {
  Conv1D: 'conv', Conv2D: 'conv', Conv3D: 'conv', Conv: 'conv', ConvInteger: 'conv', QLinearConv: 'conv',
  DepthwiseConv1D: 'conv', DepthwiseConv2D: 'conv',
  Conv1DTranspose: 'convtranspose', Conv2DTranspose: 'convtranspose', Conv3DTranspose: 'convtranspose', ConvTranspose: 'convtranspose',
  MaxPooling1D: 'maxpool', MaxPooling2D: 'maxpool', MaxPooling3D: 'maxpool', MaxPool1D: 'maxpool', MaxPool2D: 'maxpool', MaxPool3D: 'maxpool', MaxPool: 'maxpool',
  AveragePooling1D: 'avgpool', AveragePooling2D: 'avgpool', AveragePooling3D: 'avgpool', AvgPool1D: 'avgpool', AvgPool2D: 'avgpool', AvgPool3D: 'avgpool', AveragePool: 'avgpool',
  GlobalAveragePooling1D: 'globalavgpool', GlobalAveragePooling2D: 'globalavgpool', GlobalAveragePooling3D: 'globalavgpool', GlobalAveragePool: 'globalavgpool',
  GlobalAvgPool1D: 'globalavgpool', GlobalAvgPool2D: 'globalavgpool', GlobalAvgPool3D: 'globalavgpool',
  GlobalMaxPooling1D: 'globalmaxpool', GlobalMaxPooling2D: 'globalmaxpool', GlobalMaxPooling3D: 'globalmaxpool', GlobalMaxPool: 'globalmaxpool',
  GlobalMaxPool1D: 'globalmaxpool', GlobalMaxPool2D: 'globalmaxpool', GlobalMaxPool3D: 'globalmaxpool',
  Dense: 'dense', Gemm: 'dense', MatMul: 'dense',
  BatchNormalization: 'batchnorm', Flatten: 'flatten', Reshape: 'reshape',
  Add: 'add', Sum: 'add', Subtract: 'sub', Sub: 'sub', Multiply: 'mul', Mul: 'mul', Concatenate: 'concat', Concat: 'concat',
  Maximum: 'max', Max: 'max', Minimum: 'min', Min: 'min', Average: 'mean', Mean: 'mean',
  ReLU: 'relu', Relu: 'relu', LeakyReLU: 'leakyrelu', LeakyRelu: 'leakyrelu', ELU: 'elu', Elu: 'elu', PReLU: 'prelu', PRelu: 'prelu',
  Softmax: 'softmax', Sigmoid: 'sigmoid', Tanh: 'tanh', ZeroPadding1D: 'pad', ZeroPadding2D: 'pad', ZeroPadding3D: 'pad', Pad: 'pad',
  UpSampling1D: 'resize', UpSampling2D: 'resize', UpSampling3D: 'resize', Resize: 'resize', Upsample: 'resize',
};

/** Activations an ONNX exporter writes as their own node after a layer; Keras names them in `activation`. */
const ACTIVATION_OPS: Record<string, string> = { Relu: 'relu', Sigmoid: 'sigmoid', Tanh: 'tanh', Softmax: 'softmax', Elu: 'elu', Selu: 'selu', Softplus: 'softplus', Softsign: 'softsign', HardSigmoid: 'hard_sigmoid', Gelu: 'gelu', Swish: 'swish', HardSwish: 'hard_swish' };

/** Keras config keys that only name or initialise a layer; they do not change what it computes. */
const NON_SEMANTIC_KEYS = new Set(['name', 'trainable', 'dtype', 'kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer',
  'activity_regularizer', 'kernel_constraint', 'bias_constraint', 'beta_initializer', 'gamma_initializer', 'moving_mean_initializer',
  'moving_variance_initializer', 'beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint', 'depthwise_initializer',
  'pointwise_initializer', 'depthwise_regularizer', 'pointwise_regularizer', 'depthwise_constraint', 'pointwise_constraint', 'activation',
  'batch_input_shape', 'input_shape', 'batch_size', 'output_shape', 'inbound_nodes', 'build_config', 'module', 'registered_name']);

function attrText(v: AttrValue): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${(v as AttrValue[]).map(attrText).join(',')}]`;
  if ('nodes' in v && 'initializers' in v) return '<graph>';
  if ('dims' in v && 'dtype' in v && typeof (v as { bytes?: unknown }).bytes === 'function') {
    const t = v as { dtype: string; dims: number[] };
    return `<tensor ${t.dtype}[${t.dims.join(',')}]>`;
  }
  const obj = v as Record<string, AttrValue>;
  return `{${Object.keys(obj).sort().map((k) => `${k}:${attrText(obj[k])}`).join(',')}}`;
}

function attributesOf(node: Node): string[] {
  const out: string[] = [];
  for (const k of Object.keys(node.attributes).sort()) {
    if (node.domain === 'keras' && NON_SEMANTIC_KEYS.has(k)) continue;
    out.push(`${k}=${attrText(node.attributes[k])}`);
  }
  return out;
}

/** Channels-first order of a channels-last (Keras) shape of rank ≥ 3: [N, H, W, C] → [N, C, H, W]. */
function channelsFirst(shape: Shape): Shape {
  if (shape.length < 3) return shape;
  return [shape[0], shape[shape.length - 1], ...shape.slice(1, -1)];
}

function printShape(shape: Shape | null | undefined, keras: boolean): string {
  if (!shape) return '?';
  return formatShape(keras ? channelsFirst(shape) : shape);
}

/** Keras kernels are [kh, kw, cin, cout]; ONNX's are [cout, cin, kh, kw]: compare in ONNX order. */
function weightShape(dims: number[], keras: boolean): string {
  if (!keras || dims.length < 3) return `[${dims.join(', ')}]`;
  const k = dims.slice(0, -2);
  return `[${[dims[dims.length - 1], dims[dims.length - 2], ...k].join(', ')}]`;
}

/** The activation a node applies and nothing else ('' for any other node): ONNX's Relu, Keras's
 * Activation('relu') or ReLU layer. Both formats fold it into the layer before it the same way. */
function activationOf(n: Node | undefined): string {
  if (!n) return '';
  if (n.domain === '') return own(ACTIVATION_OPS, n.opType) ?? '';
  if (n.domain !== 'keras') return '';
  if (n.opType === 'Activation') return kerasActivation(n);
  if (n.opType === 'Softmax') return 'softmax';
  if (n.opType === 'ReLU' && !n.attributes.max_value && !n.attributes.negative_slope && !n.attributes.threshold) return 'relu';
  return '';
}

function kerasActivation(node: Node): string {
  const a = node.attributes.activation;
  return typeof a === 'string' && a !== 'linear' ? a : '';
}

/**
 * The layers of a model in analysis order. Nodes that only build constants are left out, and so are
 * layout-only nodes when `dropLayoutOnly` (set when two formats are compared).
 */
export function diffLayers(model: Model, a: Analysis, dropLayoutOnly = false): DiffLayer[] {
  const keras = (n: Node) => n.domain === 'keras';
  const consumersOf = (t: string) => a.tensors.get(t)?.consumers ?? [];
  const folded = new Set<string>();
  const layers: DiffLayer[] = [];
  const byId = new Map<string, DiffLayer>();
  for (const id of a.order) {
    const n = a.nodeById.get(id);
    if (!n) continue;
    if (computesNothing(n, a)) continue;
    const outs = n.outputs.filter(Boolean).map((o) => a.tensors.get(o));
    if (dropLayoutOnly && LAYOUT_ONLY.has(n.opType)) continue;
    const act = activationOf(n);
    if (act) {
      // An activation whose only input is the single-consumer output of a layer folds into that layer.
      const src = a.tensors.get(n.inputs[0] ?? '');
      const owner = src?.producer ? byId.get(src.producer) : undefined;
      if (owner && !owner.activation && owner.family !== own(FAMILY, n.opType) && consumersOf(n.inputs[0]).length === 1 && !activationOf(a.nodeById.get(owner.id))) {
        owner.activation = act;
        owner.outputShape = printShape(outs[0]?.shape, keras(n));
        folded.add(id);
        byId.set(id, owner);
        continue;
      }
    }
    const f = a.nodes.get(id);
    const weights = n.weights ?? n.inputs.filter((i) => i && a.tensors.get(i)?.isWeight);
    const layer: DiffLayer = {
      id,
      name: n.name,
      op: n.opType,
      family: own(FAMILY, n.opType) ?? (keras(n) && n.opType === 'Activation' ? String(n.attributes.activation ?? 'activation') : own(ACTIVATION_OPS, n.opType) ?? n.opType.toLowerCase()),
      scope: n.scope.join('/'),
      attrs: attributesOf(n),
      activation: keras(n) ? kerasActivation(n) : '',
      outputShape: printShape(outs[0]?.shape, keras(n)),
      params: f ? (f.params ?? null) : null,
      macs: f ? (f.macs ?? null) : null,
      receptiveField: outs[0]?.receptiveField ? outs[0].receptiveField.join('×') : '',
      weightShapes: weights.map((w) => {
        const t = model.graph.initializers.get(w);
        const dims = t?.dims ?? (a.tensors.get(w)?.shape?.filter((d): d is number => typeof d === 'number') ?? []);
        return weightShape(dims, keras(n));
      }),
    };
    layers.push(layer);
    byId.set(id, layer);
  }
  return layers;
}

/** How many layout-only nodes diffLayers(…, true) leaves out (those that compute something). */
export function layoutOnlyCount(a: Analysis): number {
  let n = 0;
  for (const id of a.order) {
    const node = a.nodeById.get(id);
    if (node && LAYOUT_ONLY.has(node.opType) && !computesNothing(node, a)) n++;
  }
  return n;
}

/** A node whose outputs are all constants (weights via ConstantOfShape, shape arithmetic) is no layer. */
function computesNothing(n: Node, a: Analysis): boolean {
  const outs = n.outputs.filter(Boolean).map((o) => a.tensors.get(o));
  return outs.length > 0 && outs.every((t) => t?.constant);
}

/** What a layer computes, apart from its name: equal signatures mean an unchanged layer. */
export function signature(l: DiffLayer, crossFormat: boolean): string {
  const parts = [crossFormat ? l.family : l.op, l.activation, l.outputShape, String(l.params), String(l.macs), l.weightShapes.join(';')];
  if (!crossFormat) parts.push(l.attrs.join(';'));
  return parts.join('|');
}
