/** The model diff (src/diff): exact reports, written by hand, for the changes a reviewer meets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readModelBytes, readModelFile } from '../../src/formats/index';
import { analyze } from '../../src/analysis/analyze';
import { diffModels, type DiffSide } from '../../src/diff/diff';
import { diffText } from '../../src/diff/report';
import { encodeModel } from '../../src/formats/onnx/writer';
import { lowerKerasModel } from '../../src/lowering/lower';

const root = resolve(__dirname, '..', '..');
const zoo = (name: string) => JSON.parse(readFileSync(join(root, 'media/samples/zoo', name), 'utf8')) as { layers: Record<string, unknown>[] };

async function fromJson(obj: unknown, name = 'model'): Promise<DiffSide> {
  const model = await readModelBytes(new TextEncoder().encode(JSON.stringify(obj)), `/tmp/${name}.json`);
  return { model, analysis: analyze(model) };
}

async function fromOnnx(bytes: Uint8Array, name = 'model'): Promise<DiffSide> {
  const model = await readModelBytes(bytes, `/tmp/${name}.onnx`);
  return { model, analysis: analyze(model) };
}

/** conv1 → conv2 → flatten → fc on a 16×16×3 image: small enough to count by hand. */
const tiny = () => ({
  name: 'tiny',
  input: [16, 16, 3],
  layers: [
    { type: 'Conv2D', name: 'conv1', filters: 8, kernel_size: 3, padding: 'same' },
    { type: 'Conv2D', name: 'conv2', filters: 16, kernel_size: 3, strides: 2 },
    { type: 'Flatten', name: 'flat' },
    { type: 'Dense', name: 'fc', units: 10 },
  ] as Record<string, unknown>[],
});

test('a model against itself is equivalent, for every zoo model and an ONNX file', async () => {
  for (const name of ['lenet5.json', 'resnet50.json', 'googlenet.json']) {
    const a = await fromJson(zoo(name));
    const d = diffModels(a, await fromJson(zoo(name)));
    assert.equal(d.equivalent, true, name);
    assert.deepEqual([d.added.length, d.removed.length, d.changed.length, d.renamed.length], [0, 0, 0, 0], name);
  }
  const m = await readModelFile(join(root, 'media/samples/mnist_c_cxx.onnx'));
  const side = { model: m, analysis: analyze(m) };
  assert.equal(diffText(diffModels(side, side), 'a.onnx', 'b.onnx').split('\n')[0], 'a.onnx → b.onnx: equivalent: 9 layers match');
});

test('a re-export that renumbered every node (Conv_12 → Conv_13) is equivalent, with the renames listed', async () => {
  const m = await readModelFile(join(root, 'media/samples/mnist_c_cxx.onnx'));
  const renumbered = await readModelFile(join(root, 'media/samples/mnist_c_cxx.onnx'));
  for (const n of renumbered.graph.nodes) n.name = n.name.replace(/\d+/g, (k) => String(Number(k) + 1));
  const d = diffModels({ model: m, analysis: analyze(m) }, await fromOnnx(encodeModel(renumbered)));
  assert.equal(d.equivalent, true);
  assert.equal(d.changed.length + d.added.length + d.removed.length, 0);
  // 12 nodes: the weight Reshape is constant-only and the two Relus fold into the Add before them.
  assert.equal(d.renamed.length, 9);
  assert.deepEqual(d.renamed[0], { old: 'Convolution28', new: 'Convolution29' });
});

test("one conv's channels changed: that conv and its consumer change, with exact deltas", async () => {
  const after = tiny();
  after.layers[0].filters = 12;
  const d = diffModels(await fromJson(tiny()), await fromJson(after));
  // conv1: 3·3·3·12 + 12 = 336 params (was 224); 16·16·12·27 = 82,944 MACs (was 55,296).
  // conv2: 3·3·12·16 + 16 = 1,744 params (was 1,168); 7·7·16·108 = 84,672 MACs (was 56,448).
  assert.equal(diffText(d, 'old', 'new'), [
    'old → new: 2 changed; 2 unchanged',
    '~ conv1 (Conv2D): attributes filters=8, kernel_size=3, padding="same" → filters=12, kernel_size=3, padding="same"; output [N, 8, 16, 16] → [N, 12, 16, 16]; params 224 → 336 (+112); MACs 55,296 → 82,944 (+27,648)',
    '~ conv2 (Conv2D): params 1,168 → 1,744 (+576); MACs 56,448 → 84,672 (+28,224)',
    'Params: 9,242 → 9,930 (+688, +7.4%)',
    'MACs: 119,584 → 175,456 (+55,872, +46.7%)',
    // Outputs in float32: conv1 16·16·8 (→ 12), conv2 7·7·16, flat 784, fc 10: 14,504 → 18,600 bytes.
    'Activations (bytes): 14,504 → 18,600 (+4,096, +28.2%)',
    'Weights (bytes): 0 → 0 (unchanged)',
  ].join('\n'));
  assert.equal(d.equivalent, false);
  assert.deepEqual(d.marks.new, { [d.changed[0].new.id]: 'changed', [d.changed[1].new.id]: 'changed' });
});

