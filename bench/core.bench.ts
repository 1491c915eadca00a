import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import * as protobuf from 'protobufjs';
import { ModelProtoType } from '../src/formats/onnx/schema';
import { readModelFile } from '../src/formats/index';
import { analyze } from '../src/analysis/analyze';
import { chainFile, resnet50File } from '../test/helpers/generate';
import type { BenchRow } from './types';

/**
 * The model core on big inputs: a generated ResNet-50 (~100 MB of float32 weights) and a
 * 10,000-node chain. For each, in the same run and alternating so machine load hits all alike:
 *   ours    = readModelFile + analyze (read, parse, shape inference, params/MACs count); files of
 *             16 MB and more are read as a skeleton, their weights left on disk until asked for
 *   ORT     = onnxruntime-node InferenceSession.create on the same file (goal: ours ≤ 0.5×)
 *   readFile = merely reading the file's bytes, the faster of fs.readFile and fs.readFileSync (goal: ours ≤ 2×)
 *   decode  = for the 10,000-node chain, where reading 3 MB takes a millisecond and is no longer a
 *             meaningful reference: protobufjs decoding the same bytes (already in memory) into a
 *             ModelProto with the reader's own schema, nothing else (goal: ours ≤ 2×)
 * and peak memory of ours in a fresh process (goal: ≤ file size + 200 MB above the baseline).
 */

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(f: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

const MB = 1024 * 1024;

async function measure(label: string, path: string, rounds: number, decodeReference = false): Promise<BenchRow[]> {
  const size = statSync(path).size;
  const bytes = decodeReference ? readFileSync(path) : null;
  const decode = (): void => { if (bytes) ModelProtoType.decode(protobuf.Reader.create(bytes)); };
  const ours = async (): Promise<void> => {
    const model = await readModelFile(path);
    const a = analyze(model);
    if (!(a.totals.params > 0)) throw new Error(`${label}: analysis counted no parameters`);
  };
  const ortCreate = async (): Promise<void> => {
    const s = await ort.InferenceSession.create(path, { logSeverityLevel: 3 });
    await s.release();
  };
  const readOnly = async (): Promise<void> => { await readModelFile(path); };
  const readAsync = async (): Promise<void> => { await readFile(path); };
  const readSync = (): void => { readFileSync(path); };
  // Warm-up: page cache, protobufjs' generated decoders, ORT's kernels registry.
  await ours(); await ortCreate(); await readAsync(); readSync(); decode();
  const t = { ours: [] as number[], readOnly: [] as number[], ort: [] as number[], readAsync: [] as number[], readSync: [] as number[], decode: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    t.ours.push(await time(ours));
    t.readOnly.push(await time(readOnly));
    t.ort.push(await time(ortCreate));
    t.readAsync.push(await time(readAsync));
    t.readSync.push(await time(readSync));
    if (bytes) t.decode.push(await time(decode));
  }
  const o = median(t.ours);
  const split = `(read+parse ${median(t.readOnly).toFixed(0)} ms, the rest analysis)`;
  const r = median(t.ort);
  const ra = median(t.readAsync);
  const rs = median(t.readSync);
  const read = Math.min(ra, rs);

  const child = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(__dirname, 'coreChild.ts'), path], { encoding: 'utf8' });
  const mem = JSON.parse(child.trim().split('\n').pop()!) as { baselineRss: number; peakRss: number };
  const peak = mem.peakRss - mem.baselineRss;
  const budget = size + 200 * MB;

  const sizeText = `${(size / MB).toFixed(0)} MB`;
  const dec = bytes ? median(t.decode) : NaN;
  const decodeRows: BenchRow[] = bytes ? [{
    name: `${label} (${sizeText}): read+parse+infer+count vs the bare protobufjs decode of the same file (median of ${rounds})`,
    measured: `${o.toFixed(0)} ms ${split}`, reference: `ModelProto decode ${dec.toFixed(0)} ms (bytes in memory)`,
    ratio: o / dec, goal: '≤ 2×', pass: o / dec <= 2,
  }] : [];
  return [
    {
      name: `${label} (${sizeText}): read+parse+infer+count vs ORT InferenceSession.create (median of ${rounds})`,
      measured: `${o.toFixed(0)} ms ${split}`, reference: `ORT create ${r.toFixed(0)} ms`, ratio: o / r, goal: '≤ 0.5×', pass: o / r <= 0.5,
    },
    {
      name: `${label} (${sizeText}): read+parse+infer+count vs reading the file's bytes (median of ${rounds})`,
      measured: `${o.toFixed(0)} ms ${split}`, reference: `${rs <= ra ? 'fs.readFileSync' : 'fs.readFile'} ${read.toFixed(0)} ms (readFile ${ra.toFixed(0)}, readFileSync ${rs.toFixed(0)})`,
      ratio: o / read, goal: '≤ 2×', pass: o / read <= 2,
    },
    ...decodeRows,
    {
      name: `${label} (${sizeText}): peak memory of read+analyze above baseline (fresh process, high-water RSS)`,
      measured: `${(peak / MB).toFixed(0)} MB`, reference: `file ${sizeText} + 200 MB = ${(budget / MB).toFixed(0)} MB`,
      ratio: peak / budget, goal: '≤ file + 200 MB', pass: peak <= budget,
    },
  ];
}

export async function run(): Promise<BenchRow[]> {
  return [
    ...(await measure('ResNet-50 v1, generated', resnet50File(), 7)),
    ...(await measure('10,000-node chain, generated', chainFile(10_000), 5, true)),
  ];
}
