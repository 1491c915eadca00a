import { ModelError, type Model, type Shape, type ValueInfo } from '../ir/types';
import { analyze } from '../analysis/analyze';
import type { Analysis } from '../analysis/types';
import { OnnxBuilder, type Layout } from './builder';
import type { Emitter, LowerCtx } from './context';
import * as convs from './convLayers';
import * as merges from './mergeLayers';
import * as shapes from './shapeLayers';
import { seededRandom } from '../common/prng';
import { layerWeights } from './weights';
import { own } from '../common/own';

/**
 * Lowers a Keras-domain model (Keras JSON, TF.js, ConvLens JSON) to an ONNX-domain Model that
 * encodeModel writes and ONNX Runtime runs. Inputs and outputs keep Keras's channels-last layout;
 * inside, convolutions and pooling run channels-first with Transposes only where the layout changes.
 * Weights come from the model (TF.js) where saved; otherwise they are generated (seeded He-normal)
 * and the Model says so in metadata['convlens.generatedWeights'] and in readWarnings.
 */

const EMITTERS: Record<string, Emitter> = {};
const on = (ops: string[], e: Emitter) => ops.forEach((o) => (EMITTERS[o] = e));
on(['Conv1D', 'Conv2D', 'Conv3D'], convs.conv);
on(['DepthwiseConv1D', 'DepthwiseConv2D'], convs.depthwiseConv);
on(['SeparableConv1D', 'SeparableConv2D'], convs.separableConv);
on(['Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose'], convs.convTranspose);
on(['MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D',
  'MaxPool1D', 'MaxPool2D', 'MaxPool3D', 'AvgPool1D', 'AvgPool2D', 'AvgPool3D'], shapes.pool);
on(['GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'GlobalMaxPooling3D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D',
  'GlobalAveragePooling3D', 'GlobalMaxPool1D', 'GlobalMaxPool2D', 'GlobalAvgPool1D', 'GlobalAvgPool2D'], shapes.globalPool);
on(['ZeroPadding1D', 'ZeroPadding2D', 'ZeroPadding3D'], shapes.zeroPad);
on(['Cropping1D', 'Cropping2D', 'Cropping3D'], shapes.crop);
on(['UpSampling1D', 'UpSampling2D', 'UpSampling3D'], shapes.upsample);
on(['Flatten'], shapes.flatten);
on(['Reshape'], shapes.reshape);
on(['Permute'], shapes.permuteLayer);
on(['Dense'], shapes.dense);
on(['BatchNormalization'], shapes.batchNorm);
on(['LayerNormalization'], shapes.layerNorm);
on(['LRN'], shapes.lrn);
on(['Activation'], merges.activation);
on(['Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout',
  'ActivityRegularization', 'Masking', 'Identity', 'InputLayer'], merges.identity);
