import * as ort from 'onnxruntime-node';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resnet50File } from '../test/helpers/generate';
import { Engine } from '../src/runtime/engine';
import { defaultAccess } from '../src/runtime/access';
import { captureCandidates } from '../src/runtime/capture';
import { prepareInput } from '../src/runtime/input';
import { withExtraOutputs } from '../src/formats/onnx/writer';
import type { RunSpec } from '../src/runtime/types';
import type { BenchRow } from './types';

/**
 * Sample inference on a generated ResNet-50 (25.6M parameters, 224×224), CPU, in this process: a bare ONNX
 * Runtime run of the original model against ConvLens's capture, which exposes the layer outputs that survive
 * ONNX Runtime's fusions (src/runtime/fusion.ts) and reads them back, then draws their thumbnails. The
 * capture that exposes every tensor (what ConvLens did before, and what it still does on request for the
 * fused ones) is measured beside them. Same input, same session options; ROUNDS rounds of PER warm runs of
 * each kind, so that load from other processes falls on all of them alike; the fastest of each kind compared.
 */
const ROUNDS = 5;
const PER = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const ms = (v: number) => `${v.toFixed(0)} ms`;
const OPTIONS: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], graphOptimizationLevel: 'all', logSeverityLevel: 3 };

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await f();
  return [performance.now() - t0, v];
}

