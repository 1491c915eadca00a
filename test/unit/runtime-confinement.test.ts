/**
 * ONNX Runtime confined to the model's folder, and `check` isolated like the extension: `convlens check`
 * and the inference process, started from another working directory, run a model whose external data
 * sits beside it, and refuse one naming a file that exists only relative to the working directory. That
 * file is a FIFO: opening it would block the process, so a prompt refusal shows it was never opened.
 * A native crash inside ONNX Runtime (BatchNormalization with training_mode 2) ends `check` with one line.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InferenceClient } from '../../src/runtime/client';
import type { RunSpec } from '../../src/runtime/types';
import { ModelProtoType } from '../../src/formats/onnx/schema';
import { corpus } from '../helpers/corpus';
import { externalised } from '../helpers/externalData';

const root = resolve(__dirname, '..', '..');
const tsx = pathToFileURL(require.resolve('tsx')).href;
const tmp = mkdtempSync(join(tmpdir(), 'convlens-confine-'));

function cli(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', tsx, join(root, 'src/cli/main.ts'), ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

const elsewhere = join(tmp, 'elsewhere');
mkdirSync(join(elsewhere, 'evil'), { recursive: true });
// Exists only relative to the working directory; a FIFO, so whoever opens it for reading blocks.
execFileSync('mkfifo', [join(elsewhere, 'evil', 'secret.bin')]);
const good = externalised(join(tmp, 'good'), 'weights.bin', true);
const bad = externalised(join(tmp, 'bad'), 'evil/secret.bin', false);
const refusal = /cannot open external data file "evil\/secret\.bin": ENOENT/;

test('check, run from another working directory, runs a model whose external data sits beside it', () => {
  const r = cli(elsewhere, 'check', good);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^ok: \d+ tensors, every runtime shape equals the static shape/);
});

test('check refuses external data that exists only relative to the working directory, in one line, without opening it', () => {
  const r = cli(elsewhere, 'check', bad);
  assert.equal(r.signal, null, 'the check did not hang on the FIFO');
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, refusal);
});

const client = new InferenceClient({ workerPath: join(root, 'src', 'runtime', 'worker.ts'), execArgv: ['--import', tsx], timeoutMs: 60_000 });
after(() => client.dispose());
const spec = (modelPath: string): RunSpec => ({
  modelPath, providers: ['cpu'], memoryBudgetMB: 256, picture: { kind: 'pattern', pattern: 'checkerboard' },
  normalization: 'auto', bgr: false, dims: {}, returnTensors: ['*outputs'],
});

test('the inference process, started in another working directory, runs the good model and refuses the bad one', async () => {
  const cwd = process.cwd();
  process.chdir(elsewhere); // the process is forked here
  try {
    const r = await client.run(spec(good));
    assert.equal(r.returned.length, 2);
    for (const t of r.returned) assert.ok(t.data.length > 0 && t.data.every(Number.isFinite), t.name);
    await assert.rejects(client.run(spec(bad)), (e: Error) => refusal.test(e.message) && !/gave no answer/.test(e.message));
    assert.equal(client.starts, 1, 'the process was never stuck or restarted');
  } finally {
    process.chdir(cwd);
  }
});

test('a native crash in ONNX Runtime ends check with one line naming the node and the signal', () => {
  const proto = ModelProtoType.decode(readFileSync(corpus('onnx-backend', 'node', 'test_batchnorm_example_training_mode', 'model.onnx'))) as unknown as { graph: { node: { attribute: { name: string; type: number; i: number }[] }[] } };
  const n = proto.graph.node[0];
  n.attribute = n.attribute.filter((a) => a.name !== 'training_mode');
  n.attribute.push({ name: 'training_mode', type: 2, i: 2 }); // not 0 or 1: ORT's CPU kernel crashes (signal 11)
  const path = join(tmp, 'bn-training-mode-2.onnx');
  writeFileSync(path, ModelProtoType.encode(proto as never).finish());
  const r = cli(tmp, 'check', path);
  assert.equal(r.signal, null);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^ONNX Runtime crashed while running node BatchNormalization_0 \(BatchNormalization\) \(signal \d+\)\n$/);
  assert.equal(r.stdout, '');
});
