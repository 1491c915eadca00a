/**
 * Keras and TF.js parameters from the weights the file holds, with tfjs as the oracle: a layer
 * without a rule (a user's custom layer, a misspelt class) does not zero the layers after it,
 * it is reported as unknown (with the nearest class for a misspelling) at its place in the JSON,
 * the totals say what they leave out, and `weightBytes` counts the shards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readModelFile } from '../../src/formats/index';
import { readKerasJson } from '../../src/formats/keras/read';
import { analyzeJsonText } from '../../src/formats/json/modelDocument';
import { analyze } from '../../src/analysis/analyze';
import type { Dim } from '../../src/ir/types';
import { customLayersCnn, LearnedScale, saveTfjs, sequentialCnn, tf } from './tfjs-fixtures';

const size = (shape: readonly (number | null)[]): number => shape.reduce<number>((p, d) => p * (d ?? 1), 1);
const weightsOf = (ws: readonly { shape: readonly (number | null)[] }[]): number => ws.reduce((s, w) => s + size(w.shape), 0);

/** tfjs's shape with the batch as our symbol, for comparison. */
function tfjsShape(layer: tf.layers.Layer): Dim[] {
  const s = layer.outputShape as (number | null)[];
  return s.map((d, i) => (d === null && i === 0 ? 'N' : (d as Dim)));
}

/** Layers fed (directly or not) by one of `roots`. */
function downstreamOf(m: tf.LayersModel, roots: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const layer of m.layers) {
    const ins = layer.inboundNodes.flatMap((n) => n.inboundLayers.map((l) => l.name));
    if (roots.has(layer.name) || ins.some((i) => out.has(i) || roots.has(i))) out.add(layer.name);
  }
  return out;
}

test('TF.js with two custom layers: params equal the weights manifest, every layer the file can tell keeps its shape', async () => {
  const m = customLayersCnn();
  const path = await saveTfjs(m);
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const manifest: { name: string; shape: number[] }[] = json.weightsManifest[0].weights;
  const model = await readModelFile(path);
  const a = analyze(model);

  assert.equal(a.totals.params + (a.totals.buffers ?? 0), weightsOf(manifest));
  assert.equal(weightsOf(manifest), m.countParams());
  assert.equal(a.totals.trainableParams, weightsOf(m.trainableWeights));
  assert.equal(a.totals.nonTrainableParams, weightsOf(m.nonTrainableWeights));
  assert.equal(a.totals.weightBytes, statSync(join(dirname(path), 'weights.bin')).size);
  assert.deepEqual(a.totals.partial?.params, []);

  const custom = new Set(['scale', 'shuffle']);
  const after = downstreamOf(m, custom);
  let shapes = 0;
  const pastCustom: string[] = [];
  for (const layer of m.layers) {
    const node = model.graph.nodes.find((n) => n.name === layer.name);
    if (!node) continue; // the input layer
    const f = a.nodes.get(node.id)!;
    assert.equal((f.params ?? NaN) + (f.buffers ?? 0), weightsOf(layer.weights), `${layer.name}: params vs its weights`);
    const shape = a.tensors.get(node.outputs[0])?.shape ?? null;
    if (!after.has(layer.name)) {
      assert.deepEqual(shape, tfjsShape(layer), `${layer.name}: shape`);
      shapes++;
    } else if (shape) {
      assert.deepEqual(shape, tfjsShape(layer), `${layer.name}: a shape past a custom layer must still be true`);
      pastCustom.push(layer.name);
    }
  }
  assert.ok(shapes >= 4, `${shapes} layers compared`);
  // The file states the channels past the custom layers (c2's filters, dw's kernel): global pooling over
  // them has a whole shape again, and so has the Dense after it; the spatial sizes before stay unknown.
  assert.deepEqual(pastCustom, ['gap', 'fc']);
  const unknown = a.warnings.filter((w) => w.kind === 'unknown-op');
  assert.deepEqual(unknown.map((w) => w.node).sort(), ['scale', 'shuffle']);
  assert.match(unknown.find((w) => w.node === 'shuffle')!.message, /^unknown Keras layer PixelShuffle \(a custom layer\?\): its output shape is unknown/);
  // MACs leave out the custom layers and every conv whose input size they hide.
  for (const id of ['scale', 'shuffle', 'c2', 'dw']) assert.ok(a.totals.partial?.macs.includes(id), id);
  assert.ok(!a.totals.partial?.macs.includes('stem'));
});

