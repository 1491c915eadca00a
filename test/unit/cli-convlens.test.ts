/** The `convlens` command, spawned as a process: exit codes, one-line errors, JSON structure, check. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { corpus } from '../helpers/corpus';

const root = resolve(__dirname, '..', '..');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('--version prints the package version; --help prints usage', () => {
  const v = cli('--version');
  assert.equal(v.code, 0);
  assert.match(v.stdout.trim(), /^\d+\.\d+\.\d+$/);
  const h = cli('--help');
  assert.equal(h.code, 0);
  assert.match(h.stdout, /convlens summary MODEL/);
});

test('usage errors exit 2 with the usage text', () => {
  for (const args of [[], ['frob'], ['summary'], ['summary', 'a.onnx', '--input-shape', 'nodims'], ['summary', 'a', '--bogus']]) {
    const r = cli(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /Usage:/);
  }
});

test('unreadable files exit 1 with one line on stderr naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-cli-'));
  const bad = join(dir, 'broken.onnx');
  writeFileSync(bad, Buffer.from([0x08, 0x07, 0x12, 0xff, 0xff, 0xff]));
  for (const f of [join(dir, 'missing.onnx'), bad]) {
    for (const cmd of ['summary', 'check']) {
      const r = cli(cmd, f);
      assert.equal(r.code, 1, `${cmd} ${f}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.ok(r.stderr.includes(f) || r.stderr.includes('broken.onnx') || r.stderr.includes('missing.onnx'), r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  }
});

test('summary --json has the documented structure and true totals', () => {
  const r = cli('summary', corpus('real', 'image_classifier32.onnx'), '--json', '--input-shape', 'modelInput=2x3x32x32');
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.format, 'onnx');
  assert.equal(typeof j.producer, 'string');
  assert.deepEqual(j.inputs, [{ name: 'modelInput', dtype: 'float32', shape: [2, 3, 32, 32] }]);
  assert.deepEqual(j.outputs[0].shape, [2, 10]);
  for (const k of ['params', 'macs', 'activationBytes']) assert.equal(typeof j.totals[k], 'number');
  assert.ok(Array.isArray(j.nodes) && j.nodes.length > 0);
  for (const n of j.nodes) {
    for (const k of ['name', 'op']) assert.equal(typeof n[k], 'string');
    for (const k of ['inputs', 'outputs']) assert.ok(Array.isArray(n[k]));
    for (const k of ['params', 'macs']) assert.equal(typeof n[k], 'number');
  }
  assert.equal(j.totals.params, j.nodes.reduce((s: number, n: { params: number }) => s + n.params, 0));
  for (const t of Object.values(j.tensors) as { dtype: string; shape: unknown; receptiveField: unknown; stride: unknown }[]) {
    assert.equal(typeof t.dtype, 'string');
    assert.ok(t.shape === null || Array.isArray(t.shape));
    assert.ok(t.receptiveField === null || Array.isArray(t.receptiveField));
    assert.ok(t.stride === null || Array.isArray(t.stride));
  }
  assert.ok(Array.isArray(j.warnings));
});

test('summary without --json keeps the symbolic batch and prints totals and warnings', () => {
  const r = cli('summary', corpus('onnx-backend', 'light', 'light_resnet50.onnx'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Trainable params: 25,557,032$/m);
  assert.match(r.stdout, /is not divisible by stride 2/);
});

test('check passes on corpus models and says how many tensors it compared', () => {
  for (const f of [corpus('real', 'version-RFB-640.onnx'), corpus('real', 'image_classifier32.onnx'), corpus('onnx-backend', 'light', 'light_inception_v1.onnx')]) {
    const r = cli('check', f);
    assert.equal(r.code, 0, `${f}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /^ok: \d+ tensors, every runtime shape equals the static shape/m);
  }
});

test('the bundled command (bin/convlens.js requiring dist/cli.js) runs and reports exit codes', async () => {
  // Built into a temporary folder laid out like the package, with the same esbuild options as esbuild.mjs.
  const esbuild = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'convlens-bundle-'));
  // check runs ONNX Runtime in the inference process beside it, as in the package.
  for (const [entry, out] of [['src/cli/main.ts', 'cli.js'], ['src/runtime/worker.ts', 'inferenceWorker.js']]) {
    await esbuild.build({
      entryPoints: [join(root, entry)], bundle: true, platform: 'node', format: 'cjs', target: 'node20',
      external: ['onnxruntime-node'], mainFields: ['module', 'main'], outfile: join(dir, 'dist', out), logLevel: 'silent',
    });
  }
  mkdirSync(join(dir, 'bin'));
  copyFileSync(join(root, 'bin', 'convlens.js'), join(dir, 'bin', 'convlens.js'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  const run = (...args: string[]) => spawnSync(process.execPath, [join(dir, 'bin', 'convlens.js'), ...args], { encoding: 'utf8' });
  assert.equal(run('--version').status, 0);
  const ok = run('check', corpus('real', 'mnist_c_cxx.onnx'));
  assert.equal(ok.status, 0, ok.stderr);
  const missing = run('summary', join(dir, 'none.onnx'));
  assert.equal(missing.status, 1);
  assert.equal(missing.stderr.trim().split('\n').length, 1);
  assert.equal(run('summary').status, 2);
});
