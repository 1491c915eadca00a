/**
 * Keras-domain IR -> ONNX: models built and saved with @tensorflow/tfjs are read, lowered, written by
 * encodeModel and run in ONNX Runtime; the outputs must equal tfjs's own predict() within 1e-4.
 * Models without saved weights (ConvLens JSON zoo, Keras 1 JSON) run with generated weights, flagged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { readModelFile } from '../../src/formats/index';
import { readConvLensJson } from '../../src/formats/convlens-json/read';
import { encodeModel } from '../../src/formats/onnx/writer';
import { lowerKerasModel } from '../../src/lowering/lower';
import { functionalCnn, saveTfjs, sequentialCnn, tf } from './tfjs-fixtures';
import { corpus } from '../helpers/corpus';

async function run(bytes: Uint8Array, input: string, data: Float32Array, shape: number[]): Promise<ort.Tensor> {
  const s = await ort.InferenceSession.create(bytes);
  const r = await s.run({ [input]: new ort.Tensor('float32', data, shape) });
  return r[s.outputNames[0]];
}

for (const [label, make] of [['Sequential CNN', sequentialCnn], ['functional CNN', functionalCnn]] as const) {
  test(`lowering ${label}: ONNX Runtime output equals tfjs predict within 1e-4`, async () => {
    const m = make();
    const path = await saveTfjs(m);
    const lowered = lowerKerasModel(await readModelFile(path));
    assert.equal(lowered.metadata['convlens.generatedWeights'], undefined, 'the saved weights are used');
    const shape = [3, ...(m.inputs[0].shape.slice(1) as number[])];
    const x = tf.randomNormal(shape, 0, 1, 'float32', 11);
    const want = (m.predict(x) as tf.Tensor).dataSync();
    const got = await run(encodeModel(lowered), lowered.graph.inputs[0].name, x.dataSync() as Float32Array, shape);
    assert.deepEqual(got.dims, (m.predict(x) as tf.Tensor).shape);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - (got.data as Float32Array)[i]));
    assert.ok(worst < 1e-4, `largest difference ${worst}`);
    assert.ok(Math.max(...Array.from(want, Math.abs)) > 1e-3, 'the outputs are not trivially zero');
    rmSync(dirname(path), { recursive: true, force: true });
  });
}

test('lowering the zoo: ResNet-18 and GoogLeNet run in ONNX Runtime with generated (flagged, seeded) weights', async () => {
  for (const name of ['resnet18', 'googlenet', 'mobilenetv2']) {
    const path = join(__dirname, '..', '..', 'media', 'samples', 'zoo', `${name}.json`);
    const model = readConvLensJson(readFileSync(path, 'utf8'), path);
    const lowered = lowerKerasModel(model, { seed: 3 });
    assert.match(lowered.metadata['convlens.generatedWeights'] ?? '', /He-normal, seed 3/);
    assert.ok(lowered.readWarnings.some((w) => /generated He-normal/.test(w)));
    const x = new Float32Array(224 * 224 * 3).map((_, i) => Math.sin(i));
    const bytes = encodeModel(lowered);
    const a = await run(bytes, 'input', x, [1, 224, 224, 3]);
    assert.deepEqual(a.dims, [1, 1000], name);
    assert.ok(Array.from(a.data as Float32Array).every(Number.isFinite), `${name}: finite outputs`);
    const again = await run(encodeModel(lowerKerasModel(model, { seed: 3 })), 'input', x, [1, 224, 224, 3]);
    assert.deepEqual(Array.from(again.data as Float32Array), Array.from(a.data as Float32Array), `${name}: the same seed gives the same weights`);
  }
});

test('lowering a Keras 1 JSON (keras-js mnist_cnn.json) runs with generated weights', async () => {
  const model = await readModelFile(corpus('keras-json', 'mnist_cnn.json'));
  const lowered = lowerKerasModel(model);
  const out = await run(encodeModel(lowered), lowered.graph.inputs[0].name, new Float32Array(28 * 28).fill(0.5), [1, 28, 28, 1]);
  assert.deepEqual(out.dims, [1, 10]);
  const sum = Array.from(out.data as Float32Array).reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(sum - 1) < 1e-5, `the final softmax sums to 1 (got ${sum})`);
});
