/**
 * The output-size formulas are data: every formula of every zoo model, every corpus model and the
 * Keras/TF.js fixtures is evaluated by an evaluator of its own (test/helpers/formulaEval.ts) and must
 * equal both its printed result and the dim the analysis inferred; `convlens summary --json` and
 * the graph view carry the same strings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/analysis/analyze';
import type { Analysis } from '../../src/analysis/types';
import { summaryJson } from '../../src/cli/summary';
import { readModelFile } from '../../src/formats/index';
import type { Model } from '../../src/ir/types';
import { buildViewGraph } from '../../src/view/buildViewGraph';
import { corpus } from '../helpers/corpus';
import { evaluate, parseFormula } from '../helpers/formulaEval';
import { functionalCnn, saveTfjs, sequentialCnn, tf } from './tfjs-fixtures';

const zooDir = join(__dirname, '..', '..', 'media', 'samples', 'zoo');

interface Counts {
  formulas: number;
  symbolic: number;
}

/** Checks every formula of the model; returns how many were evaluated. */
function checkModel(model: Model, a: Analysis, label: string): Counts {
  const json = summaryJson(model, a);
  const view = buildViewGraph(model, a, label);
  const viewFormulas = new Map(view.nodes.map((n) => [n.id, n.formulas]));
  const counts: Counts = { formulas: 0, symbolic: 0 };
  for (const n of json.nodes) {
    const fig = a.nodes.get(n.id);
    const w = fig?.window;
    if (!w) continue;
    assert.deepEqual(n.window?.axes.map((x) => x.formula), w.axes.map((x) => x.formula), `${label} ${n.id}: JSON formulas`);
    if (viewFormulas.has(n.id)) assert.deepEqual(viewFormulas.get(n.id), w.axes.map((x) => x.formula), `${label} ${n.id}: view formulas`);
    const node = a.nodeById.get(n.id)!;
    const out = a.tensors.get(node.outputs[0])?.shape;
    const channelsLast = node.domain === 'keras' && node.attributes.data_format !== 'channels_first';
    w.axes.forEach((axis, i) => {
      const where = `${label} ${node.name || n.id} (${node.opType}) ${axis.formula}`;
      const f = parseFormula(axis.formula);
      assert.equal(f.axis, axis.axis, where);
      const inferred = out?.[(channelsLast ? 1 : 2) + i];
      assert.equal(String(axis.out), String(inferred), `${where}: the window's out is the inferred dim`);
      assert.equal(f.result, typeof axis.out === 'number' ? String(axis.out) : f.result, where);
      const v = evaluate(f.expr);
      for (const [e, r] of f.notes) assert.equal(evaluate(e), Number(r), `${where}: note`);
      if (v === null) {
        counts.symbolic++;
        return;
      }
      assert.equal(typeof inferred, 'number', where);
      assert.equal(v, Number(f.result), `${where}: the arithmetic gives ${v}`);
      assert.equal(v, inferred, where);
      counts.formulas++;
    });
  }
  return counts;
}

async function checkFile(path: string, label: string): Promise<Counts> {
  const model = await readModelFile(path);
  return checkModel(model, analyze(model), label);
}

test('the evaluator itself: exact division, floor and ceil brackets, symbols, and a false formula refused', () => {
  assert.equal(evaluate('⌊(224 + 2·3 − 7)/2⌋ + 1'), 112);
  assert.equal(evaluate('⌈(112 + 2·0 − 3)/2⌉ + 1'), 56);
  assert.equal(evaluate('(227 + 2·0 − 11)/4 + 1'), 55);
  assert.equal(evaluate('2·(7 − 1) + 3 − 0 − (−1)'), 16);
  assert.equal(evaluate('⌈H/2⌉'), null);
  assert.throws(() => evaluate('(224 + 2·3 − 7)/2 + 1'), /not exact/);
  assert.deepEqual(parseFormula('H: (56 + 2·2 − 5)/1 + 1 = 56, k_eff = 2·(3 − 1) + 1 = 5'), { axis: 'H', expr: '(56 + 2·2 − 5)/1 + 1', result: '56', notes: [['2·(3 − 1) + 1', '5']] });
});