test('past a custom layer, a Reshape to a fixed target has its shape again, and the Flatten and Dense after it (tfjs as the oracle)', async () => {
  const input = tf.input({ name: 'image', shape: [8, 8, 4] });
  const apply = (l: tf.layers.Layer, x: tf.SymbolicTensor): tf.SymbolicTensor => l.apply(x) as tf.SymbolicTensor;
  let x = apply(new LearnedScale({ name: 'scale' }), input);
  x = apply(tf.layers.reshape({ name: 'fold', targetShape: [16, 16] }), x);
  const free = apply(tf.layers.reshape({ name: 'free', targetShape: [-1, 8] }), x);
  x = apply(tf.layers.flatten({ name: 'flat' }), x);
  const m = tf.model({ name: 'reshape_after_custom', inputs: input, outputs: [apply(tf.layers.dense({ name: 'fc', units: 3 }), x), free] });
  const model = await readModelFile(await saveTfjs(m));
  const a = analyze(model);
  const shapeOf = (name: string) => a.tensors.get(model.graph.nodes.find((n) => n.name === name)!.outputs[0])?.shape ?? null;
  for (const name of ['fold', 'flat', 'fc']) assert.deepEqual(shapeOf(name), tfjsShape(m.getLayer(name)), name);
  // The free axis (TF.js writes -1 as null) follows from fold's 16·16 values; tfjs's outputShape leaves
  // it null, its prediction (the custom layer is registered here) gives it.
  const [, predicted] = m.predict(tf.zeros([2, 8, 8, 4])) as tf.Tensor[];
  assert.deepEqual(shapeOf('free'), ['N', ...predicted.shape.slice(1)]);
  assert.equal(shapeOf('scale'), null);
});

/** The Sequential fixture saved by tfjs, its MaxPooling2D class misspelt in model.json. */
async function misspelt(): Promise<{ path: string; text: string; m: tf.Sequential }> {
  const m = sequentialCnn();
  const path = await saveTfjs(m);
  const text = readFileSync(path, 'utf8').replace('"class_name":"MaxPooling2D"', '"class_name":"MaxPoolin2D"');
  assert.match(text, /MaxPoolin2D/);
  writeFileSync(path, text);
  return { path, text, m };
}

test('a misspelt layer class is unknown, with the nearest class, at its class_name in the JSON; TF.js params stay whole', async () => {
  const { path, text, m } = await misspelt();
  const a = analyze(await readModelFile(path));
  const w = a.warnings.find((x) => x.node === 'p1');
  assert.equal(w?.kind, 'unknown-op');
  assert.match(w!.message, /^unknown Keras layer MaxPoolin2D — did you mean MaxPooling2D\? Its output shape is unknown/);
  assert.equal(a.totals.params + (a.totals.buffers ?? 0), m.countParams());
  assert.deepEqual(a.totals.partial?.params, []);
  assert.deepEqual(a.tensors.get('bn1')?.shape, ['N', 20, 18, 8]);

  // The editor reads the text alone (no shards): the diagnostic sits on the class name, and the
  // totals name the layers whose parameters they cannot size.
  const doc = analyzeJsonText(text, path);
  const p = doc.problems.find((x) => x.node === 'p1');
  assert.ok(p, doc.problems.map((x) => x.message).join('\n'));
  assert.equal(text.slice(p.range.offset, p.range.offset + p.range.length), '"MaxPoolin2D"');
  assert.match(p.message, /^p1: unknown Keras layer MaxPoolin2D — did you mean MaxPooling2D\?/);
  assert.ok(doc.analysis?.totals.partial?.params.includes('c2'));
  assert.ok(!doc.analysis?.totals.partial?.params.includes('c1'));
});

