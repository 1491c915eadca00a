/**
 * `convlens summary`'s table as reviewers read it, torchinfo and Keras summary() the anchors: rows
 * in graph order (a branch finished before the next, the main chain first), Keras op names without
 * a domain prefix, Keras's Total / Trainable / Non-trainable lines, `--depth N` grouping by scope,
 * and nothing on stderr when the output is piped into `head`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { corpus } from '../helpers/corpus';
import { readModelFile } from '../../src/formats/index';
import { analyze } from '../../src/analysis/analyze';
import { readingOrder } from '../../src/analysis/readingOrder';
import type { Analysis } from '../../src/analysis/types';
import { main } from '../../src/cli/main';
import { customLayersCnn, functionalCnn, saveTfjs, tf } from './tfjs-fixtures';

const root = resolve(__dirname, '..', '..');

async function summary(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['summary', ...args], { write: (t: string) => (stdout += t) }, { write: (t: string) => (stderr += t) });
  return { code, stdout, stderr };
}

/** The Layer column of the table. */
function layerColumn(stdout: string): string[] {
  const lines = stdout.split('\n');
  const rules = lines.flatMap((l, i) => (l.startsWith('──') ? [i] : []));
  return lines.slice(rules[1] + 1, rules[2]).map((l) => l.split(/\s{2,}/)[0]);
}

/** Checks that `order` follows the graph depth first: each node comes after what it reads, and a
 * node that does not read the one before it only where that one could not be continued (none of
 * its consumers had all their inputs yet). */
function assertDepthFirst(a: Analysis, order: string[], label: string): void {
  const pos = new Map(order.map((id, i) => [id, i]));
  const producer = new Map<string, string>();
  for (const id of order) for (const o of a.nodeById.get(id)!.outputs) producer.set(o, id);
  const readsOf = (id: string) => a.nodeById.get(id)!.inputs.map((t) => producer.get(t)).filter((p): p is string => p !== undefined && !a.tensors.get(a.nodeById.get(p)!.outputs[0])?.constant);
  const consumers = new Map<string, string[]>();
  for (const id of order) for (const p of readsOf(id)) consumers.set(p, [...(consumers.get(p) ?? []), id]);
  const data = order.filter((id) => !a.nodeById.get(id)!.outputs.every((o) => a.tensors.get(o)?.constant));
  for (let k = 1; k < data.length; k++) {
    const [prev, cur] = [data[k - 1], data[k]];
    for (const p of readsOf(cur)) assert.ok(pos.get(p)! < pos.get(cur)!, `${label}: ${cur} before its input ${p}`);
    if (readsOf(cur).includes(prev)) continue;
    for (const c of consumers.get(prev) ?? []) {
      const waits = readsOf(c).some((p) => pos.get(p)! >= pos.get(cur)!);
      assert.ok(waits, `${label}: after ${prev} the table jumps to ${cur}, though ${c} could continue the branch`);
    }
  }
}

test('rows follow the graph depth first: each Inception branch and ResNet block read through before the next', async () => {
  for (const f of [corpus('onnx-backend', 'light', 'light_inception_v1.onnx'), corpus('onnx-backend', 'light', 'light_resnet50.onnx'), join(root, 'media', 'samples', 'zoo', 'googlenet.json'), corpus('keras-json', 'inception_v3.json')]) {
    const a = analyze(await readModelFile(f));
    const order = readingOrder(a);
    assert.deepEqual([...order].sort(), [...a.order].sort(), `${f}: every node once`);
    assertDepthFirst(a, order, f);
  }
  // The analysis's file order interleaves Inception's branches; the table does not.
  const inception = analyze(await readModelFile(corpus('onnx-backend', 'light', 'light_inception_v1.onnx')));
  assert.notDeepEqual(readingOrder(inception), inception.order);
  const printed = layerColumn((await summary(corpus('onnx-backend', 'light', 'light_inception_v1.onnx'))).stdout);
  const shown = readingOrder(inception).filter((id) => !inception.nodeById.get(id)!.outputs.every((o) => inception.tensors.get(o)?.constant));
  assert.deepEqual(printed, shown.map((id) => inception.nodeById.get(id)!.name || id));
});

test('the main chain comes first, a side head after it; Keras ops are named without a domain prefix', async () => {
  const path = await saveTfjs(customLayersCnn());
  const r = await summary(path);
  assert.equal(r.code, 0, r.stderr);
  const rows = layerColumn(r.stdout);
  assert.deepEqual(rows.slice(0, 3), ['stem', 'stem_bn', 'scale']);
  assert.ok(rows.indexOf('fc') < rows.indexOf('side_gap'), rows.join(' '));
  assert.doesNotMatch(r.stdout, /keras::/);
  assert.match(r.stdout, /^stem\s+Conv2D\s+\[N, 24, 24, 16\]/m);
  assert.match(r.stdout, /^shuffle\s+PixelShuffle\s+\?/m);
  // fc's MACs are counted: global pooling past the custom layers has a whole shape again ([N, 12]).
  assert.match(r.stdout, /^fc\s+Dense\s+\[N, 10\]\s+130\s+120\s/m);
  assert.match(r.stdout, /^Partial totals: the MACs of 5 nodes cannot be counted and are left out \(scale, c1, shuffle, c2, …; see the warnings\)$/m);
});