test('a layer inserted is added, and nothing after it shifts', async () => {
  const after = tiny();
  after.layers.splice(1, 0, { type: 'Conv2D', name: 'conv1b', filters: 8, kernel_size: 1 });
  const d = diffModels(await fromJson(tiny()), await fromJson(after));
  // conv1b: 8·8 + 8 = 72 params; 16·16·8·8 = 16,384 MACs; its output 16·16·8 float32 = 8,192 bytes.
  assert.equal(diffText(d, 'old', 'new'), [
    'old → new: 1 added; 4 unchanged',
    '+ conv1b (Conv2D) [N, 8, 16, 16], 72 params',
    'Params: 9,242 → 9,314 (+72, +0.8%)',
    'MACs: 119,584 → 135,968 (+16,384, +13.7%)',
    'Activations (bytes): 14,504 → 22,696 (+8,192, +56.5%)',
    'Weights (bytes): 0 → 0 (unchanged)',
  ].join('\n'));
});

test('a residual block removed: its layers are removed and the rest is unchanged', async () => {
  const before = zoo('resnet18.json');
  const after = zoo('resnet18.json');
  after.layers = after.layers.filter((l) => !String(l.name).startsWith('layer1.1.'));
  const next = after.layers.find((l) => l.name === 'layer2.0.conv1') as Record<string, unknown>;
  const down = after.layers.find((l) => l.name === 'layer2.0.downsample.0') as Record<string, unknown>;
  assert.deepEqual([next.inputs, down.inputs], [['layer1.1.relu'], ['layer1.1.relu']]);
  next.inputs = ['layer1.0.relu'];
  down.inputs = ['layer1.0.relu'];
  const d = diffModels(await fromJson(before), await fromJson(after));
  // Seven layers; each ReLU is folded into the layer before it (as an ONNX export's Relu would be).
  assert.deepEqual(d.removed.map((l) => `${l.name} ${l.op}`), [
    'layer1.1.conv1 Conv2D', 'layer1.1.bn1 BatchNormalization', 'layer1.1.conv2 Conv2D', 'layer1.1.bn2 BatchNormalization', 'layer1.1.add Add',
  ]);
  assert.deepEqual([d.added.length, d.changed.length], [0, 0]);
  // Every later layer sees 16 pixels less: two 3×3 convs at jump 4 each took 2·(3 − 1)·4.
  assert.equal(d.receptiveFieldOnly.length, 36);
  assert.deepEqual(d.receptiveFieldOnly[0], { name: 'layer2.0.conv1', oldId: 'layer2.0.conv1', newId: 'layer2.0.conv1', before: '51×51', after: '35×35' });
  assert.ok(d.receptiveFieldOnly.every((r) => Number(r.before.split('×')[0]) - Number(r.after.split('×')[0]) === 16));
  // Two 3×3 64→64 convs without bias (2·36,864) and two BatchNorms' γ, β (2·128).
  assert.equal(d.totals.params.delta, -(2 * 36_864 + 2 * 128));
  // The convs: 2 · 56·56·64 · 3·3·64 = 231,211,008 MACs, plus what the BNs and the Add count.
  const bnAdd = [d.removed[1], d.removed[3], d.removed[4]].reduce((s, l) => s + (l.macs ?? 0), 0);
  assert.equal(d.totals.macs.delta, -(231_211_008 + bnAdd));
});

test('an ONNX export against the ConvLens JSON it came from: the same network, layout nodes left out', async () => {
  const json = await fromJson(zoo('lenet5.json'), 'lenet5');
  const onnx = await fromOnnx(encodeModel(lowerKerasModel(json.model)), 'lenet5');
  const d = diffModels(onnx, json);
  assert.equal(diffText(d, 'lenet5.onnx', 'lenet5.json'), [
    'lenet5.onnx → lenet5.json: equivalent: 8 layers match (8 renamed)',
    'formats differ: layers compared by kind, channels-first shapes; 2 layout-only nodes (Transpose, Identity, …) left out',
    'Params: 61,706 → 61,706 (unchanged)',
    'MACs: 416,520 → 416,520 (unchanged)',
    'Activations (bytes): 69,768 → 39,160 (−30,608, −43.9%)',
    'Weights (bytes): 246,824 → 0 (−246,824, −100.0%)',
  ].join('\n'));
  assert.equal(d.crossFormat, true);
});
