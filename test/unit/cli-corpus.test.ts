/**
 * `convlens summary` on every corpus model (ONNX backend and real models, Keras JSON, the ConvLens
 * JSON zoo samples): exits 0 and warns 'cannot-infer' nowhere. Run in-process through main() with
 * its own output, so 150-odd files take seconds, not a process each. The weight-sharing note on
 * the totals is checked on a model that shares a weight, and on one that does not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { corpusRoot } from '../helpers/corpus';
import { main } from '../../src/cli/main';
import { encodeModel } from '../../src/formats/onnx/writer';
import { tensorFromBytes } from '../../src/ir/tensor';
import type { Model } from '../../src/ir/types';
import { saveTfjs, tf } from './tfjs-fixtures';

const root = resolve(__dirname, '..', '..');

function models(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...models(p, ext));
    else if (ext.test(e)) out.push(p);
  }
  return out.sort();
}

async function summary(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['summary', ...args], { write: (s: string) => (stdout += s) }, { write: (s: string) => (stderr += s) });
  return { code, stdout, stderr };
}

test('convlens summary on every corpus model exits 0 with no cannot-infer warning', async () => {
  const files = [
    ...models(join(corpusRoot, 'onnx-backend'), /\.onnx$/),
    ...models(join(corpusRoot, 'real'), /\.onnx$/),
    ...models(join(corpusRoot, 'keras-json'), /\.json$/),
    ...models(join(root, 'media', 'samples', 'zoo'), /\.json$/),
  ];
  assert.ok(files.length >= 150, `${files.length} corpus files`);
  const failures: string[] = [];
  for (const f of files) {
    const r = await summary(f);
    if (r.code !== 0) failures.push(`${f}: exit ${r.code}: ${r.stderr.trim()}`);
    else if (!/^Total params: /m.test(r.stdout)) failures.push(`${f}: no totals printed`);
    for (const line of r.stdout.split('\n')) if (line.includes('[cannot-infer]')) failures.push(`${f}: ${line.trim()}`);
  }
  assert.deepEqual(failures, []);
});

test('summary totals say when a weight is shared, and the Params column then sums to more than the total', async () => {
  const w = tensorFromBytes('w', 'float32', [8, 8], new Uint8Array(8 * 8 * 4));
  const model = (shared: boolean): Model => ({
    format: 'onnx', producer: 'test', opsets: { '': 13 }, metadata: {}, readWarnings: [],
    graph: {
      name: 'g', valueInfo: new Map(),
      inputs: [{ name: 'x', dtype: 'float32', shape: [2, 8] }],
      outputs: [{ name: 'z', dtype: 'float32', shape: [2, 8] }],
      initializers: new Map(shared ? [['w', w]] : [['w', w], ['v', { ...w, name: 'v' }]]),
      nodes: [
        { id: 'a', name: 'a', opType: 'MatMul', domain: '', attributes: {}, inputs: ['x', 'w'], outputs: ['y'], scope: [] },
        { id: 'b', name: 'b', opType: 'MatMul', domain: '', attributes: {}, inputs: ['y', shared ? 'w' : 'v'], outputs: ['z'], scope: [] },
      ],
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'convlens-cli-shared-'));
  const sharedPath = join(dir, 'shared.onnx');
  const separatePath = join(dir, 'separate.onnx');
  writeFileSync(sharedPath, encodeModel(model(true)));
  writeFileSync(separatePath, encodeModel(model(false)));

  const shared = await summary(sharedPath);
  assert.equal(shared.code, 0, shared.stderr);
  assert.match(shared.stdout, /^Total params: 64 /m);
  assert.match(shared.stdout, /1 weight tensor is shared by several nodes: counted once in the total, in each node's row \(the Params column sums to 128\)/);
  const json = await summary(sharedPath, '--json');
  assert.equal(JSON.parse(json.stdout).totals.sharedWeights, 1);

  const separate = await summary(separatePath);
  assert.match(separate.stdout, /^Total params: 128 /m);
  assert.doesNotMatch(separate.stdout, /shared by several nodes/);
});

test('summary totals say when a Keras layer called twice shares its weights (saved TF.js)', async () => {
  const left = tf.input({ name: 'left', shape: [12, 12, 3] });
  const right = tf.input({ name: 'right', shape: [12, 12, 3] });
  const conv = tf.layers.conv2d({ name: 'shared_conv', filters: 6, kernelSize: 3 });
  const out = tf.layers.concatenate({ name: 'both' }).apply([conv.apply(left), conv.apply(right)] as tf.SymbolicTensor[]) as tf.SymbolicTensor;
  const m = tf.model({ name: 'siamese', inputs: [left, right], outputs: out });
  const path = await saveTfjs(m);
  const r = await summary(path);
  assert.equal(r.code, 0, r.stderr);
  // 3·3·3·6 + 6 = 168 weights, shown at both calls, owned once.
  assert.equal(m.countParams(), 168);
  assert.match(r.stdout, /^Total params: 168 /m);
  assert.match(r.stdout, /the weights of 1 layer called more than once are shared by several nodes: counted once in the total, in each node's row \(the Params column sums to 336\)/);
});

test('summary prints a jump that floating point left just below an integer as that integer, not as "1."', async () => {
  // UpSampling2D ×49 then MaxPooling2D 49: the jump (1/49)·49 is 0.9999999999999999 in floating point.
  const layers = [
    { class_name: 'InputLayer', config: { name: 'img', batch_input_shape: [null, 2, 2, 1], dtype: 'float32' } },
    { class_name: 'UpSampling2D', config: { name: 'up', size: [49, 49] } },
    { class_name: 'MaxPooling2D', config: { name: 'pool', pool_size: [49, 49] } },
  ];
  const path = join(mkdtempSync(join(tmpdir(), 'convlens-cli-jump-')), 'up.json');
  writeFileSync(path, JSON.stringify({ class_name: 'Sequential', keras_version: '2.15.0', config: { name: 's', layers } }));
  const r = await summary(path);
  assert.equal(r.code, 0, r.stderr);
  const row = r.stdout.split('\n').find((l) => l.startsWith('pool '));
  assert.match(row ?? '', / 2×2 \/1×1$/, r.stdout);
});