export async function run(): Promise<BenchRow[]> {
  const path = resnet50File();
  const spec: RunSpec = {
    modelPath: path, providers: ['cpu'], memoryBudgetMB: 2048, picture: { kind: 'pattern', pattern: 'gradient' },
    normalization: 'imagenet', bgr: false, dims: { batch: 1 }, imagenetLabelsFile: join(__dirname, '..', 'media', 'labels', 'imagenet.txt'),
  };
  const x = prepareInput({ name: 'input', dtype: 'float32', shape: ['batch', 3, 224, 224] }, { kind: 'pattern', pattern: 'gradient' }, spec);
  const feeds = { input: new ort.Tensor('float32', x.data as Float32Array, x.dims) };

  // Bare: the original file, one output.
  const bare = await ort.InferenceSession.create(path, OPTIONS);
  await bare.run(feeds);
  const rssBare = process.resourceUsage().maxRSS * 1024;

  const engine = new Engine(defaultAccess);
  const [firstMillis, first] = await timed(() => engine.run(spec));
  const rssPeak = process.resourceUsage().maxRSS * 1024;
  const [firstUnfused] = await timed(() => engine.unfused());

  // Every tensor exposed, as before: outputs handed back as fetches, as the engine does.
  const model = await defaultAccess.read(path);
  const every = captureCandidates(model, defaultAccess.analyze(model), spec.dims).filter((c) => !c.isGraphOutput).map((c) => c.tensor);
  const full = await ort.InferenceSession.create(withExtraOutputs(readFileSync(path), every), OPTIONS);
  let fetches = (await full.run(feeds)) as Record<string, ort.Tensor>;

  // ONNX Runtime's profiler on (what timing every run would cost), profile written to a temporary folder.
  const profDir = mkdtempSync(join(tmpdir(), 'convlens-bench-profile-'));
  const profiled = await ort.InferenceSession.create(path, { ...OPTIONS, enableProfiling: true, profileFilePrefix: join(profDir, 'profile') });
  await profiled.run(feeds);

  const t = { profiled: [] as number[], bare: [] as number[], capture: [] as number[], total: [] as number[], thumbs: [] as number[], runs: [] as number[], full: [] as number[], onRequest: [] as number[] };
  let last = first;
  /** PER runs of one kind in a row, their median: ONNX Runtime's threads spin for a while after a run, and
   * would slow a different session run right after (not what a user's runs meet). */
  async function block(f: () => Promise<number>): Promise<number> {
    const xs: number[] = [];
    for (let i = 0; i < PER; i++) xs.push(await f());
    return Math.min(...xs);
  }
  for (let i = 0; i < ROUNDS; i++) {
    t.bare.push(await block(async () => (await timed(() => bare.run(feeds)))[0]));
    t.capture.push(await block(async () => {
      const [ms, r] = await timed(() => engine.run({ ...spec, noThumbnails: true }));
      t.runs.push(r.millis);
      return ms;
    }));
    t.total.push(await block(async () => {
      const [ms, r] = await timed(() => engine.run(spec));
      t.thumbs.push(r.thumbMillis);
      last = r;
      return ms;
    }));
    // A request after each run (the unfused run is made once per run).
    t.onRequest.push(await block(async () => {
      await engine.run({ ...spec, noThumbnails: true });
      return (await timed(() => engine.unfused()))[0];
    }));
    t.profiled.push(await block(async () => (await timed(() => profiled.run(feeds)))[0]));
    t.full.push(await block(async () => (await timed(async () => { fetches = (await full.run(feeds, fetches)) as Record<string, ort.Tensor>; }))[0]));
  }
  // The time overlay's request after a run: its own profiling session, a warm-up and 3 timed runs, the profile read and mapped.
  const [profileMillis, times] = await timed(() => engine.profile());
  profiled.endProfiling();
  await Promise.all([bare.release(), full.release(), profiled.release(), engine.dispose()]);
  rmSync(profDir, { recursive: true, force: true });

  // The fastest of each kind: other processes on shared cores only ever add time, so the fastest run is the
  // closest to the cost itself (the medians wandered by 2× under load where the fastest stayed put).
  const fastest = (xs: number[]) => Math.min(...xs);
  const tBare = fastest(t.bare);
  const captured = last.thumbnails.length;
  const capturedBytes = last.tensors.reduce((a, v) => a + v.dims.reduce((p, d) => p * d, 4), 0);
  const extra = Math.max(0, rssPeak - rssBare);
  /** goal null: a reference row, printed for comparison. */
  /** Fastest of ROUNDS × PER runs each, against the fastest bare run. */
  const row = (name: string, xs: number[], goal: number | null, detail = ''): BenchRow => ({
    name, measured: `${ms(fastest(xs))}${detail}`, reference: `bare ${ms(tBare)}`, ratio: fastest(xs) / tBare, goal: goal === null ? 'reference' : `≤ ${goal}×`, pass: goal === null || fastest(xs) / tBare <= goal,
  });
  return [
    row(`ResNet-50 224×224 on ${last.where}: capture (${captured} layer outputs kept by ONNX Runtime's fusions exposed and read back, ${last.fused.length} fused left for on request, top-5) vs bare ORT run`,
      t.capture, 1.5, ` (session.run ${ms(fastest(t.runs))})`),
    row('ResNet-50: the whole ConvLens run, capture plus thumbnails, filters and top-5, vs bare ORT run', t.total, null),
    {
      name: `ResNet-50: thumbnails, filters and top-5 for the ${captured} captured tensors`,
      measured: ms(median(t.thumbs)), reference: 'goal 200 ms', ratio: median(t.thumbs) / 200, goal: '≤ 200 ms', pass: median(t.thumbs) <= 200,
    },
    row(`ResNet-50: every tensor exposed (${every.length}, ONNX Runtime's fusions stopped; what the capture cost before) vs bare ORT run`, t.full, null),
    row('ResNet-50: a run with ONNX Runtime\'s profiler on (enableProfiling; what profiling every run would cost) vs bare ORT run', t.profiled, null),
    {
      name: `ResNet-50: the time overlay's request after a run (profiling session, warm-up + ${times.runs} timed runs, ${Object.keys(times.nodes).length} nodes mapped)`,
      measured: ms(profileMillis), reference: `bare ${ms(tBare)}`, ratio: profileMillis / tBare, goal: 'reference', pass: true,
    },
    row(`ResNet-50: the ${first.fused.length} fused tensors on request, once per run, unfused session reused (the first request, which makes it, took ${ms(firstUnfused)}; the first run with its two sessions ${ms(firstMillis)}) vs bare ORT run`, t.onRequest, null),
    {
      name: `ResNet-50: peak RSS above the bare run's after the first ConvLens run (bare peak ${mb(rssBare)}, ConvLens peak ${mb(rssPeak)}; captured tensors ${mb(capturedBytes)})`,
      measured: mb(extra), reference: `memory budget ${spec.memoryBudgetMB} MB`, ratio: extra / (spec.memoryBudgetMB * 2 ** 20), goal: '≤ 1× (convlens.inference.memoryBudgetMB)', pass: extra <= spec.memoryBudgetMB * 2 ** 20,
    },
  ];
}