test('Keras 3 JSON: past a custom layer, shapes come from the tensors the file records, marked declared', () => {
  const kt = (layer: string, shape: (number | null)[]) => ({ class_name: '__keras_tensor__', config: { shape, dtype: 'float32', keras_history: [layer, 0, 0] } });
  const k3 = {
    module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional',
    config: {
      name: 'k3', trainable: true,
      layers: [
        { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 8, 8, 16], name: 'x' }, name: 'x', inbound_nodes: [] },
        { module: 'my_layers', class_name: 'Shuffle', config: { name: 'shuffle', block: 2 }, registered_name: 'Custom>Shuffle', build_config: { input_shape: [null, 8, 8, 16] }, name: 'shuffle', inbound_nodes: [{ args: [kt('x', [null, 8, 8, 16])], kwargs: {} }] },
        { module: 'keras.layers', class_name: 'Conv2D', config: { name: 'conv', filters: 6, kernel_size: [3, 3], padding: 'same' }, build_config: { input_shape: [null, 16, 16, 4] }, name: 'conv', inbound_nodes: [{ args: [kt('shuffle', [null, 16, 16, 4])], kwargs: {} }] },
      ],
      input_layers: ['x', 0, 0],
      output_layers: ['conv', 0, 0],
    },
  };
  const a = analyze(readKerasJson(JSON.stringify(k3)));
  const t = a.tensors.get('shuffle')!;
  assert.deepEqual(t.shape, ['N', 16, 16, 4]);
  assert.deepEqual(t.declaredShape, ['N', 16, 16, 4]);
  assert.deepEqual(a.tensors.get('conv')?.shape, ['N', 16, 16, 6]);
  assert.equal(a.totals.params, 3 * 3 * 4 * 6 + 6);
  assert.deepEqual(a.warnings.map((w) => w.message), ['unknown Keras layer Shuffle (a custom layer?): its output shape is the one the file declares']);
  assert.deepEqual(a.totals.partial, { params: ['shuffle'], macs: ['shuffle'] });

  // A recorded shape that inference contradicts is reported, not silently taken.
  const wrong = structuredClone(k3);
  wrong.config.layers[2].inbound_nodes = [{ args: [kt('shuffle', [null, 16, 16, 4])], kwargs: {} }];
  (wrong.config.layers as object[]).push({ module: 'keras.layers', class_name: 'ReLU', config: { name: 'relu' }, name: 'relu', inbound_nodes: [{ args: [kt('conv', [null, 16, 16, 5])], kwargs: {} }] });
  wrong.config.output_layers = ['relu', 0, 0];
  const b = analyze(readKerasJson(JSON.stringify(wrong)));
  assert.ok(b.warnings.some((w) => w.kind === 'shape-mismatch' && w.node === 'conv'), b.warnings.map((w) => w.message).join('\n'));
});

/** The functional fixture with its stem frozen (`trainable: false`, saved in the layer config). */
function frozenStem(): tf.LayersModel {
  const m = customLayersCnn();
  m.getLayer('stem').trainable = false;
  m.getLayer('c2_bn').trainable = false;
  return m;
}

for (const [label, make, asKeras] of [
  ['Sequential', sequentialCnn, true],
  ['two custom layers', customLayersCnn, false],
  ['frozen layers', frozenStem, false],
] as const) {
  test(`trainable / non-trainable equal tfjs's trainableWeights / nonTrainableWeights: ${label}`, async () => {
    const m = make();
    const trainable = weightsOf(m.trainableWeights);
    const frozen = weightsOf(m.nonTrainableWeights);
    assert.ok(frozen > 0);
    const path = await saveTfjs(m);
    const fromFile = analyze(await readModelFile(path)).totals;
    assert.deepEqual([fromFile.trainableParams, fromFile.nonTrainableParams], [trainable, frozen], 'TF.js file');
    if (asKeras) {
      // The same topology as Keras to_json() (no weights): sized from the configs.
      const keras = analyze(readKerasJson(JSON.stringify(JSON.parse(readFileSync(path, 'utf8')).modelTopology))).totals;
      assert.deepEqual([keras.trainableParams, keras.nonTrainableParams], [trainable, frozen], 'Keras JSON');
    }
  });
}

test('frozen layers sized from the Keras JSON config count as non-trainable too', async () => {
  const m = tf.sequential({ layers: [
    tf.layers.conv2d({ name: 'frozen', inputShape: [12, 12, 3], filters: 4, kernelSize: 3, trainable: false }),
    tf.layers.batchNormalization({ name: 'bn' }),
    tf.layers.flatten({ name: 'flat' }),
    tf.layers.dense({ name: 'fc', units: 3 }),
  ] });
  const t = analyze(readKerasJson(JSON.stringify(m.toJSON(undefined, false)))).totals;
  assert.deepEqual([t.trainableParams, t.nonTrainableParams], [weightsOf(m.trainableWeights), weightsOf(m.nonTrainableWeights)]);
});
