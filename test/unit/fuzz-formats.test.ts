/**
 * Fuzzing all four formats: seeded structural mutations of corpus and zoo files (attribute values,
 * indices, shapes, names, layer classes), at least a thousand per format, each read and analysed in
 * process as the extension does, a sample of them through the `convlens` command. Every case ends in
 * one of two ways: figures and dims that are finite and non-negative, or one line (a ModelError, exit 1).
 * Never another exception, a signal, a stack trace or a hang.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readModelBytes } from '../../src/formats/index';
import { analyze } from '../../src/analysis/analyze';
import { summaryJson, type SummaryJson } from '../../src/cli/summary';
import { ModelProtoType } from '../../src/formats/onnx/schema';
import { ModelError } from '../../src/ir/types';
import { corpus } from '../helpers/corpus';
import { mutateJson, mutateOnnx, rng, type OnnxProto } from '../helpers/fuzz';

const root = resolve(__dirname, '..', '..');
const CASES = 1000;
const SPAWNED = 3;
const tmp = mkdtempSync(join(tmpdir(), 'convlens-fuzz-'));

/** Every figure and dim a reader sees: finite and non-negative (dims whole), fields positive. */
function assertSane(s: SummaryJson, what: string): void {
  const num = (v: unknown, where: string) => assert.ok(typeof v === 'number' && Number.isFinite(v) && v >= 0, `${what}: ${where} is ${v}`);
  for (const [k, v] of Object.entries(s.totals)) if (typeof v === 'number') num(v, `totals.${k}`);
  // A figure that cannot be computed is null (a warning says why), never a wrong number.
  for (const n of s.nodes) {
    for (const k of ['params', 'macs', 'activationBytes'] as const) if (n[k] !== null) num(n[k], `${n.id}.${k}`);
  }
  for (const [name, t] of Object.entries(s.tensors)) {
    for (const d of t.shape ?? []) if (typeof d === 'number') assert.ok(Number.isSafeInteger(d) && d >= 0, `${what}: tensor '${name}' has dim ${d}`);
    for (const x of [...(t.receptiveField ?? []), ...(t.stride ?? [])]) assert.ok(Number.isFinite(x) && x > 0, `${what}: tensor '${name}' field ${t.receptiveField} /${t.stride}`);
  }
}

/** One case in process: read and analyse, as the extension does, and check the outcome. */
async function inProcess(bytes: Uint8Array, path: string, what: string): Promise<'ok' | 'refused'> {
  const t0 = performance.now();
  try {
    const model = await readModelBytes(bytes, path);
    assertSane(summaryJson(model, analyze(model)), what);
    return 'ok';
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    assert.ok(e instanceof ModelError, `${what}: ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`);
    assert.ok(!e.message.includes('\n'), `${what}: one line: ${e.message}`);
    return 'refused';
  } finally {
    assert.ok(performance.now() - t0 < 5000, `${what} took ${Math.round(performance.now() - t0)} ms`);
  }
}

/** The same through the command: exit 0 with sane JSON, or exit 1 with one line; no signal, no hang. */
function spawned(bytes: Uint8Array, name: string, what: string): void {
  const file = join(tmp, name);
  writeFileSync(file, bytes);
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(require.resolve('tsx')).href, join(root, 'src/cli/main.ts'), 'summary', '--json', file], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.signal, null, `${what}: ended by ${r.signal}`);
  if (r.status === 0) return assertSane(JSON.parse(r.stdout) as SummaryJson, what);
  assert.equal(r.status, 1, `${what}: exit ${r.status}: ${r.stderr}`);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, `${what}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\s+at |internal error/m, what);
}

interface Format {
  name: string;
  seeds: { file: string; text: string }[];
  fileName: string;
  mutate(text: string, rand: () => number): Uint8Array;
}

const keras = ['mnist_cnn.json', 'inception_v3.json'].map((f) => ({ file: f, text: readFileSync(corpus('keras-json', f), 'utf8') }));
const zoo = ['lenet5.json', 'alexnet.json', 'resnet18.json', 'mobilenetv2.json'].map((f) => ({ file: f, text: readFileSync(join(root, 'media', 'samples', 'zoo', f), 'utf8') }));
/** TF.js layers models: the Keras topologies as tfjs writes them (modelTopology, an empty weightsManifest). */
const tfjs = keras.map((k) => ({ file: k.file, text: JSON.stringify({ format: 'layers-model', generatedBy: 'keras', convertedBy: 'fuzz', modelTopology: JSON.parse(k.text), weightsManifest: [] }) }));
const onnxSeeds = ['real/mnist_c_cxx.onnx', 'onnx-backend/light/light_squeezenet.onnx', 'real/version-slim-320.onnx'].map((f) => ({ file: f, text: '' }));
const onnxBytes = new Map(onnxSeeds.map((s) => [s.file, readFileSync(corpus(...s.file.split('/')))]));

const formats: Format[] = [
  { name: 'Keras JSON', seeds: keras, fileName: 'model.keras.json', mutate: (t, r) => Buffer.from(mutateJson(t, r)) },
  { name: 'TF.js model.json', seeds: tfjs, fileName: 'model.json', mutate: (t, r) => Buffer.from(mutateJson(t, r)) },
  { name: 'ConvLens JSON', seeds: zoo, fileName: 'model.convlens.json', mutate: (t, r) => Buffer.from(mutateJson(t, r)) },
  {
    name: 'ONNX', seeds: onnxSeeds, fileName: 'model.onnx',
    mutate: (file, r) => {
      const p = ModelProtoType.decode(onnxBytes.get(file) as Buffer) as unknown as OnnxProto;
      mutateOnnx(p, r);
      return ModelProtoType.encode(p as never).finish();
    },
  },
];

for (const [fi, f] of formats.entries()) {
  test(`${f.name}: ${CASES} mutated files each end in sane figures or one line`, async (t) => {
    const rand = rng(20261202 + fi);
    const counts = { ok: 0, refused: 0 };
    for (let k = 0; k < CASES; k++) {
      const seed = f.seeds[k % f.seeds.length];
      const bytes = f.mutate(seed.file && f.name === 'ONNX' ? seed.file : seed.text, rand);
      const what = `${f.name} case ${k} (seed ${seed.file}, fuzz seed ${20261202 + fi})`;
      counts[await inProcess(bytes, join(tmp, 'nowhere', f.fileName), what)]++;
      if (k < SPAWNED) spawned(bytes, `${fi}-${k}-${f.fileName}`, what);
    }
    t.diagnostic(`${f.name}: ${counts.ok} analysed, ${counts.refused} refused`);
    assert.equal(counts.ok + counts.refused, CASES);
    // Mutations must reach the analysis, not only the parser.
    assert.ok(counts.ok > CASES / 5, `only ${counts.ok} of ${CASES} were analysed`);
  });
}
