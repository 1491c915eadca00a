/**
 * GPU check for sample inference: which execution providers load here, the GPU's name when it can be
 * read, and timings of MNIST and a generated ResNet-50 (224×224) on each provider that loaded, bare and
 * with every tensor captured (the ConvLens path), against CPU.
 *   node --import tsx scripts/gpu-check.ts [providers...]     (default: cuda webgpu cpu)
 * On Linux, WebGPU needs a Vulkan loader (libvulkan1) and the GPU's Vulkan driver.
 */
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';

import { openSession } from '../src/runtime/session';
import { gpuName } from '../src/runtime/providers';
import { Engine } from '../src/runtime/engine';
import { defaultAccess } from '../src/runtime/access';
import { prepareInputs } from '../src/runtime/input';
import type { RunSpec } from '../src/runtime/types';
import { resnet50File } from '../test/helpers/generate';
import { corpus } from '../test/helpers/corpus';

const RUNS = 10;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function bare(path: string, provider: string): Promise<{ loaded: string; ms: number; note: string }> {
  const opened = await openSession(readFileSync(path), [provider]);
  const s = opened.session;
  const inputs = s.inputMetadata.map((m) => ({ name: m.name, dtype: m.isTensor ? m.type : 'float32', shape: m.isTensor ? [...m.shape] : null }));
  const feeds: Record<string, ort.Tensor> = {};
  for (const p of prepareInputs(inputs, { kind: 'pattern', pattern: 'gradient' }, { normalization: 'auto', bgr: false, dims: { batch: 1, N: 1 } })) {
    feeds[p.name] = new ort.Tensor(p.dtype as ort.Tensor.Type, p.data as Float32Array, p.dims);
  }
  await s.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await s.run(feeds);
    times.push(performance.now() - t0);
  }
  await s.release();
  return { loaded: opened.provider, ms: median(times), note: opened.notes.filter((n) => n.startsWith(provider)).join('; ') };
}

async function captured(path: string, provider: string): Promise<{ where: string; ms: number; thumbs: number; tensors: number }> {
  const engine = new Engine(defaultAccess);
  const spec: RunSpec = { modelPath: path, providers: [provider], memoryBudgetMB: 4096, picture: { kind: 'pattern', pattern: 'gradient' }, normalization: 'auto', bgr: false, dims: { batch: 1, N: 1 } };
  await engine.run(spec);
  const totals: number[] = [];
  let last = await engine.run(spec);
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    last = await engine.run(spec);
    totals.push(performance.now() - t0);
  }
  await engine.dispose();
  return { where: last.where, ms: median(totals), thumbs: last.thumbMillis, tensors: last.tensors.length };
}

async function main(): Promise<void> {
  const providers = process.argv.slice(2).length ? process.argv.slice(2) : ['cuda', 'webgpu', 'cpu'];
  console.log(`onnxruntime-node ${ort.env.versions.node}; backends: ${ort.listSupportedBackends().map((b) => `${b.name}${b.bundled ? '' : ' (not bundled)'}`).join(', ')}`);
  console.log(`GPU (nvidia-smi): ${(await gpuName()) ?? 'none found'}`);
  const models = [['mnist', corpus('real', 'mnist_c_cxx.onnx')], ['resnet50-224', resnet50File()]] as const;
  const cpu: Record<string, number> = {};
  for (const p of [...providers.filter((x) => x !== 'cpu'), 'cpu'].reverse()) {
    for (const [name, path] of models) {
      try {
        const b = await bare(path, p);
        if (b.loaded !== p) {
          console.log(`${p.padEnd(7)} ${name.padEnd(13)} did not load (${b.note || 'fell back to ' + b.loaded})`);
          continue;
        }
        if (p === 'cpu') cpu[name] = b.ms;
        const c = await captured(path, p);
        const vs = p !== 'cpu' && cpu[name] ? ` (${(cpu[name] / b.ms).toFixed(2)}× CPU's speed)` : '';
        console.log(`${p.padEnd(7)} ${name.padEnd(13)} bare ${b.ms.toFixed(1)} ms${vs}; ConvLens run on ${c.where}: ${c.ms.toFixed(1)} ms with ${c.tensors} tensors captured, thumbnails ${c.thumbs.toFixed(0)} ms`);
      } catch (e) {
        console.log(`${p.padEnd(7)} ${name.padEnd(13)} failed: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