test("Total / Trainable / Non-trainable params as Keras summary() prints them for keras.applications", async () => {
  // keras.applications ResNet50 and Xception summary(): the published counts.
  for (const [file, total, trainable, frozen] of [['resnet50.json', '25,636,712', '25,583,592', '53,120'], ['xception.json', '22,910,480', '22,855,952', '54,528']]) {
    const r = await summary(corpus('keras-json', file));
    assert.match(r.stdout, new RegExp(`^Total params: ${total} \\(the file holds no weights\\)\\nTrainable params: ${trainable}\\nNon-trainable params: ${frozen} \\(BatchNorm running statistics\\)$`, 'm'), file);
    const j = JSON.parse((await summary(corpus('keras-json', file), '--json')).stdout);
    assert.equal(j.totals.trainableParams.toLocaleString('en-US'), trainable);
    assert.equal(j.totals.nonTrainableParams.toLocaleString('en-US'), frozen);
  }
});

test('--depth N: one row per scope N levels deep, its params and MACs summed', async () => {
  const m = functionalCnn();
  const path = await saveTfjs(m);
  const flat = await summary(path);
  assert.ok(layerColumn(flat.stdout).includes('h1'));
  const r = await summary(path, '--depth', '1');
  assert.equal(r.code, 0, r.stderr);
  const rows = layerColumn(r.stdout);
  assert.ok(!rows.includes('h1') && !rows.includes('h2'), rows.join(' '));
  const head = m.getLayer('head') as tf.LayersModel;
  assert.match(r.stdout, new RegExp(`^head\\s+2 nodes\\s+\\[N, 3\\]\\s+${head.countParams()}\\s+${6 * 12 + 3 * 6}$`, 'm'));
  assert.deepEqual(rows.slice(0, -1), layerColumn(flat.stdout).filter((n) => n !== 'h1' && n !== 'h2'));
  const bad = await summary(path, '--depth', 'x');
  assert.equal(bad.code, 2);
});

test('--depth reads the analysis\'s group tree: a ResNet-50 without scope names gives 4 stage rows, then 16 bottlenecks, with the groups\' figures', async () => {
  const path = corpus('onnx-backend', 'light', 'light_resnet50.onnx');
  const a = analyze(await readModelFile(path));
  const groups = a.groups ?? [];
  const stages = groups.filter((g) => g.parent === -1 && g.kind === 'stage');
  assert.equal(stages.length, 4);
  const rowOf = (stdout: string, key: string) => stdout.split('\n').find((l) => l.startsWith(`${key} `));
  const one = await summary(path, '--depth', '1');
  assert.equal(one.code, 0, one.stderr);
  for (const s of stages) {
    const line = rowOf(one.stdout, s.key);
    assert.ok(line, `a row for ${s.key}`);
    assert.match(line!, new RegExp(`\\s${s.params!.toLocaleString('en-US')}\\s+${s.macs!.toLocaleString('en-US')}\\s`), line);
  }
  const flat = layerColumn((await summary(path)).stdout);
  const staged = layerColumn(one.stdout);
  assert.ok(staged.length < flat.length - 100, `${staged.length} rows grouped from ${flat.length}`);
  const two = layerColumn((await summary(path, '--depth', '2')).stdout);
  const blocks = groups.filter((g) => g.kind === 'bottleneck');
  assert.equal(blocks.length, 16);
  for (const b of blocks) assert.ok(two.includes(b.key), `a row for ${b.key}`);
});

test('summary piped into head: the first line, and nothing on stderr (EPIPE ends quietly, exit 0)', async () => {
  // A table far longer than a pipe's buffer, so writing goes on after head has exited.
  const layers = Array.from({ length: 3000 }, (_, i) => ({ class_name: 'Dense', config: { name: `dense_${i}`, units: 4, ...(i === 0 ? { batch_input_shape: [null, 4] } : {}) } }));
  const dir = mkdtempSync(join(tmpdir(), 'convlens-epipe-'));
  const model = join(dir, 'long.json');
  writeFileSync(model, JSON.stringify({ class_name: 'Sequential', config: { name: 'long', layers } }));
  // Built like the package (esbuild.mjs's options): dist/cli.js run directly and through bin/convlens.js.
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(root, 'src/cli/main.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    external: ['onnxruntime-node'], mainFields: ['module', 'main'], outfile: join(dir, 'dist', 'cli.js'), logLevel: 'silent',
  });
  mkdirSync(join(dir, 'bin'));
  copyFileSync(join(root, 'bin', 'convlens.js'), join(dir, 'bin', 'convlens.js'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  for (const entry of ['dist/cli.js', 'bin/convlens.js']) {
    const r = spawnSync('bash', ['-c', 'set -o pipefail; "$0" "$1" summary "$2" | head -1', process.execPath, join(dir, entry), model], { encoding: 'utf8' });
    assert.equal(r.stderr, '', entry);
    assert.equal(r.stdout, `${model} (keras, Keras)\n`, entry);
    assert.equal(r.status, 0, entry);
  }
});
