/**
 * Times a model's layers with ONNX Runtime's profiler. A session of its own, on the bare model (no extra
 * outputs, which would stop fusions and change what is timed), made on the provider the run used, with
 * `enableProfiling` and `optimizedModelFilePath` both on: the profile then names nodes of exactly the graph
 * written, which ./profile.ts traces back to the model. One warm-up run is left out of the figures.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Model } from '../ir/types';
import { readOnnxFile } from '../formats/onnx/reader';
import { layerTimes, parseProfile, type LayerTimes } from './profile';
import type { ProviderName } from './providers';
import { openSession } from './session';

/** Timed runs after the warm-up (their mean is shown). */
export const PROFILE_RUNS = 3;

export async function profileLayers(
  model: Model, bytes: Uint8Array, provider: ProviderName, options: ort.InferenceSession.SessionOptions,
  feeds: Record<string, ort.Tensor>, macsOf: (id: string) => number | null,
): Promise<LayerTimes> {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-profile-'));
  try {
    const optimizedFile = join(dir, 'optimized.onnx');
    const { session } = await openSession(bytes, [provider], undefined, {
      ...options, enableProfiling: true, profileFilePrefix: join(dir, 'profile'), optimizedModelFilePath: optimizedFile,
    });
    try {
      for (let i = 0; i <= PROFILE_RUNS; i++) await session.run(feeds);
      session.endProfiling();
    } finally {
      await session.release();
    }
    const file = readdirSync(dir).find((f) => f.startsWith('profile') && f.endsWith('.json'));
    if (!file) throw new Error(`ONNX Runtime wrote no profile in ${dir}`);
    const runs = parseProfile(readFileSync(join(dir, file), 'utf8'), file).slice(1);
    return layerTimes(model, readOnnxFile(optimizedFile), runs, macsOf);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
