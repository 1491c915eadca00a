/**
 * The classic-CNN zoo (media/samples/zoo, ConvLens JSON). Oracles:
 * - torchvision's published figures for the ImageNet models: `num_params` and `_ops` (GFLOPS column,
 *   multiply-accumulates) in the weight metadata of torchvision/models/resnet.py, vgg.py, googlenet.py,
 *   mobilenetv2.py (the same numbers pytorch.org/vision/stable/models shows per model page).
 *   torchvision counts nn.Parameters only: BatchNorm running statistics are buffers, as here.
 * - for LeNet-5 and AlexNet, which follow our study notes' layer tables (/work/shared/seeds), the
 *   counts are derived by hand below from those tables, layer by layer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConvLensJson } from '../../src/formats/convlens-json/read';
import { analyze } from '../../src/analysis/analyze';
import type { Analysis } from '../../src/analysis/types';
import type { Model } from '../../src/ir/types';

const zoo = join(__dirname, '..', '..', 'media', 'samples', 'zoo');

function load(name: string): { model: Model; a: Analysis } {
  const path = join(zoo, `${name}.json`);
  const model = readConvLensJson(readFileSync(path, 'utf8'), path);
  return { model, a: analyze(model) };
}

function shapeOf(a: Analysis, node: string): unknown {
  return a.tensors.get(a.nodeById.get(node)!.outputs[0])?.shape;
}

const torchvision: { file: string; params: number; gmacs: number; source: string }[] = [
  { file: 'resnet18', params: 11_689_512, gmacs: 1.814, source: 'torchvision resnet.py ResNet18_Weights.IMAGENET1K_V1: num_params 11689512, _ops 1.814' },
  { file: 'resnet50', params: 25_557_032, gmacs: 4.089, source: 'torchvision resnet.py ResNet50_Weights.IMAGENET1K_V1: num_params 25557032, _ops 4.089' },
  { file: 'vgg16', params: 138_357_544, gmacs: 15.47, source: 'torchvision vgg.py VGG16_Weights.IMAGENET1K_V1: num_params 138357544, _ops 15.47' },
  { file: 'googlenet', params: 6_624_904, gmacs: 1.498, source: 'torchvision googlenet.py GoogLeNet_Weights.IMAGENET1K_V1: num_params 6624904, _ops 1.498' },
  { file: 'mobilenetv2', params: 3_504_872, gmacs: 0.301, source: 'torchvision mobilenetv2.py MobileNet_V2_Weights.IMAGENET1K_V1: num_params 3504872, _ops 0.301' },
];

for (const t of torchvision) {
  test(`zoo ${t.file}: parameters equal torchvision's count, MACs within 1% (${t.source})`, () => {
    const { model, a } = load(t.file);
    assert.equal(a.warnings.filter((w) => w.kind !== 'unused-pixels').length, 0, JSON.stringify(a.warnings));
    assert.equal(a.totals.params, t.params);
    const rel = Math.abs(a.totals.macs / 1e9 - t.gmacs) / t.gmacs;
    assert.ok(rel < 0.01, `MACs ${(a.totals.macs / 1e9).toFixed(4)} G vs published ${t.gmacs} G (${(rel * 100).toFixed(2)}% off)`);
    assert.deepEqual(a.tensors.get(model.graph.outputs[0].name)?.shape, ['N', 1000]);
  });
}

test('zoo resnet50: stage shapes are those of torchvision (56, 28, 14, 7 with 256..2048 channels)', () => {
  const { a } = load('resnet50');
  assert.deepEqual(shapeOf(a, 'maxpool'), ['N', 56, 56, 64]);
  assert.deepEqual(shapeOf(a, 'layer1.2.relu'), ['N', 56, 56, 256]);
  assert.deepEqual(shapeOf(a, 'layer2.3.relu'), ['N', 28, 28, 512]);
  assert.deepEqual(shapeOf(a, 'layer3.5.relu'), ['N', 14, 14, 1024]);
  assert.deepEqual(shapeOf(a, 'layer4.2.relu'), ['N', 7, 7, 2048]);
});

test('zoo googlenet: inception output channels are 256, 480, 512, 512, 512, 528, 832, 832, 1024', () => {
  const { a } = load('googlenet');
  const names = ['3a', '3b', '4a', '4b', '4c', '4d', '4e', '5a', '5b'];
  const channels = names.map((n) => (shapeOf(a, `inception${n}`) as number[])[3]);
  assert.deepEqual(channels, [256, 480, 512, 512, 512, 528, 832, 832, 1024]);
  assert.deepEqual(shapeOf(a, 'maxpool4'), ['N', 7, 7, 832]);
});

test('zoo lenet5: the seed table (32×32×1, C1 6@28×28 ... C5 120@1×1), params and MACs derived by hand', () => {
  const { a } = load('lenet5');
  assert.deepEqual(shapeOf(a, 'C1'), ['N', 28, 28, 6]);
  assert.deepEqual(shapeOf(a, 'S2'), ['N', 14, 14, 6]);
  assert.deepEqual(shapeOf(a, 'C3'), ['N', 10, 10, 16]);
  assert.deepEqual(shapeOf(a, 'S4'), ['N', 5, 5, 16]);
  assert.deepEqual(shapeOf(a, 'C5'), ['N', 1, 1, 120]);
  assert.deepEqual(shapeOf(a, 'F6'), ['N', 84]);
  assert.deepEqual(shapeOf(a, 'output'), ['N', 10]);
  // params: C1 5·5·1·6+6 = 156; C3 5·5·6·16+16 = 2,416; C5 5·5·16·120+120 = 48,120;
  //         F6 120·84+84 = 10,164; output 84·10+10 = 850
  assert.equal(a.totals.params, 156 + 2_416 + 48_120 + 10_164 + 850);
  assert.equal(a.totals.params, 61_706);
  // MACs: C1 28·28·6·25 = 117,600; C3 10·10·16·150 = 240,000; C5 120·400 = 48,000; F6 120·84 = 10,080; out 840
  assert.equal(a.totals.macs, 117_600 + 240_000 + 48_000 + 10_080 + 840);
  // Receptive field: C1 5, S2 6, C3 6+4·2 = 14, S4 16, C5 16+4·4 = 32 — a C5 unit sees the whole image.
  const rf = (n: string) => a.tensors.get(a.nodeById.get(n)!.outputs[0])?.receptiveField;
  assert.deepEqual(rf('C1'), [5, 5]);
  assert.deepEqual(rf('S2'), [6, 6]);
  assert.deepEqual(rf('C3'), [14, 14]);
  assert.deepEqual(rf('C5'), [32, 32]);
});

test('zoo alexnet: the paper\'s two towers with LRN (Krizhevsky et al. 2012, Fig. 2), params and MACs derived by hand', () => {
  const { model, a } = load('alexnet');
  assert.equal(a.warnings.length, 0, JSON.stringify(a.warnings));
  for (const g of ['gpu1', 'gpu2']) {
    assert.deepEqual(shapeOf(a, `C1_${g}`), ['N', 55, 55, 48]);
    assert.deepEqual(shapeOf(a, `LRN1_${g}`), ['N', 55, 55, 48]);
    assert.deepEqual(shapeOf(a, `S2_${g}`), ['N', 27, 27, 48]);
    assert.deepEqual(shapeOf(a, `C3_${g}`), ['N', 27, 27, 128]);
    assert.deepEqual(shapeOf(a, `S4_${g}`), ['N', 13, 13, 128]);
    assert.deepEqual(shapeOf(a, `C5_${g}`), ['N', 13, 13, 192]);
    assert.deepEqual(shapeOf(a, `C7_${g}`), ['N', 13, 13, 128]);
    assert.deepEqual(shapeOf(a, `S8_${g}`), ['N', 6, 6, 128]);
  }
  // The towers meet where the paper's kernels read both GPUs: before C5 and before the dense layers.
  assert.deepEqual(shapeOf(a, 'S4'), ['N', 13, 13, 256]);
  assert.deepEqual(a.nodeById.get('C5_gpu2')!.inputs, a.nodeById.get('S4')!.outputs);
  assert.deepEqual(shapeOf(a, 'flatten'), ['N', 9216]);
  // LRN follows the first two convolutions and has no parameters.
  assert.deepEqual(model.graph.nodes.filter((n) => n.opType === 'LRN').map((n) => n.name), ['LRN1_gpu1', 'LRN2_gpu1', 'LRN1_gpu2', 'LRN2_gpu2']);
  // params (each conv split in two halves of equal size; C3, C6, C7 see only their own GPU's channels):
  // C1 2·(11·11·3·48+48) = 34,944; C3 2·(5·5·48·128+128) = 307,456; C5 2·(3·3·256·192+192) = 885,120;
  // C6 2·(3·3·192·192+192) = 663,936; C7 2·(3·3·192·128+128) = 442,624; F9 9216·4096+4096 = 37,752,832;
  // F10 4096·4096+4096 = 16,781,312; output 4096·1000+1000 = 4,097,000 — the 60,965,224 of the paper's
  // grouped network (BVLC's reference AlexNet gives the same figure).
  const params = 2 * (11 * 11 * 3 * 48 + 48) + 2 * (5 * 5 * 48 * 128 + 128) + 2 * (3 * 3 * 256 * 192 + 192) +
    2 * (3 * 3 * 192 * 192 + 192) + 2 * (3 * 3 * 192 * 128 + 128) + (9216 * 4096 + 4096) + (4096 * 4096 + 4096) + (4096 * 1000 + 1000);
  assert.equal(params, 60_965_224);
  assert.equal(a.totals.params, params);
  // MACs: out pixels · filters · k·k·C_in per tower, twice; dense 9216·4096 + 4096² + 4096·1000
  const macs = 2 * (55 * 55 * 48 * 363 + 27 * 27 * 128 * 1200 + 169 * 192 * 2304 + 169 * 192 * 1728 + 169 * 128 * 1728) +
    9216 * 4096 + 4096 * 4096 + 4096 * 1000;
  assert.equal(a.totals.macs, macs);
  // Receptive field after S8: 11 → 19 → 51 → 67 → 99 → 131 → 163 → 195 (the well-known 195 px); LRN keeps it.
  assert.deepEqual(a.tensors.get(a.nodeById.get('LRN1_gpu1')!.outputs[0])?.receptiveField, [11, 11]);
  assert.deepEqual(a.tensors.get(a.nodeById.get('S8')!.outputs[0])?.receptiveField, [195, 195]);
});

test('zoo googlenet-paper: Szegedy et al. 2014 (Table 1, Fig. 3) with its 5×5 branches and auxiliary classifiers, params derived from the table', () => {
  const { model, a } = load('googlenet-paper');
  assert.equal(a.warnings.length, 0, JSON.stringify(a.warnings));
  // Table 1 per module: #1×1, #3×3 reduce, #3×3, #5×5 reduce, #5×5, pool proj; input channels from the previous row.
  const table: [string, number, number[]][] = [
    ['3a', 192, [64, 96, 128, 16, 32, 32]], ['3b', 256, [128, 128, 192, 32, 96, 64]],
    ['4a', 480, [192, 96, 208, 16, 48, 64]], ['4b', 512, [160, 112, 224, 24, 64, 64]], ['4c', 512, [128, 128, 256, 24, 64, 64]],
    ['4d', 512, [112, 144, 288, 32, 64, 64]], ['4e', 528, [256, 160, 320, 32, 128, 128]],
    ['5a', 832, [256, 160, 320, 32, 128, 128]], ['5b', 832, [384, 192, 384, 48, 128, 128]],
  ];
  const conv = (k: number, cin: number, cout: number) => k * k * cin * cout + cout; // every convolution has a bias
  const dense = (i: number, o: number) => i * o + o;
  let params = conv(7, 3, 64) + conv(1, 64, 64) + conv(3, 64, 192); // conv1, conv2 reduce, conv2
  for (const [name, cin, [a1, r3, c3, r5, c5, pp]] of table) {
    const module = conv(1, cin, a1) + conv(1, cin, r3) + conv(3, r3, c3) + conv(1, cin, r5) + conv(5, r5, c5) + conv(1, cin, pp);
    params += module;
    assert.deepEqual((shapeOf(a, `inception${name}`) as number[]).slice(3), [a1 + c3 + c5 + pp], name);
    assert.equal(a.nodeById.get(`inception${name}.5x5`)?.attributes.kernel_size, 5, `${name}: a true 5×5 branch`);
  }
  params += dense(1024, 1000); // the classifier after the 7×7 average pool and 40% dropout
  assert.equal(params, 6_998_552);
  // Each auxiliary classifier (section 5): 5×5/3 average pool → 4×4, 1×1 conv 128, 1024 dense, 1000-way softmax.
  const aux = (cin: number) => conv(1, cin, 128) + dense(4 * 4 * 128, 1024) + dense(1024, 1000);
  assert.equal(a.totals.params, params + aux(512) + aux(528));
  assert.equal(a.totals.params, 13_378_280);
  assert.deepEqual(shapeOf(a, 'aux1.avgpool'), ['N', 4, 4, 512]);
  assert.deepEqual(shapeOf(a, 'aux2.avgpool'), ['N', 4, 4, 528]);
  assert.deepEqual(model.graph.outputs.map((o) => a.tensors.get(o.name)?.shape), [['N', 1000], ['N', 1000], ['N', 1000]]);
  // Stem: 224 → 112 → 56 (LRN) → 56 → 28; the paper's "1.5 billion multiply-adds", within 10%.
  assert.deepEqual(shapeOf(a, 'norm1'), ['N', 56, 56, 64]);
  assert.deepEqual(shapeOf(a, 'pool2'), ['N', 28, 28, 192]);
  assert.deepEqual(shapeOf(a, 'avgpool'), ['N', 1, 1, 1024]);
  assert.ok(Math.abs(a.totals.macs! / 1.5e9 - 1) < 0.1, `MACs ${a.totals.macs}`);
});