on(['ReLU'], merges.relu);
on(['LeakyReLU'], merges.leakyRelu);
on(['ELU'], merges.elu);
on(['Softmax'], merges.softmax);
on(['PReLU'], merges.prelu);
on(['Rescaling'], merges.rescaling);
on(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum'], merges.merge);
on(['Concatenate'], merges.concat);

export const LOWERED_LAYERS: readonly string[] = Object.keys(EMITTERS);

export interface LowerOptions {
  /** Seed of the generated weights (default 1). */
  seed?: number;
  /** Size for a symbolic batch dim when shapes are computed (the ONNX input keeps the symbol). */
  batch?: number;
  /** The model's analysis when the caller has it (a document version is analysed once). */
  analysis?: Analysis;
}

function concrete(shape: Shape | null | undefined, what: string): number[] {
  if (!shape) throw new ModelError(`the shape of ${what} is unknown, so it cannot be lowered`);
  return shape.map((d, i) => {
    if (typeof d === 'number') return d;
    if (i === 0) return 1;
    throw new ModelError(`${what} has a symbolic dim '${d}' on axis ${i}; give the input a fixed size to lower it`);
  });
}

/** One source layer as the lowering records it (read back by src/runtime/sourceLayers.ts). */
export interface LoweredLayerRecord {
  id: string;
  name: string;
  type: string;
  /** Keras tensors in and out. */
  inputs: string[];
  output: string;
  /** Outputs of the ONNX nodes this layer became, in order. */
  onnx: string[];
  /** Dropout-like layers: the rate they drop while training. */
  rate?: number;
}

export function lowerKerasModel(model: Model, options: LowerOptions = {}): Model {
  const a = options.analysis ?? analyze(model);
  const b = new OnnxBuilder();
  const rand = seededRandom(options.seed ?? 1);
  const generated = new Set<string>();
  b.reserve(a.tensors.keys());
  /** ONNX tensor -> [Keras tensor, Keras layer id, layout] for each layer's output, so that the run's
   * captured tensors can be shown on the Keras graph (metadata 'convlens.loweredTensors'). */
  const origin: Record<string, [string, string, Layout]> = {};
  /** Each Keras layer with the ONNX nodes it became (by their output), so Step mode can step over the
   * source layers and not the helper Transposes (metadata 'convlens.loweredLayers', src/runtime/sourceLayers.ts). */
  const layers: LoweredLayerRecord[] = [];
  const inputs: ValueInfo[] = model.graph.inputs.map((vi) => {
    const shape = a.tensors.get(vi.name)?.shape ?? vi.shape;
    concrete(shape, `input '${vi.name}'`);
    b.define(vi.name, shape!.length, 'cl', vi.name);
    return { name: vi.name, dtype: 'float32', shape };
  });
  for (const id of a.order) {
    const node = a.nodeById.get(id)!;
    if (node.domain !== 'keras') throw new ModelError(`only Keras-domain layers can be lowered, found ${node.domain || 'ai.onnx'} node '${node.name}'`);
    const emit = own(EMITTERS, node.opType);
    if (!emit) throw new ModelError(`${node.opType} layers are not lowered to ONNX yet (lowered: ${LOWERED_LAYERS.length} Keras layer types)`, `layer '${node.name}'`);
    const inShapes = node.inputs.map((t) => concrete(a.tensors.get(t)?.shape, `the input '${t}' of '${node.name}'`));
    const out = node.outputs[0];
    const outShape = concrete(a.tensors.get(out)?.shape, `the output of '${node.name}'`);
    const ctx: LowerCtx = {
      b, node, ins: node.inputs, inShapes, outShape,
      w: layerWeights(node, inShapes, model.graph, rand, generated),
      done: (onnx: string, layout: Layout) => {
        b.define(out, outShape.length, layout, onnx);
        if (!(onnx in origin)) origin[onnx] = [out, node.id, layout];
      },
    };
    const before = b.nodes.length;
    emit(ctx);
    const rate = node.attributes.rate;
    layers.push({ id: node.id, name: node.name, type: node.opType, inputs: node.inputs, output: out, onnx: b.nodes.slice(before).map((n) => n.outputs[0]), ...(typeof rate === 'number' ? { rate } : {}) });
  }
  const outputs: ValueInfo[] = model.graph.outputs.map((o) => {
    const name = b.get(o.name, 'cl');
    return { name, dtype: 'float32', shape: a.tensors.get(o.name)?.shape ?? null };
  });
  const metadata: Record<string, string> = { ...model.metadata, 'convlens.loweredFrom': model.format, 'convlens.loweredTensors': JSON.stringify(origin), 'convlens.loweredLayers': JSON.stringify(layers) };
  const readWarnings = [...model.readWarnings];
  if (generated.size) {
    metadata['convlens.generatedWeights'] = `He-normal, seed ${options.seed ?? 1}: ${generated.size} layers had no saved weights`;
    readWarnings.push(`${generated.size} layers have no saved weights; generated He-normal weights (seed ${options.seed ?? 1}) are used, so feature maps show structure, not learned features`);
  }
  return {
    format: 'onnx', producer: 'ConvLens lowering', producerVersion: model.producerVersion, irVersion: 8,
    opsets: { '': 17 }, metadata, docString: model.docString, path: model.path, readWarnings,
    graph: { name: model.graph.name || 'lowered', nodes: b.nodes, inputs, outputs, valueInfo: new Map(), initializers: b.initializers },
  };
}
