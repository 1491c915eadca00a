/**
 * Step mode follows the source model: a Keras or ConvLens JSON model steps over its own layers (names as
 * the JSON writes them, none of the lowering's Transposes/Identities), starts at a chosen layer, explains
 * Dropout with a seeded sample mask, and shows top-k only at a classifier's output.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../src/runtime/engine';
import { defaultAccess } from '../../src/runtime/access';
import { isClassifierOutput } from '../../src/runtime/classify';
import { dropoutMask } from '../../src/runtime/dropout';
import type { RunSpec, StepView } from '../../src/runtime/types';
import { corpus } from '../helpers/corpus';

const engine = new Engine(defaultAccess);
after(() => engine.dispose());
const zoo = (f: string) => join(__dirname, '..', '..', 'media', 'samples', 'zoo', f);
const spec = (modelPath: string): RunSpec => ({ modelPath, providers: ['cpu'], memoryBudgetMB: 1024, picture: { kind: 'pattern', pattern: 'digit' }, dims: { N: 1, batch: 1, batch_size: 1 } });

async function allSteps(): Promise<StepView[]> {
  const first = await engine.step(0);
  const out = [first];
  for (let i = 1; i < first.count; i++) out.push(await engine.step(i));
  return out;
}

const HELPERS = /^(Transpose|Identity|Reshape|Squeeze|Unsqueeze)$/;

test('a ConvLens JSON model (LeNet-5) steps over its own layers, names and types as in the JSON', async () => {
  const json = JSON.parse(readFileSync(zoo('lenet5.json'), 'utf8')) as { layers: { type: string; name: string }[] };
  await engine.run(spec(zoo('lenet5.json')));
  const steps = await allSteps();
  assert.deepEqual(steps.map((s) => s.name), json.layers.map((l) => l.name));
  assert.deepEqual(steps.map((s) => s.opType), json.layers.map((l) => l.type));
  assert.ok(steps.every((s) => !HELPERS.test(s.opType)));
  // Each step shows the layer's own output: C5 is 120 channels of 1×1, as the source lays it out.
  const c5 = steps.find((s) => s.name === 'C5')!;
  assert.deepEqual(c5.outputs[0].shape, [1, 1, 1, 120]);
  assert.equal(c5.outputs[0].grid.channels, 120);
  // Top-k at the output only (10 logits), not at F6's 84 features.
  assert.equal(steps[steps.length - 1].top?.length, 5);
  assert.ok(steps.slice(0, -1).every((s) => s.top === undefined));
});

test('Step starts at the chosen layer, by its source id or by an ONNX node it became', async () => {
  await engine.run(spec(zoo('lenet5.json')));
  const i = engine.stepIndexOf('C3');
  assert.equal((await engine.step(i)).name, 'C3');
  assert.equal(engine.stepIndexOf('no such layer'), -1);
});

test('a Keras JSON model steps over its layers; Dropout is explained, identity at inference, with a seeded mask', async () => {
  const path = corpus('keras-json', 'mnist_cnn.json');
  const json = JSON.parse(readFileSync(path, 'utf8')) as { config: { class_name: string; config: { name: string } }[] };
  await engine.run(spec(path));
  const steps = await allSteps();
  assert.deepEqual(steps.map((s) => s.name), json.config.map((l) => l.config.name));
  assert.ok(steps.every((s) => !HELPERS.test(s.opType)), steps.map((s) => s.opType).join(' '));
  const drop = steps.find((s) => s.name === 'dropout_1')!;
  assert.equal(drop.opType, 'Dropout');
  assert.match(drop.explanation.title, /rate 0\.25/);
  assert.match(drop.explanation.lines.join('\n'), /does nothing: the output is the input/);
  assert.match(drop.explanation.lines.join('\n'), /1\/\(1 − p\) = 1\.333/);
  assert.deepEqual([drop.inputs[0].mean, drop.inputs[0].min, drop.inputs[0].max], [drop.outputs[0].mean, drop.outputs[0].min, drop.outputs[0].max]);
  assert.equal(drop.outputs[0].grid.channels, 32); // [1, 12, 12, 32]: 32 maps of 12×12
  assert.deepEqual([drop.explanation.mask?.width, drop.explanation.mask?.height], [12, 12]);
  assert.equal(drop.explanation.mask?.png, (await engine.step(steps.indexOf(drop))).explanation.mask?.png, 'the mask is seeded');
});

test('the sample mask keeps about 1 − p of the cells and changes with the seed', () => {
  for (const p of [0.25, 0.5, 0.8]) {
    const m = dropoutMask(p, 32, 32);
    assert.ok(Math.abs(m.kept - (1 - p)) < 0.05, `p ${p}: kept ${m.kept}`);
  }
  assert.notDeepEqual(dropoutMask(0.5, 8, 8, 1).mask, dropoutMask(0.5, 8, 8, 2).mask);
});

test('top-k only for classifiers: MNIST and the zoo yes; Ultraface and a 4-channel global pool no', async () => {
  assert.equal((await engine.run(spec(corpus('real', 'mnist_c_cxx.onnx')))).top5?.[0].label, '3');
  assert.equal((await engine.run(spec(zoo('lenet5.json')))).top5?.length, 5);
  const face = await engine.run({ ...spec(corpus('real', 'Ultraface_version-RFB-320.onnx')), picture: { kind: 'pattern', pattern: 'gradient' } });
  assert.equal(face.top5, undefined);
  assert.equal(isClassifierOutput([1, 4, 1, 1], 'GlobalAveragePool'), false);
  assert.equal(isClassifierOutput([1, 4420, 2], 'Softmax'), false);
  assert.equal(isClassifierOutput([1, 128], 'Relu'), true, 'a logits-shaped vector is read as classes where it is an output');
  assert.equal(isClassifierOutput([1, 1000, 1, 1], 'Softmax'), true);
  assert.equal(isClassifierOutput([1, 1000, 1, 1], 'Conv'), true, "DenseNet's 1×1 Conv head");
  assert.equal(isClassifierOutput([1, 512, 1, 1], 'GlobalAveragePool'), false, 'pooled features are not classes');
});
