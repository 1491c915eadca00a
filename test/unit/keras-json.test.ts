/**
 * Keras model.to_json() in its three generations:
 * - Keras 1.x (the keras-js corpus in ../shared/models/keras-json): parsed, with published totals as
 *   oracles — Keras Applications' ResNet50 has 25,636,712 parameters and Xception 22,910,480
 *   (keras.io/api/applications table, model.count_params() of keras.applications), counting
 *   BatchNorm moving statistics as Keras does;
 * - Keras 2.x functional (inbound_nodes as [name, node, tensor, kwargs] lists), written here by hand;
 * - Keras 3.x (module/registered_name/build_config, inbound_nodes with args/keras_history).
 * Malformed inputs give a ModelError that says what and where; a 50 MB file neither crashes nor hangs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readModelFile } from '../../src/formats/index';
import { readKerasJson } from '../../src/formats/keras/read';
import { analyze } from '../../src/analysis/analyze';
import { ModelError } from '../../src/ir/types';
import { corpus } from '../helpers/corpus';

const outShape = (m: ReturnType<typeof readKerasJson>) => analyze(m).tensors.get(m.graph.outputs[0].name)?.shape;

test('Keras 1.x ResNet50 (keras-js): Convolution2D/Merge read as Conv2D/Add; totals equal keras.applications ResNet50', async () => {
  const m = await readModelFile(corpus('keras-json', 'resnet50.json'));
  assert.equal(m.format, 'keras');
  assert.ok(m.readWarnings.some((w) => /Keras 1\.1\.0/.test(w)));
  const a = analyze(m);
  assert.deepEqual(a.warnings.filter((w) => w.kind !== 'unused-pixels' && w.kind !== 'read'), []);
  assert.equal(a.totals.params + (a.totals.buffers ?? 0), 25_636_712);
  assert.deepEqual(a.tensors.get(m.graph.outputs[0].name)?.shape, ['N', 1000]);
  assert.equal(m.graph.nodes.filter((n) => n.opType === 'Add').length, 16);
  assert.ok(m.graph.nodes.every((n) => n.source), 'every layer keeps its JSON range');
});

test('Keras 1.x Xception: SeparableConvolution2D read; totals equal keras.applications Xception (22,910,480)', async () => {
  const m = await readModelFile(corpus('keras-json', 'xception.json'));
  const a = analyze(m);
  assert.deepEqual(a.warnings.filter((w) => w.kind !== 'unused-pixels' && w.kind !== 'read'), []);
  assert.equal(a.totals.params + (a.totals.buffers ?? 0), 22_910_480);
});

test('Keras 1.x Inception v3 and the MNIST CNN: shapes inferred end to end', async () => {
  const inc = await readModelFile(corpus('keras-json', 'inception_v3.json'));
  const a = analyze(inc);
  assert.deepEqual(a.warnings.filter((w) => w.kind !== 'unused-pixels' && w.kind !== 'read'), []);
  assert.deepEqual(a.tensors.get(inc.graph.outputs[0].name)?.shape, ['N', 1000]);
  assert.deepEqual(a.tensors.get('mixed10')?.shape, ['N', 8, 8, 2048]);
  const mnist = readKerasJson(readFileSync(corpus('keras-json', 'mnist_cnn.json'), 'utf8'));
  assert.deepEqual(outShape(mnist), ['N', 10]);
  // Keras's own mnist_cnn example: 600,810 parameters (3·3·32+32, 3·3·32·32+32, 4608·128+128, 128·10+10).
  assert.equal(analyze(mnist).totals.params, 320 + 9_248 + 589_952 + 1_290);
});

test('Keras 1.x configs: Convolution3D kernel_dim1..3, MaxPooling1D pool_length/stride, UpSampling1D length', () => {
  const seq = (layers: object[]) => JSON.stringify({ keras_version: '1.2.2', class_name: 'Sequential', config: layers });
  const conv3d = readKerasJson(seq([
    { class_name: 'Convolution3D', config: { name: 'c3', batch_input_shape: [null, 8, 8, 8, 1], nb_filter: 2, kernel_dim1: 3, kernel_dim2: 3, kernel_dim3: 3, subsample: [1, 1, 1], border_mode: 'valid', dim_ordering: 'tf', bias: true } },
  ]));
  assert.deepEqual(outShape(conv3d), ['N', 6, 6, 6, 2]);
  assert.equal(analyze(conv3d).totals.params, 3 * 3 * 3 * 1 * 2 + 2);
  const pool1d = readKerasJson(seq([
    { class_name: 'Convolution1D', config: { name: 'c1', batch_input_shape: [null, 10, 4], nb_filter: 2, filter_length: 3, subsample_length: 1, border_mode: 'valid', bias: true } },
    { class_name: 'MaxPooling1D', config: { name: 'p1', pool_length: 3, stride: 1, border_mode: 'valid' } },
    { class_name: 'UpSampling1D', config: { name: 'u1', length: 2 } },
  ]));
  const a = analyze(pool1d);
  assert.deepEqual(a.tensors.get('p1')?.shape, ['N', 6, 2]);
  assert.deepEqual(a.tensors.get('u1')?.shape, ['N', 12, 2]);
});

const keras2 = {
  class_name: 'Functional', keras_version: '2.15.0', backend: 'tensorflow',
  config: {
    name: 'k2', input_layers: [['img', 0, 0]], output_layers: [['out', 0, 0]],
    layers: [
      { class_name: 'InputLayer', name: 'img', config: { batch_input_shape: [null, 28, 28, 1], dtype: 'float32', name: 'img' }, inbound_nodes: [] },
      { class_name: 'Conv2D', name: 'c', config: { name: 'c', filters: 4, kernel_size: [3, 3], strides: [1, 1], padding: 'same', use_bias: true }, inbound_nodes: [[['img', 0, 0, {}]]] },
      { class_name: 'Conv2D', name: 'c2', config: { name: 'c2', filters: 4, kernel_size: [1, 1], padding: 'valid' }, inbound_nodes: [[['c', 0, 0, {}]]] },
      { class_name: 'Add', name: 'add', config: { name: 'add' }, inbound_nodes: [[['c', 0, 0, {}], ['c2', 0, 0, {}]]] },
      { class_name: 'GlobalAveragePooling2D', name: 'gap', config: { name: 'gap' }, inbound_nodes: [[['add', 0, 0, {}]]] },
      { class_name: 'Dense', name: 'out', config: { name: 'out', units: 10 }, inbound_nodes: [[['gap', 0, 0, {}]]] },
    ],
  },
};

test('Keras 2.x functional JSON: inbound_nodes lists, Add skip, shapes and params', () => {
  const m = readKerasJson(JSON.stringify(keras2));
  assert.deepEqual(m.graph.nodes.find((n) => n.name === 'add')?.inputs, ['c', 'c2']);
  const a = analyze(m);
  assert.deepEqual(a.tensors.get('add')?.shape, ['N', 28, 28, 4]);
  assert.equal(a.totals.params, 40 + 20 + 50);
});

test('Keras 3.x JSON: module/registered_name/build_config, args with __keras_tensor__ keras_history, nested Sequential', () => {
  const kt = (layer: string, shape: (number | null)[]) => ({ class_name: '__keras_tensor__', config: { shape, dtype: 'float32', keras_history: [layer, 0, 0] } });
  const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
  const k3 = {
    module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional',
    config: {
      name: 'k3', trainable: true,
      layers: [
        { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 16, 16, 3], dtype: 'float32', sparse: false, name: 'x' }, registered_name: null, name: 'x', inbound_nodes: [] },
        { module: 'keras.layers', class_name: 'Conv2D', config: { name: 'conv', dtype: policy, filters: 6, kernel_size: [3, 3], strides: [2, 2], padding: 'valid', activation: 'relu', use_bias: true }, registered_name: null, build_config: { input_shape: [null, 16, 16, 3] }, name: 'conv', inbound_nodes: [{ args: [kt('x', [null, 16, 16, 3])], kwargs: {} }] },
        { module: 'keras.layers', class_name: 'Conv2D', config: { name: 'side', dtype: policy, filters: 6, kernel_size: [3, 3], strides: [2, 2], padding: 'valid' }, registered_name: null, name: 'side', inbound_nodes: [{ args: [kt('x', [null, 16, 16, 3])], kwargs: {} }] },
        { module: 'keras.layers', class_name: 'Concatenate', config: { name: 'cat', axis: -1 }, registered_name: null, name: 'cat', inbound_nodes: [{ args: [[kt('conv', [null, 7, 7, 6]), kt('side', [null, 7, 7, 6])]], kwargs: {} }] },
        {
          module: 'keras', class_name: 'Sequential', registered_name: null, name: 'head',
          config: { name: 'head', layers: [
            { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 7, 7, 12], name: 'head_in' } },
            { module: 'keras.layers', class_name: 'Flatten', config: { name: 'flat' } },
            { module: 'keras.layers', class_name: 'Dense', config: { name: 'fc', units: 5 } },
          ] },
          inbound_nodes: [{ args: [kt('cat', [null, 7, 7, 12])], kwargs: {} }],
        },
      ],
      input_layers: ['x', 0, 0],
      output_layers: ['head', 0, 0],
    },
  };
  const m = readKerasJson(JSON.stringify(k3));
  const fc = m.graph.nodes.find((n) => n.name === 'fc')!;
  assert.deepEqual(fc.scope, ['head']);
  assert.equal(m.graph.nodes.find((n) => n.name === 'conv')!.attributes.dtype, 'float32');
  const a = analyze(m);
  // 16 − 3 = 13 is odd, so the stride-2 convolutions never read the last row and column: a true lint, one warning per layer.
  assert.deepEqual(a.warnings.map((w) => w.kind), ['unused-pixels', 'unused-pixels']);
  assert.deepEqual(a.tensors.get('cat')?.shape, ['N', 7, 7, 12]);
  assert.deepEqual(outShape(m), ['N', 5]);
  assert.equal(a.totals.params, 2 * (3 * 3 * 3 * 6 + 6) + 588 * 5 + 5);
});

test('malformed Keras JSON: a clear ModelError naming what and where', () => {
  const bad = (text: string, re: RegExp) =>
    assert.throws(() => readKerasJson(text, 'model.json'), (e: unknown) => e instanceof ModelError && re.test(e.message), text.slice(0, 60));
  bad('{"class_name": "Sequential", "config": [', /line 1, column \d+.*not valid JSON|not valid JSON/);
  bad('{"class_name": "Functional", "config": {"layers": 5}}', /config\.layers should be a list/);
  bad('[1, 2]', /should be a JSON object/);
  const cyc = structuredClone(keras2);
  cyc.config.layers[1].inbound_nodes = [[['c2', 0, 0, {}]]];
  bad(JSON.stringify(cyc), /cycle/);
  const missing = structuredClone(keras2);
  missing.config.output_layers = [['nowhere', 0, 0]];
  bad(JSON.stringify(missing), /output_layers refers to layer 'nowhere'/);
  bad(JSON.stringify({ class_name: 'Sequential', config: { layers: [{ config: {} }] } }), /without class_name/);
});

test('a 50 MB Keras JSON: read in bounded time, or refused with a message — never a crash or hang', () => {
  // A Sequential stack of 120,000 Dense layers with long padding names: ~50 MB of real JSON.
  const pad = 'x'.repeat(360);
  const layers = Array.from({ length: 120_000 }, (_, i) => `{"class_name":"Dense","config":{"name":"d${i}_${pad}","units":4${i === 0 ? ',"batch_input_shape":[null,4]' : ''}}}`);
  const text = `{"class_name":"Sequential","config":{"name":"big","layers":[${layers.join(',')}]}}`;
  assert.ok(text.length > 50e6);
  const t0 = performance.now();
  const m = readKerasJson(text, 'big.json');
  assert.equal(m.graph.nodes.length, 120_000);
  assert.ok(performance.now() - t0 < 30_000);
  // Deeply nested garbage of the same size is a message, not a stack overflow.
  assert.throws(() => readKerasJson('['.repeat(5_000_000), 'deep.json'), ModelError);
});
