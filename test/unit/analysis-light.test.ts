/**
 * Full networks from the ONNX model zoo whose weights are built at run time by ConstantOfShape
 * (onnx-backend/light). Oracles: the expected output tensors ONNX ships beside them, and
 * parameter counts published by others for the same topologies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readModelFile } from '../../src/formats/index';
import { analyze } from '../../src/analysis/analyze';
import { corpus } from '../helpers/corpus';
import { pbDims } from '../helpers/tensorPb';

const dir = corpus('onnx-backend', 'light');

for (const file of readdirSync(dir).filter((f) => f.endsWith('.onnx')).sort()) {
  test(`${file}: inferred output shape equals ${file.replace('.onnx', '_output_0.pb')}`, async () => {
    const model = await readModelFile(join(dir, file));
    const a = analyze(model, { useDeclaredShapes: false });
    assert.deepEqual(a.warnings.filter((w) => w.kind === 'cannot-infer' || w.kind === 'shape-mismatch'), []);
    const out = model.graph.outputs[0].name;
    assert.deepEqual(a.tensors.get(out)?.shape, pbDims(join(dir, file.replace('.onnx', '_output_0.pb'))));
  });
}

/**
 * Published learned-parameter counts (BatchNorm running statistics excluded, as in PyTorch's
 * parameters()):
 * - torchvision model docs, "num_params" of each weights enum (pytorch.org/vision/stable/models):
 *   vgg19 143,667,240; resnet50 25,557,032; squeezenet1_1 1,235,496; densenet121 8,062,504.
 *   The zoo's caffe2 SqueezeNet is v1.1 (squeezenet1_0 would be 1,248,424) and its ResNet-50 is v1
 *   (stride on the 1×1 conv), which has the same count as torchvision's v1.5.
 * - BVLC AlexNet (Caffe, grouped conv2/4/5): 60,965,224, the figure given for bvlc_alexnet.
 * Running statistics: Keras applications' model.summary() lists them as non-trainable params:
 *   ResNet50 53,120; DenseNet121 83,648.
 * Inception v1/v2, ZFNet-512 and ShuffleNet have no published count for these exact caffe2 graphs
 * that we could cite, so they are checked by the shape oracles above and by the runtime test only.
 */
const PUBLISHED: Record<string, { params: number; buffers?: number }> = {
  'light_bvlc_alexnet.onnx': { params: 60_965_224 },
  'light_vgg19.onnx': { params: 143_667_240 },
  'light_resnet50.onnx': { params: 25_557_032, buffers: 53_120 },
  'light_squeezenet.onnx': { params: 1_235_496 },
  'light_densenet121.onnx': { params: 8_062_504, buffers: 83_648 },
};

for (const [file, want] of Object.entries(PUBLISHED)) {
  test(`${file}: total params equal the published count ${want.params.toLocaleString('en')}`, async () => {
    const a = analyze(await readModelFile(join(dir, file)));
    assert.equal(a.totals.params, want.params);
    if (want.buffers !== undefined) assert.equal(a.totals.buffers, want.buffers);
  });
}

test('light_resnet50: MACs match the published 4.09 GMACs (torchvision resnet50 "GFLOPS 4.09")', async () => {
  const a = analyze(await readModelFile(join(dir, 'light_resnet50.onnx')));
  assert.ok(Math.abs(a.totals.macs / 1e9 - 4.09) < 0.01, `${a.totals.macs}`);
  // conv1: 7×7 /2 on 224² with pads 3 reaches 7 pixels, jump 2; the final 7×7 map is 32 apart.
  const conv1 = a.order.map((id) => a.nodeById.get(id)).find((n) => n?.opType === 'Conv');
  assert.deepEqual(a.tensors.get(conv1?.outputs[0] ?? '')?.receptiveField, [7, 7]);
  assert.deepEqual(a.tensors.get(conv1?.outputs[0] ?? '')?.stride, [2, 2]);
});

test('light_resnet50: output-size formulas of convs and pools are written out when read (lazily), with the node\'s numbers', async () => {
  const a = analyze(await readModelFile(join(dir, 'light_resnet50.onnx')));
  const first = (op: string) => a.order.map((id) => a.nodeById.get(id)).find((n) => n?.opType === op);
  const conv1 = a.nodes.get(first('Conv')?.id ?? '');
  // 223/2 is not whole: the floor brackets say so (the division is the notes' integer division).
  assert.deepEqual(conv1?.formulas, ['H: ⌊(224 + 2·3 − 7)/2⌋ + 1 = 112', 'W: ⌊(224 + 2·3 − 7)/2⌋ + 1 = 112']);
  assert.deepEqual(a.nodes.get(first('MaxPool')?.id ?? '')?.formulas?.[0], 'H: ⌊(112 + 2·1 − 3)/2⌋ + 1 = 56');
  assert.deepEqual(conv1?.window?.axes[0], {
    axis: 'H', in: 224, kernel: 7, stride: 2, dilation: 1, padBegin: 3, padEnd: 3, ceil: false, out: 112,
    formula: 'H: ⌊(224 + 2·3 − 7)/2⌋ + 1 = 112',
  });
  // Serialised figures carry them too (JSON reads the getter).
  assert.deepEqual(JSON.parse(JSON.stringify(conv1)).formulas, conv1?.formulas);
  assert.equal(a.nodes.get(first('Relu')?.id ?? '')?.formulas, undefined);
  assert.equal(a.nodes.get(first('Relu')?.id ?? '')?.window, undefined);
});
