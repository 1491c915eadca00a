/**
 * Builds small CNNs with @tensorflow/tfjs (the oracle nobody here wrote) and saves them the way
 * tfjs's own file handler does: model.json (modelTopology + weightsManifest) and weights.bin.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { tf };

export async function saveTfjs(model: tf.LayersModel, dir = mkdtempSync(join(tmpdir(), 'convlens-tfjs-'))): Promise<string> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const buffers = data === undefined ? [] : Array.isArray(data) ? data : [data];
      const bytes = Buffer.concat(buffers.map((b) => Buffer.from(b)));
      writeFileSync(join(dir, 'weights.bin'), bytes);
      const json = {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return join(dir, 'model.json');
}

/** A Sequential CNN touching most covered layer types. */
export function sequentialCnn(): tf.Sequential {
  const m = tf.sequential({ name: 'seq' });
  m.add(tf.layers.conv2d({ name: 'c1', inputShape: [20, 18, 3], filters: 8, kernelSize: 3, activation: 'relu', padding: 'same' }));
  m.add(tf.layers.batchNormalization({ name: 'bn1' }));
  m.add(tf.layers.maxPooling2d({ name: 'p1', poolSize: 2 }));
  m.add(tf.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, depthMultiplier: 2, padding: 'same' }));
  m.add(tf.layers.separableConv2d({ name: 'sep', filters: 12, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.zeroPadding2d({ name: 'zp', padding: [[1, 2], [0, 1]] }));
  m.add(tf.layers.conv2d({ name: 'c2', filters: 6, kernelSize: [3, 2], strides: [1, 2], dilationRate: 1, padding: 'valid' }));
  m.add(tf.layers.leakyReLU({ name: 'lrelu', alpha: 0.2 }));
  m.add(tf.layers.conv2dTranspose({ name: 'up', filters: 4, kernelSize: 3, strides: 2, padding: 'same' }));
  m.add(tf.layers.cropping2D({ name: 'crop', cropping: [[1, 0], [0, 1]] }));
  m.add(tf.layers.averagePooling2d({ name: 'ap', poolSize: 3, strides: 2, padding: 'same' }));
  m.add(tf.layers.upSampling2d({ name: 'us', size: [2, 2] }));
  m.add(tf.layers.conv2d({ name: 'c3', filters: 5, kernelSize: 1, useBias: false }));
  m.add(tf.layers.prelu({ name: 'prelu' }));
  m.add(tf.layers.flatten({ name: 'flat' }));
  m.add(tf.layers.dropout({ name: 'drop', rate: 0.3 }));
  m.add(tf.layers.dense({ name: 'fc', units: 7 }));
  return m;
}

/** A functional model with branches, a skip (Add), Concatenate, Multiply, global pooling and a nested Sequential. */
export function functionalCnn(): tf.LayersModel {
  const input = tf.input({ name: 'image', shape: [16, 16, 3] });
  const stem = tf.layers.conv2d({ name: 'stem', filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  const a = tf.layers.conv2d({ name: 'branch_a', filters: 8, kernelSize: 1 }).apply(stem) as tf.SymbolicTensor;
  const b1 = tf.layers.conv2d({ name: 'branch_b1', filters: 4, kernelSize: 1, activation: 'relu' }).apply(stem) as tf.SymbolicTensor;
  const b2 = tf.layers.conv2d({ name: 'branch_b2', filters: 8, kernelSize: 3, padding: 'same' }).apply(b1) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: 'skip' }).apply([stem, a]) as tf.SymbolicTensor;
  const prod = tf.layers.multiply({ name: 'gate' }).apply([sum, b2]) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate({ name: 'cat' }).apply([prod, b1]) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({ name: 'bn', center: true, scale: false }).apply(cat) as tf.SymbolicTensor;
  const act = tf.layers.activation({ name: 'act', activation: 'tanh' }).apply(bn) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(act) as tf.SymbolicTensor;
  const head = tf.sequential({ name: 'head', layers: [
    tf.layers.dense({ name: 'h1', inputShape: [12], units: 6, activation: 'relu' }),
    tf.layers.dense({ name: 'h2', units: 3 }),
  ] });
  const out = head.apply(pooled) as tf.SymbolicTensor;
  return tf.model({ name: 'func', inputs: input, outputs: out });
}

type Kwargs = Record<string, unknown>;

/** A custom layer with one learned weight: a per-channel scale (unknown to ConvLens, as any user's own layer). */
export class LearnedScale extends tf.layers.Layer {
  static readonly className = 'LearnedScale';
  private scale?: tf.LayerVariable;

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    this.scale = this.addWeight('scale', [s[s.length - 1] as number], 'float32', tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 3 }));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.mul(x, this.scale!.read());
  }
}

/** A custom layer without weights: depth-to-space (pixel shuffle) by `blockSize`. */
export class PixelShuffle extends tf.layers.Layer {
  static readonly className = 'PixelShuffle';
  readonly blockSize: number;

  constructor(args: { blockSize: number; name?: string }) {
    super({ name: args.name });
    this.blockSize = args.blockSize;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [n, h, w, c] = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const b = this.blockSize;
    return [n, (h as number) * b, (w as number) * b, (c as number) / (b * b)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.depthToSpace(x, this.blockSize, 'NHWC');
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), blockSize: this.blockSize };
  }
}

tf.serialization.registerClass(LearnedScale);
tf.serialization.registerClass(PixelShuffle);

/** A CNN with both custom layers on its main chain and a side head that does not pass through them. */
export function customLayersCnn(): tf.LayersModel {
  const input = tf.input({ name: 'image', shape: [24, 24, 3] });
  const apply = (l: tf.layers.Layer, x: tf.SymbolicTensor): tf.SymbolicTensor => l.apply(x) as tf.SymbolicTensor;
  let x = apply(tf.layers.conv2d({ name: 'stem', filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }), input);
  x = apply(tf.layers.batchNormalization({ name: 'stem_bn' }), x);
  const side = apply(tf.layers.dense({ name: 'side_fc', units: 4 }), apply(tf.layers.globalAveragePooling2d({ name: 'side_gap' }), x));
  x = apply(new LearnedScale({ name: 'scale' }), x);
  x = apply(tf.layers.conv2d({ name: 'c1', filters: 32, kernelSize: 3, padding: 'same' }), x);
  x = apply(new PixelShuffle({ name: 'shuffle', blockSize: 2 }), x);
  x = apply(tf.layers.conv2d({ name: 'c2', filters: 12, kernelSize: 3, strides: 2 }), x);
  x = apply(tf.layers.batchNormalization({ name: 'c2_bn' }), x);
  x = apply(tf.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, padding: 'same' }), x);
  x = apply(tf.layers.globalAveragePooling2d({ name: 'gap' }), x);
  const out = apply(tf.layers.dense({ name: 'fc', units: 10 }), x);
  return tf.model({ name: 'custom', inputs: input, outputs: [out, side] });
}
