/**
 * Time per layer from ONNX Runtime's profiler, mapped back to the model's nodes: on MNIST and ResNet-50
 * (ONNX's light model, whose Conv+Add+Relu ONNX Runtime fuses), every Conv gets a time ≥ 0, the times add
 * up to no more than the profiled run, and a fused kernel's time goes to its member nodes. The mapping is
 * also shown refusing a broken profile and losing the members when the optimised graph is not the one timed.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from '../../src/runtime/engine';
import { defaultAccess } from '../../src/runtime/access';
import { kernelMembers, layerTimes, parseProfile } from '../../src/runtime/profile';
import type { LayerTimes } from '../../src/runtime/profile';
import type { RunSpec } from '../../src/runtime/types';
import { corpus } from '../helpers/corpus';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModelFile } from '../../src/formats/index';
import { saveTfjs, sequentialCnn } from './tfjs-fixtures';

const engine = new Engine(defaultAccess);
after(() => engine.dispose());

const spec = (modelPath: string): RunSpec => ({
  modelPath, providers: ['cpu'], memoryBudgetMB: 2048, picture: { kind: 'pattern', pattern: 'gradient' },
  normalization: 'auto', bgr: false, dims: {}, returnTensors: [], noThumbnails: true,
});

async function timed(path: string): Promise<{ times: LayerTimes; convs: string[]; ids: Set<string> }> {
  await engine.run(spec(path));
  const times = await engine.profile();
  const model = await defaultAccess.read(path);
  return { times, convs: model.graph.nodes.filter((n) => n.opType === 'Conv').map((n) => n.id), ids: new Set(model.graph.nodes.map((n) => n.id)) };
}

function checkTotals(t: LayerTimes): void {
  const given = Object.values(t.nodes).reduce((a, n) => a + n.micros, 0) + t.layoutMicros + t.unmapped.reduce((a, u) => a + u.micros, 0);
  assert.ok(Math.abs(given - t.kernelMicros) < 1e-6 * Math.max(1, t.kernelMicros), `every kernel's time is given once (${given} vs ${t.kernelMicros})`);
  assert.ok(t.kernelMicros <= t.runMicros + 1e-6, `kernels ${t.kernelMicros} µs within the run's ${t.runMicros} µs`);
  assert.ok(t.runs >= 1);
}

test('MNIST: every Conv, pool and the Gemm get a time, within the run', async () => {
  const { times, convs, ids } = await timed(corpus('real', 'mnist_c_cxx.onnx'));
  for (const id of Object.keys(times.nodes)) assert.ok(ids.has(id), `${id} is a node of the model`);
  for (const c of convs) assert.ok(times.nodes[c] && times.nodes[c].micros >= 0, `Conv ${c} has a time`);
  assert.equal(convs.length, 2);
  checkTotals(times);
  // MatMul + Add run as one Gemm kernel (Times212/MatMulAddFusion): both are its members.
  const gemm = Object.entries(times.nodes).filter(([, n]) => n.kernelOp === 'Gemm');
  assert.ok(gemm.length >= 2 && gemm.every(([, n]) => n.members === gemm.length), JSON.stringify(gemm));
  assert.deepEqual(times.unmapped, []);
});

test('ResNet-50 (light): all 53 Convs timed, fused Add/Relu attributed to their Conv kernel', async () => {
  const { times, convs } = await timed(corpus('onnx-backend', 'light', 'light_resnet50.onnx'));
  assert.equal(convs.length, 53);
  for (const c of convs) assert.ok(times.nodes[c] && times.nodes[c].micros >= 0, `Conv ${c} has a time`);
  checkTotals(times);
  const fused = Object.values(times.nodes).filter((n) => n.kernelOp === 'Conv' && n.members > 1);
  assert.ok(fused.length >= 16, `the 16 blocks' Conv+Add+Relu run fused (${fused.length} members of fused Conv kernels)`);
  const byKernel = new Map<string, number>();
  for (const n of Object.values(times.nodes)) byKernel.set(n.kernel, (byKernel.get(n.kernel) ?? 0) + 1);
  for (const n of Object.values(times.nodes)) assert.equal(byKernel.get(n.kernel), n.members, `${n.kernel} lists each member once`);
  assert.deepEqual(times.unmapped, []);
});

test('a broken profile or a graph that was not the one timed is refused or left unmapped', async () => {
  assert.throws(() => parseProfile('{"cat": ', 'p.json'), /p\.json: ONNX Runtime's profile is not JSON/);
  assert.throws(() => parseProfile('{}', 'p.json'), /not a list of events/);
  const model = await defaultAccess.read(corpus('real', 'mnist_c_cxx.onnx'));
  const runs = [{ ts: 0, dur: 100, kernels: [{ name: 'not-a-node', op: 'Conv', ts: 1, dur: 40 }] }];
  // The original graph as its own "optimised" graph maps node to node; a kernel it does not hold stays unmapped.
  const t = layerTimes(model, model, runs, () => null);
  assert.deepEqual(t.unmapped, [{ kernel: 'not-a-node', micros: 40 }]);
  assert.equal(Object.keys(t.nodes).length, 0);
  assert.equal(kernelMembers(model, model).size, model.graph.nodes.filter((n) => n.name).length);
  assert.throws(() => layerTimes(model, model, [], () => null), /holds no run/);
});

test('TF.js CNN (lowered): the times are by the source layers the graph draws, every kernel given once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-profile-tfjs-'));
  const path = await saveTfjs(sequentialCnn(), dir);
  await engine.run({ ...spec(path), dims: { N: 1 } });
  const times = await engine.profile();
  checkTotals(times);
  const model = await readModelFile(path);
  const layers = new Map(model.graph.nodes.map((n) => [n.id, n.opType]));
  for (const id of Object.keys(times.nodes)) assert.ok(layers.has(id), `${id} is a layer of the file`);
  // Every layer that computes something got a time; a Conv2D's includes its own layout Transposes.
  for (const [id, op] of layers) if (/Conv2D|Dense|Pooling2D|BatchNormalization/.test(op)) assert.ok(times.nodes[id]?.micros >= 0 && times.nodes[id].kernel, `${id} (${op}) timed`);
  assert.ok(Object.values(times.nodes).some((t) => t.micros > 0));
  // Members count layers, never the helper nodes a layer was lowered to.
  for (const [id, t] of Object.entries(times.nodes)) assert.ok(t.members >= 1 && t.members <= layers.size, `${id}: ${t.members}`);
});
