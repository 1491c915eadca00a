/**
 * The capture exposes only the tensors that survive ONNX Runtime's optimisation, so the run keeps every
 * fusion (Conv+BN+Relu, Conv+Add bias, NCHWc Conv+Add+Relu) and costs about a bare run. Checked against
 * ONNX Runtime itself: the graph it optimises for the capture has the same compute nodes as the bare
 * model's, the values captured equal a run that exposes every tensor, every box of the graph gets its map
 * (the fused ones once asked for), and a fused-away tensor arrives on request from one unfused run.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { Engine } from '../../src/runtime/engine';
import { defaultAccess } from '../../src/runtime/access';
import { captureCandidates } from '../../src/runtime/capture';
import { optimizedGraph } from '../../src/runtime/fusion';
import { viewThumbnails, withUnfused } from '../../src/runtime/lowered';
import { tensorStats } from '../../src/runtime/stats';
import { withExtraOutputs } from '../../src/formats/onnx/writer';
import { loadModelFile } from '../../src/editor/modelLoader';
import { deriveDisplayGraph } from '../../webview/graph/model/displayGraph';
import type { RunResult, RunSpec } from '../../src/runtime/types';
import type { Model } from '../../src/ir/types';
import { corpus } from '../helpers/corpus';
import { resnet50File } from '../helpers/generate';

const engine = new Engine(defaultAccess);
after(() => engine.dispose());

const MODELS: { name: string; path: () => string; dims: Record<string, number> }[] = [
  { name: 'ResNet-50 (generated weights; NCHWc Conv+Add+Relu)', path: resnet50File, dims: { batch: 1 } },
  { name: 'Ultraface RFB-320 (Conv+BN+Relu)', path: () => corpus('real', 'Ultraface_version-RFB-320.onnx'), dims: {} },
  { name: 'MNIST (Conv + bias Add)', path: () => corpus('real', 'mnist_c_cxx.onnx'), dims: {} },
  { name: 'image classifier 32', path: () => corpus('real', 'image_classifier32.onnx'), dims: { batch_size: 1 } },
];

const spec = (modelPath: string, dims: Record<string, number>, returnTensors: string[] = []): RunSpec => ({
  modelPath, providers: ['cpu'], memoryBudgetMB: 2048, picture: { kind: 'pattern', pattern: 'gradient' },
  normalization: 'auto', bgr: false, dims, returnTensors, noThumbnails: false,
});

/** Compute nodes of the graph ONNX Runtime optimises from `bytes` at the engine's level (layout conversions left out). */
async function computeNodes(bytes: Uint8Array): Promise<string[]> {
  const g = await optimizedGraph((file) => ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', logSeverityLevel: 3, optimizedModelFilePath: file }));
  return g.graph.nodes.filter((n) => n.opType !== 'ReorderInput' && n.opType !== 'ReorderOutput').map((n) => `${n.domain}:${n.opType}/${n.inputs.length}`).sort();
}

/** Every layer output the engine could capture: what the run before this change exposed. */
function everyCandidate(model: Model, dims: Record<string, number>): string[] {
  const outputs = new Set(model.graph.outputs.map((o) => o.name));
  return captureCandidates(model, defaultAccess.analyze(model), dims).map((c) => c.tensor).filter((t) => !outputs.has(t));
}

/** A bare ONNX Runtime run of the model with every candidate exposed (the oracle's values). */
async function fullCapture(bytes: Uint8Array, model: Model, dims: Record<string, number>, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const s = await ort.InferenceSession.create(withExtraOutputs(bytes, everyCandidate(model, dims)), { executionProviders: ['cpu'], graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  try {
    return (await s.run(feeds)) as Record<string, ort.Tensor>;
  } finally {
    await s.release();
  }
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} values, expected ${expected.length}`);
  let scale = 1e-6;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  // Fused and unfused kernels round differently (BN folded into the weights): relative to the tensor's range.
  assert.ok(worst <= 1e-3 * scale, `${what}: largest difference ${worst} for values up to ${scale}`);
}

for (const m of MODELS) {
  test(`${m.name}: the capture keeps every ONNX Runtime fusion and its values equal a run exposing every tensor`, { timeout: 600_000 }, async () => {
    const path = m.path();
    const bytes = readFileSync(path);
    const model = await defaultAccess.read(path);
    const inputs = model.graph.inputs.filter((i) => !model.graph.initializers.has(i.name)).map((i) => i.name);
    const first = await engine.run(spec(path, m.dims));
    const exposed = first.tensors.filter((t) => t.producer !== '').map((t) => t.name);
    const r = await engine.run(spec(path, m.dims, [...inputs, ...exposed]));

    // The oracle can tell: exposing every tensor does stop fusions on these models, exposing ours stops none.
    const bare = await computeNodes(bytes);
    const ours = await computeNodes(withExtraOutputs(bytes, exposed.filter((t) => !model.graph.outputs.some((o) => o.name === t))));
    assert.deepEqual(ours, bare, 'the capture session was optimised differently from the bare model');
    const full = await computeNodes(withExtraOutputs(bytes, everyCandidate(model, m.dims)));
    assert.ok(full.length > bare.length, `exposing every tensor should stop some fusion (bare ${bare.length} nodes, full ${full.length})`);
    assert.ok(r.fused.length > 0, 'no tensor was left to the fusions');

    // The same values as the run that exposes everything, for every tensor both have.
    const returned = new Map(r.returned.map((t) => [t.name, t]));
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of inputs) feeds[name] = new ort.Tensor('float32', returned.get(name)!.data, returned.get(name)!.dims);
    const oracle = await fullCapture(bytes, model, m.dims, feeds);
    let compared = 0;
    for (const name of exposed) {
      const want = oracle[name];
      if (!want || !(want.data instanceof Float32Array)) continue;
      assertClose(returned.get(name)!.data, want.data, name);
      compared++;
    }
    assert.ok(compared >= exposed.length - 1, `compared ${compared} of ${exposed.length}`);
  });
}

/** The graph view's boxes (folded as drawn by default) and the tensor each shows. */
async function boxes(path: string): Promise<{ id: string; label: string; tensors: string[] }[]> {
  const loaded = await loadModelFile(path);
  assert.ok(loaded.ok, !loaded.ok ? loaded.error : '');
  const d = deriveDisplayGraph(loaded.graph, { fold: true, collapsed: new Set(), hideBatchDim: true });
  return d.nodes.filter((n) => n.kind === 'node').map((n) => ({ id: n.id, label: n.label, tensors: n.outTensors }));
}

const shown = (r: RunResult) => new Set(viewThumbnails(r.thumbnails).map((t) => t.tensor));

test('ResNet-50: every Conv+BN+Relu box shows its post-activation map from the fast run; every other box gets its map once asked', { timeout: 600_000 }, async () => {
  const path = resnet50File();
  const r = await engine.run(spec(path, { batch: 1 }));
  const fast = shown(r);
  const all = await boxes(path);
  const folded = all.filter((b) => b.label.endsWith('+BatchNormalization +Relu'));
  assert.ok(folded.length >= 33, `${folded.length} Conv+BN+Relu boxes`);
  for (const b of folded) assert.ok(b.tensors.some((t) => fast.has(t)), `${b.id} (${b.label}) has no map from the fast run`);
  // The rest (a Conv+BN whose output ONNX Runtime adds into the next block in NCHWc) is listed as fused ...
  const fused = new Set(r.fused.map((f) => f.tensor));
  for (const b of all) assert.ok(b.tensors.some((t) => fast.has(t) || fused.has(t)), `${b.id} has neither a map nor a fused tensor`);
  // ... and arrives with one unfused run, after which every box has its map.
  const before = engine.unfusedRuns;
  const done = withUnfused(r, await engine.unfused());
  assert.equal(engine.unfusedRuns, before + 1);
  const every = shown(done);
  for (const b of all) assert.ok(b.tensors.some((t) => every.has(t)), `${b.id} (${b.label}) still has no map`);
  assert.deepEqual(done.fused, []);
});

test('a fused-away tensor (MNIST: the convolution before its bias Add) is computed on request, once per run, with the right values', { timeout: 300_000 }, async () => {
  const path = corpus('real', 'mnist_c_cxx.onnx');
  const model = await defaultAccess.read(path);
  const input = model.graph.inputs[0].name;
  const r = await engine.run(spec(path, {}, [input]));
  const conv = r.fused.find((f) => f.opType === 'Conv');
  assert.ok(conv, `no convolution left to the fusions: ${r.fused.map((f) => f.tensor).join(', ')}`);
  assert.ok(!r.tensors.some((t) => t.name === conv.tensor), 'the fast run exposed it');
  const before = engine.unfusedRuns;
  const d = await engine.detail(conv.tensor);
  assert.equal(engine.unfusedRuns, before + 1);
  assert.deepEqual(d.shape, conv.shape);
  const x = r.returned.find((t) => t.name === input)!;
  const oracle = await fullCapture(readFileSync(path), model, {}, { [input]: new ort.Tensor('float32', x.data, x.dims) });
  const want = tensorStats(oracle[conv.tensor].data as Float32Array);
  for (const k of ['min', 'max', 'mean'] as const) assert.ok(Math.abs(d[k] - want[k]) <= 1e-4 * (Math.abs(want[k]) + 1), `${k} ${d[k]} vs ${want[k]}`);
  // Another fused tensor of the same run comes from the same unfused run; Step mode through it too.
  for (const f of r.fused) await engine.detail(f.tensor);
  await engine.step(engine.stepIndexOf(conv.producer));
  assert.equal(engine.unfusedRuns, before + 1);
  // A new run computes them again when asked.
  await engine.run(spec(path, {}));
  await engine.detail(conv.tensor);
  assert.equal(engine.unfusedRuns, before + 2);
});
