import * as ort from 'onnxruntime-node';
import { join } from 'node:path';
import { resnet50File } from '../test/helpers/generate';
import { Engine } from '../src/runtime/engine';
import { defaultAccess } from '../src/runtime/access';
import { prepareInput } from '../src/runtime/input';
import type { RunSpec } from '../src/runtime/types';
import type { BenchRow } from './types';

/**
 * Sample inference on a generated ResNet-50 (25.6M parameters, 224×224), CPU, in this process:
 * a bare ONNX Runtime run of the original model against a ConvLens run that captures every
 * intermediate tensor (about 150 of them), reads them back and draws their thumbnails.
 * Both use the same input and the same session options; medians of RUNS warm runs.
 */
const RUNS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

export async function run(): Promise<BenchRow[]> {
  const path = resnet50File();
  const provider = 'cpu';
  const spec: RunSpec = {
    modelPath: path, providers: [provider], memoryBudgetMB: 2048, picture: { kind: 'pattern', pattern: 'gradient' },
    normalization: 'imagenet', bgr: false, dims: { batch: 1 }, imagenetLabelsFile: join(__dirname, '..', 'media', 'labels', 'imagenet.txt'),
  };

  // Bare: the original file, one output.
  const bare = await ort.InferenceSession.create(path, { executionProviders: [provider], graphOptimizationLevel: 'all' });
  const x = prepareInput({ name: 'input', dtype: 'float32', shape: ['batch', 3, 224, 224] }, { kind: 'pattern', pattern: 'gradient' }, spec);
  const feeds = { input: new ort.Tensor('float32', x.data as Float32Array, x.dims) };
  await bare.run(feeds);
  const bareTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await bare.run(feeds);
    bareTimes.push(performance.now() - t0);
  }
  await bare.release();
  const rssBare = process.resourceUsage().maxRSS * 1024;

  // ConvLens: everything captured, read back, thumbnails drawn; the session is reused after the first run.
  const engine = new Engine(defaultAccess);
  const first = await engine.run(spec);
  const totals: number[] = [];
  const thumbs: number[] = [];
  const runs: number[] = [];
  let last = first;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    last = await engine.run(spec);
    totals.push(performance.now() - t0);
    thumbs.push(last.thumbMillis);
    runs.push(last.millis);
  }
  const rssPeak = process.resourceUsage().maxRSS * 1024;
  const capturedBytes = last.tensors.reduce((a, t) => a + t.dims.reduce((p, d) => p * d, 4), 0);
  await engine.dispose();

  const tBare = median(bareTimes);
  const tOurs = median(totals);
  const tThumb = median(thumbs);
  const extra = Math.max(0, rssPeak - rssBare);
  return [
    {
      name: `ResNet-50 224×224 on ${last.where}: ConvLens run (${last.tensors.length} tensors captured, ${last.thumbnails.length} thumbnails) vs bare ORT run`,
      measured: `${tOurs.toFixed(0)} ms (session.run ${median(runs).toFixed(0)} ms)`, reference: `bare ${tBare.toFixed(0)} ms`, ratio: tOurs / tBare, goal: '≤ 1.5×', pass: tOurs / tBare <= 1.5,
    },
    {
      name: 'ResNet-50: thumbnails, filters and top-5 for every captured tensor',
      measured: `${tThumb.toFixed(0)} ms`, reference: 'goal 200 ms', ratio: tThumb / 200, goal: '≤ 200 ms', pass: tThumb <= 200,
    },
    {
      name: `ResNet-50: peak RSS above the bare run's (bare peak ${mb(rssBare)}, ConvLens peak ${mb(rssPeak)}; captured tensors ${mb(capturedBytes)})`,
      measured: mb(extra), reference: `memory budget ${spec.memoryBudgetMB} MB`, ratio: extra / (spec.memoryBudgetMB * 2 ** 20), goal: '≤ 1× (convlens.inference.memoryBudgetMB)', pass: extra <= spec.memoryBudgetMB * 2 ** 20,
    },
  ];
}