test('every zoo model: each formula evaluates to its printed result and the inferred dim', async () => {
  const files = readdirSync(zooDir).filter((f) => f.endsWith('.json')).sort();
  assert.ok(files.length >= 7);
  for (const f of files) {
    const c = await checkFile(join(zooDir, f), f);
    assert.ok(c.formulas >= 2, `${f}: ${c.formulas} formulas`);
  }
});

test('every corpus model (ONNX backend node and PyTorch tests, light zoo, real models, Keras JSON)', async () => {
  let total = 0;
  const dirs = ['node', 'pytorch-converted'].map((d) => corpus('onnx-backend', d));
  const files: string[] = [];
  for (const dir of dirs) for (const t of readdirSync(dir).sort()) if (existsSync(join(dir, t, 'model.onnx'))) files.push(join(dir, t, 'model.onnx'));
  const light = corpus('onnx-backend', 'light');
  files.push(...readdirSync(light).filter((f) => f.endsWith('.onnx')).sort().map((f) => join(light, f)));
  const real = corpus('real');
  files.push(...readdirSync(real).filter((f) => f.endsWith('.onnx')).sort().map((f) => join(real, f)));
  const keras = corpus('keras-json');
  files.push(...readdirSync(keras).filter((f) => f.endsWith('.json')).sort().map((f) => join(keras, f)));
  for (const f of files) total += (await checkFile(f, f.slice(f.indexOf('models/') + 7))).formulas;
  assert.ok(total > 300, `${total} formulas evaluated`);
});

test('TF.js fixtures saved by tfjs, plus 1-D dilated, 3-D and transposed layers', async () => {
  const seq = await checkFile(await saveTfjs(sequentialCnn()), 'tfjs sequential');
  const fun = await checkFile(await saveTfjs(functionalCnn()), 'tfjs functional');
  const m = tf.sequential({ name: 'windows' });
  m.add(tf.layers.conv1d({ name: 'dilated', inputShape: [54, 4], filters: 6, kernelSize: 3, dilationRate: 2, padding: 'valid' }));
  m.add(tf.layers.maxPooling1d({ name: 'mp1', poolSize: 3, strides: 2 }));
  m.add(tf.layers.conv1d({ name: 'c1same', filters: 5, kernelSize: 4, strides: 3, padding: 'same' }));
  m.add(tf.layers.reshape({ name: 'r', targetShape: [8, 5, 1, 1] }));
  m.add(tf.layers.conv3d({ name: 'c3', filters: 2, kernelSize: [3, 2, 1], strides: [2, 1, 1], padding: 'valid' }));
  m.add(tf.layers.reshape({ name: 'r2', targetShape: [3, 4, 2] }));
  m.add(tf.layers.conv2dTranspose({ name: 'up', filters: 3, kernelSize: 5, strides: 2, padding: 'valid' }));
  m.add(tf.layers.averagePooling2d({ name: 'ap', poolSize: [2, 3], strides: [2, 2], padding: 'valid' }));
  const path = await saveTfjs(m);
  const model = await readModelFile(path);
  const a = analyze(model);
  const c = checkModel(model, a, 'tfjs windows');
  // tfjs's computed tensors are the oracle for every layer here (its declared outputShape treats
  // 'causal' as 'valid', which its own call() does not).
  const probe = tf.model({ inputs: m.inputs, outputs: m.layers.map((l) => l.output as tf.SymbolicTensor) });
  const real = probe.predict(tf.zeros([1, 54, 4])) as tf.Tensor[];
  m.layers.forEach((layer, i) => {
    const n = [...a.nodeById.values()].find((x) => x.name === layer.name);
    assert.ok(n, layer.name);
    assert.deepEqual(a.tensors.get(n.outputs[0])?.shape?.slice(1), real[i].shape.slice(1), layer.name);
  });
  const dilated = a.nodes.get([...a.nodeById.values()].find((x) => x.name === 'dilated')!.id)!.window!;
  assert.equal(dilated.axes[0].formula, 'L: (54 + 2·0 − 5)/1 + 1 = 50, k_eff = 2·(3 − 1) + 1 = 5');
  assert.ok(seq.formulas + fun.formulas + c.formulas >= 20);
});
