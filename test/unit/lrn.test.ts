/**
 * LRN (AlexNet's local response normalisation) in ConvLens JSON: its shape rule, and its lowering to
 * ONNX LRN run in ONNX Runtime against tfjs's tf.localResponseNormalization, the TensorFlow op our
 * notes name (alpha multiplies the plain sum of squares, ONNX's divides it by the window size).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { readConvLensJson } from '../../src/formats/convlens-json/read';
import { encodeModel } from '../../src/formats/onnx/writer';
import { lowerKerasModel } from '../../src/lowering/lower';
import { analyze } from '../../src/analysis/analyze';
import { readKerasJson } from '../../src/formats/keras/read';
import { tf } from './tfjs-fixtures';

type LrnAttrs = { depth_radius?: number; bias?: number; alpha?: number; beta?: number };
const lrnModel = (attrs: LrnAttrs) =>
  readConvLensJson(JSON.stringify({ input: { name: 'x', shape: [7, 9, 12] }, batch: 2, layers: [{ type: 'LRN', name: 'lrn', ...attrs }] }), 'lrn.json');

async function runOnnx(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<ort.Tensor> {
  const s = await ort.InferenceSession.create(bytes);
  const r = await s.run(feeds);
  return r[s.outputNames[0]];
}

for (const attrs of [{ depth_radius: 2, bias: 2, alpha: 0.01, beta: 0.75 }, { depth_radius: 1, bias: 1, alpha: 0.3, beta: 0.5 }, {}] as LrnAttrs[]) {
  test(`LRN ${JSON.stringify(attrs)}: ONNX Runtime on the lowered model equals tf.localResponseNormalization within 1e-5`, async () => {
    const model = lrnModel(attrs);
    const a = analyze(model);
    assert.deepEqual(a.tensors.get(model.graph.outputs[0].name)?.shape, [2, 7, 9, 12]);
    assert.equal(a.totals.params, 0);
    const x = tf.randomNormal([2, 7, 9, 12], 0, 3, 'float32', 5);
    const want = tf.localResponseNormalization(x as tf.Tensor4D, attrs.depth_radius ?? 5, attrs.bias ?? 1, attrs.alpha ?? 1, attrs.beta ?? 0.5).dataSync();
    const lowered = lowerKerasModel(model);
    const got = await runOnnx(encodeModel(lowered), { [lowered.graph.inputs[0].name]: new ort.Tensor('float32', x.dataSync() as Float32Array, [2, 7, 9, 12]) });
    assert.deepEqual(got.dims, [2, 7, 9, 12]);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - (got.data as Float32Array)[i]) / Math.max(1, Math.abs(want[i])));
    assert.ok(worst < 1e-5, `largest relative difference ${worst}`);
    // The normalisation did something: the output is not the input.
    const xs = x.dataSync();
    assert.ok(want.some((v, i) => Math.abs(v - xs[i]) > 1e-3));
  });
}

test('LRN attributes outside the op are refused with one line naming the layer', () => {
  const a = analyze(lrnModel({ depth_radius: -1 }));
  const w = a.warnings.find((x) => x.node === 'lrn');
  assert.match(w?.message ?? '', /LRN 'depth_radius' must be a whole number from 0 to 1024, got -1/);
  assert.equal(w!.message.split('\n').length, 1);
});

for (const [name, size, lrns, alpha, bias] of [['alexnet', 227, 4, 0.0005, 2], ['googlenet-paper', 224, 2, 0.0001, 1]] as const) {
  test(`the ${name} zoo model (LRN as in its paper) runs in ONNX Runtime with generated weights`, async () => {
    const path = join(__dirname, '..', '..', 'media', 'samples', 'zoo', `${name}.json`);
    const lowered = lowerKerasModel(readConvLensJson(readFileSync(path, 'utf8'), path), { seed: 2 });
    const onnx = lowered.graph.nodes.filter((n) => n.opType === 'LRN');
    assert.equal(onnx.length, lrns);
    for (const n of onnx) {
      assert.deepEqual([n.attributes.size, n.attributes.beta, n.attributes.bias], [5, 0.75, bias]);
      assert.ok(Math.abs((n.attributes.alpha as number) - alpha) < 1e-12, `alpha ${n.attributes.alpha}`);
    }
    const x = new Float32Array(size * size * 3).map((_, i) => Math.sin(i));
    const s = await ort.InferenceSession.create(encodeModel(lowered));
    const r = await s.run({ [lowered.graph.inputs[0].name]: new ort.Tensor('float32', x, [1, size, size, 3]) });
    for (const o of s.outputNames) {
      assert.deepEqual(r[o].dims, [1, 1000], o);
      assert.ok(Array.from(r[o].data as Float32Array).every(Number.isFinite), o);
    }
  });
}

/** A Keras 2 functional model as tf.keras's to_json() writes one: tf.nn.local_response_normalization
 * becomes a TFOpLambda with the op's arguments in the call's kwargs; a custom AlexNet-port layer
 * class LocalResponseNormalization carries them in its config. */
