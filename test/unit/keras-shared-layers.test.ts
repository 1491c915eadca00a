/**
 * A Keras layer called twice in a functional model (a shared layer, a siamese tower) owns one set of
 * weights. Built with @tensorflow/tfjs (the oracle) and read back three ways: the saved TF.js model
 * (with weights), its topology as text in the editor (no weights), and Keras's own to_json. Totals
 * must equal model.countParams(); each call still shows the weights it reads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { readModelFile } from '../../src/formats/index';
import { analyze } from '../../src/analysis/analyze';
import { analyzeJsonText } from '../../src/formats/json/modelDocument';
import type { Analysis } from '../../src/analysis/types';
import type { Model } from '../../src/ir/types';
import { saveTfjs, tf } from './tfjs-fixtures';

/** Two images through one shared conv and one shared nested tower, then one shared dense per branch. */
function siamese(): tf.LayersModel {
  const left = tf.input({ name: 'left', shape: [12, 12, 3] });
  const right = tf.input({ name: 'right', shape: [12, 12, 3] });
  const conv = tf.layers.conv2d({ name: 'shared_conv', filters: 6, kernelSize: 3, activation: 'relu' });
  const tower = tf.sequential({ name: 'tower', layers: [
    tf.layers.conv2d({ name: 't_conv', inputShape: [10, 10, 6], filters: 4, kernelSize: 3 }),
    tf.layers.batchNormalization({ name: 't_bn' }),
    tf.layers.globalAveragePooling2d({ name: 't_gap' }),
  ] });
  const dense = tf.layers.dense({ name: 'shared_fc', units: 5 });
  const a = dense.apply(tower.apply(conv.apply(left))) as tf.SymbolicTensor;
  const b = dense.apply(tower.apply(conv.apply(right))) as tf.SymbolicTensor;
  const out = tf.layers.concatenate({ name: 'both' }).apply([a, b]) as tf.SymbolicTensor;
  return tf.model({ name: 'siamese', inputs: [left, right], outputs: out });
}

function check(model: Model, a: Analysis, expected: number, how: string): void {
  assert.deepEqual(a.warnings.filter((w) => w.kind !== 'read'), [], how);
  const calls = model.graph.nodes.filter((n) => n.name === 'shared_conv');
  assert.equal(calls.length, 2, `${how}: shared_conv is called twice`);
  // Each call reads the same 3·3·3·6 + 6 weights ...
  for (const n of calls) assert.equal(a.nodes.get(n.id)?.params, 168, `${how}: ${n.id}`);
  // ... and the model owns them once.
  assert.equal(a.totals.params + (a.totals.buffers ?? 0), expected, `${how}: totals vs countParams()`);
}

test('a layer called twice counts its weights once (saved TF.js, editor text, Keras to_json) = countParams()', async () => {
  const m = siamese();
  const expected = m.countParams();
  // conv 168 + tower (4·3·3·6+4 = 220, BN 4·4 = 16) + dense 4·5+5 = 25, each once.
  assert.equal(expected, 168 + 220 + 16 + 25);
  const path = await saveTfjs(m);
  try {
    const saved = await readModelFile(path);
    check(saved, analyze(saved), expected, 'TF.js with weights');

    const doc = analyzeJsonText(readFileSync(path, 'utf8'), path);
    assert.ok(doc.model && doc.analysis, JSON.stringify(doc.problems));
    check(doc.model, doc.analysis, expected, 'TF.js text in the editor');

    const keras = analyzeJsonText(JSON.stringify(m.toJSON(null, false)));
    assert.equal(keras.kind, 'keras');
    assert.ok(keras.model && keras.analysis, JSON.stringify(keras.problems));
    check(keras.model, keras.analysis, expected, 'Keras to_json');
  } finally {
    rmSync(dirname(path), { recursive: true, force: true });
  }
});