function kerasWithLrn(): string {
  const layer = (class_name: string, name: string, config: object, inbound: unknown[]) => ({ class_name, name, config: { name, ...config }, inbound_nodes: inbound.length ? [inbound] : [] });
  return JSON.stringify({
    class_name: 'Functional', keras_version: '2.15.0', backend: 'tensorflow',
    config: {
      name: 'alexnet_stem',
      layers: [
        layer('InputLayer', 'image', { batch_input_shape: [null, 227, 227, 3], dtype: 'float32' }, []),
        layer('Conv2D', 'conv1', { filters: 96, kernel_size: [11, 11], strides: [4, 4], padding: 'valid', activation: 'relu', use_bias: true }, [['image', 0, 0, {}]]),
        { class_name: 'TFOpLambda', name: 'tf.nn.local_response_normalization', config: { name: 'tf.nn.local_response_normalization', trainable: true, dtype: 'float32', function: 'nn.local_response_normalization' },
          inbound_nodes: [['conv1', 0, 0, { depth_radius: 2, bias: 2.0, alpha: 0.0001, beta: 0.75 }]] },
        layer('MaxPooling2D', 'pool1', { pool_size: [3, 3], strides: [2, 2], padding: 'valid' }, [['tf.nn.local_response_normalization', 0, 0, {}]]),
        layer('LocalResponseNormalization', 'norm2', { depth_radius: 2, bias: 2.0, alpha: 0.0001, beta: 0.75 }, [['pool1', 0, 0, {}]]),
      ],
      input_layers: [['image', 0, 0]],
      output_layers: [['norm2', 0, 0]],
    },
  });
}

test('Keras JSON: a TFOpLambda nn.local_response_normalization and an LRN custom class read as LRN with their arguments', () => {
  const model = readKerasJson(kerasWithLrn(), 'alexnet_stem.json');
  const lrns = model.graph.nodes.filter((n) => n.opType === 'LRN');
  assert.deepEqual(lrns.map((n) => n.name), ['tf.nn.local_response_normalization', 'norm2']);
  for (const n of lrns) assert.deepEqual([n.attributes.depth_radius, n.attributes.bias, n.attributes.alpha, n.attributes.beta], [2, 2, 0.0001, 0.75]);
  const a = analyze(model);
  assert.deepEqual(a.warnings, []);
  assert.deepEqual(a.tensors.get(model.graph.outputs[0].name)?.shape, ['N', 27, 27, 96]);
  assert.equal(a.totals.params, 11 * 11 * 3 * 96 + 96);
  const lowered = lowerKerasModel(model);
  assert.deepEqual(lowered.graph.nodes.filter((n) => n.opType === 'LRN').map((n) => n.attributes.size), [5, 5]);
});
