/**
 * Weight statistics (src/analysis/weights) as the model worker answers the graph view, checked against
 * an independent computation over the tensors read with protobufjs directly (ONNX: float32, float16,
 * int8, external data) and over @tensorflow/tfjs's own loaded weights (TF.js).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelProtoType } from '../../src/formats/onnx/schema';
import { ModelStore } from '../../src/editor/modelStore';
import { analyze } from '../../src/analysis/analyze';
import { readModelFile } from '../../src/formats/index';
import type { DocumentVersion } from '../../src/protocol/modelService';
import type { WeightSummary } from '../../src/analysis/weights/summary';
import { MAX_WEIGHT_ELEMENTS, summarizeWeight } from '../../src/analysis/weights/summary';
import { tensorFromBytes } from '../../src/ir/tensor';
import { toFloat16Bits } from '../../src/runtime/float16';
import { corpus } from '../helpers/corpus';
import { externalised } from '../helpers/externalData';
import { saveTfjs, sequentialCnn } from './tfjs-fixtures';

interface RawTensor { name: string; data_type: number; dims: unknown[]; raw_data?: Uint8Array; float_data?: number[]; data_location?: number; external_data?: { key: string; value: string }[] }
interface RawModel { graph: { initializer: RawTensor[]; node: { op_type: string; name: string; input: string[] }[] } }

const MNIST = corpus('real', 'mnist_c_cxx.onnx');
const decode = (path: string) => ModelProtoType.decode(readFileSync(path)) as unknown as RawModel;

/** float16 bits -> number, written apart from src/ir/tensor.ts: through a float32's bit pattern. */
function halfToNumber(h: number): number {
  const f = new DataView(new ArrayBuffer(4));
  const sign = (h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff;
  if (exp === 0) return (h & 0x8000 ? -1 : 1) * man / 1024 / 16384;
  f.setUint32(0, sign | (exp === 31 ? 0xff << 23 : (exp - 15 + 127) << 23) | (man << 13));
  return f.getFloat32(0);
}

/** The reference: plain loops over numbers, histogram bins from their edges min + k·(max−min)/bins. */
function reference(values: number[], bins = 32) {
  const finite = values.filter(Number.isFinite);
  const min = Math.min(...finite), max = Math.max(...finite);
  const mean = finite.reduce((s, v) => s + v, 0) / finite.length;
  const std = Math.sqrt(finite.reduce((s, v) => s + (v - mean) ** 2, 0) / finite.length);
  const counts = new Array<number>(bins).fill(0);
  const width = (max - min) / bins;
  for (const v of finite) {
    let k = width > 0 ? Math.floor((v - min) / width) : 0;
    if (k >= bins) k = bins - 1;
    counts[k]++;
  }
  return {
    count: values.length, min, max, mean, std, counts,
    zeros: values.filter((v) => v === 0).length, nan: values.filter((v) => Number.isNaN(v)).length,
    inf: values.filter((v) => v === Infinity || v === -Infinity).length,
  };
}

function assertMatches(s: WeightSummary, values: number[], where: string): void {
  const r = reference(values);
  assert.equal(s.stats.count, r.count, `${where}: count`);
  for (const k of ['min', 'max'] as const) assert.equal(s.stats[k], r[k], `${where}: ${k}`);
  for (const k of ['mean', 'std'] as const) assert.ok(Math.abs(s.stats[k] - r[k]) <= 1e-9 * Math.max(1, Math.abs(r[k])), `${where}: ${k} ${s.stats[k]} vs ${r[k]}`);
  assert.deepEqual([s.stats.zeros, s.stats.nan, s.stats.inf], [r.zeros, r.nan, r.inf], `${where}: zeros, NaN, Inf`);
  assert.equal(s.histogram.counts.length, 32, `${where}: bins`);
  assert.deepEqual(s.histogram.counts, r.counts, `${where}: histogram`);
}

function doc(path: string): DocumentVersion {
  return { key: `file://${path}`, version: '1', path, title: path };
}

async function storeWith(path: string): Promise<ModelStore> {
  const store = new ModelStore();
  const reply = await store.open(doc(path), false);
  assert.ok(reply.graph, reply.error);
  return store;
}

function summaryOf(store: ModelStore, path: string, tensor: string): { summary: WeightSummary; first: number[] } {
  const r = store.weight(doc(path).key, tensor, 0);
  assert.ok(r.summary && r.page, `${tensor}: ${r.error}`);
  return { summary: r.summary, first: r.page.values };
}

test('MNIST: every float initializer\'s statistics, histogram and first values equal the ones computed over its float_data', async () => {
  const store = await storeWith(MNIST);
  const floats = decode(MNIST).graph.initializer.filter((t) => t.data_type === 1);
  assert.equal(floats.length, 6);
  for (const t of floats) {
    const values = Array.from(Float32Array.from(t.float_data!));
    const { summary, first } = summaryOf(store, MNIST, t.name);
    assert.deepEqual(summary.dims, t.dims.map(Number));
    assert.equal(summary.dtype, 'float32');
    assertMatches(summary, values, t.name);
    assert.deepEqual(first, values.slice(0, 100));
  }
  // conv1's W (Parameter5, 8×1×5×5): the pager goes on from 100 and stops at the end.
  const page = store.weight(doc(MNIST).key, 'Parameter5', 100);
  assert.equal(page.summary, undefined, 'statistics are sent once');
  assert.deepEqual([page.page?.offset, page.page?.values.length, page.page?.total], [100, 100, 200]);
  assert.match(store.weight(doc(MNIST).key, 'Convolution28_Output_0', 0).error ?? '', /Convolution28_Output_0: no weight of this name/);
});

test('the reference comparison fails on a summary that is off by one value', async () => {
  const store = await storeWith(MNIST);
  const t = decode(MNIST).graph.initializer.find((x) => x.name === 'Parameter5')!;
  const values = Array.from(Float32Array.from(t.float_data!));
  const { summary } = summaryOf(store, MNIST, 'Parameter5');
  const broken = { ...summary, histogram: { ...summary.histogram, counts: summary.histogram.counts.map((c, i) => (i === 3 ? c + 1 : c)) } };
  assert.throws(() => assertMatches(broken, values, 'broken'), /histogram/);
  assert.throws(() => assertMatches(summary, values.map((v, i) => (i === 0 ? v + 1 : v)), 'shifted'), /max|mean|min/);
});

test('float16 and int8 copies of MNIST\'s weights: statistics over the decoded stored values', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-weights-'));
  const proto = decode(MNIST);
  const expected = new Map<string, number[]>();
  for (const [i, t] of proto.graph.initializer.entries()) {
    if (t.data_type !== 1) continue;
    const f = Float32Array.from(t.float_data!);
    if (i % 2 === 0) {
      // float16 (data_type 10): rounded by the runtime's own converter, read back here through a float32's bits.
      const bits = toFloat16Bits(f);
      t.data_type = 10;
      t.raw_data = new Uint8Array(bits.buffer);
      expected.set(t.name, Array.from(bits, halfToNumber));
    } else {
      // int8 (data_type 3): the values scaled to ±127, as a quantiser stores them.
      const scale = 127 / Math.max(...Array.from(f, Math.abs));
      const q = Int8Array.from(f, (v) => Math.round(v * scale));
      t.data_type = 3;
      t.raw_data = new Uint8Array(q.buffer);
      expected.set(t.name, Array.from(q));
    }
    t.float_data = [];
  }
  const path = join(dir, 'mnist-mixed.onnx');
  writeFileSync(path, ModelProtoType.encode(proto as never).finish());
  const store = await storeWith(path);
  for (const [name, values] of expected) {
    const { summary, first } = summaryOf(store, path, name);
    assertMatches(summary, values, name);
    assert.deepEqual(first, values.slice(0, 100), name);
  }
  const dtypes = new Set([...expected.keys()].map((n) => summaryOf(store, path, n).summary.dtype));
  assert.deepEqual([...dtypes].sort(), ['float16', 'int8']);
});

test('external data (Ultraface): read from the data file on request; a missing file is named in one line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-weights-ext-'));
  const path = externalised(dir, 'weights.bin', true);
  const data = readFileSync(join(dir, 'weights.bin'));
  const store = await storeWith(path);
  const external = decode(path).graph.initializer.filter((t) => t.data_location === 1);
  assert.ok(external.length >= 4);
  for (const t of external) {
    const at = (k: string) => Number(t.external_data!.find((e) => e.key === k)!.value);
    const bytes = data.subarray(at('offset'), at('offset') + at('length'));
    const values = Array.from(new Float32Array(new Uint8Array(bytes).buffer));
    assertMatches(summaryOf(store, path, t.name).summary, values, t.name);
  }
  const lost = mkdtempSync(join(tmpdir(), 'convlens-weights-lost-'));
  const lostPath = externalised(lost, 'weights.bin', false);
  const lostStore = new ModelStore();
  await lostStore.open(doc(lostPath), false);
  const r = lostStore.weight(doc(lostPath).key, external[0].name, 0);
  assert.equal(r.summary, undefined);
  assert.match(r.error ?? '', /weights\.bin/);
  assert.doesNotMatch(r.error ?? '', /\n/);
});

test('NaN, ±Inf and zeros are counted apart; the statistics are over the finite values; too large a tensor is refused in one line', () => {
  const t = tensorFromBytes('w', 'float32', [2, 4], new Uint8Array(Float32Array.from([0, 1, NaN, -2, Infinity, 0, -Infinity, 3]).buffer));
  const s = summarizeWeight(t);
  assert.deepEqual([s.stats.count, s.stats.zeros, s.stats.nan, s.stats.inf, s.stats.min, s.stats.max, s.stats.mean], [8, 2, 1, 2, -2, 3, 0.4]);
  assertMatches(s, [0, 1, NaN, -2, Infinity, 0, -Infinity, 3], 'w');
  const huge = { ...t, name: 'huge', dims: [MAX_WEIGHT_ELEMENTS + 1], values: () => { throw new Error('must not be decoded'); } };
  assert.throws(() => summarizeWeight(huge), /huge: 67,108,865 elements, more than the 67,108,864/);
});

test('TF.js: each weight\'s statistics equal those of the tensor @tensorflow/tfjs holds for it', async () => {
  const m = sequentialCnn();
  const path = await saveTfjs(m);
  const store = await storeWith(path);
  let checked = 0;
  for (const layer of m.layers) {
    for (const w of layer.weights) {
      const values = Array.from(w.read().dataSync());
      const name = w.originalName;
      const { summary, first } = summaryOf(store, path, name);
      assert.deepEqual(summary.dims, w.shape, name);
      assertMatches(summary, values, name);
      assert.deepEqual(first, values.slice(0, 100), name);
      checked++;
    }
  }
  assert.equal(checked, 19, `${checked} weights`);
});

test('TF.js from an editor\'s unsaved text: the weights are read beside it (the same statistics as tfjs\'s), again when a shard changes, never in Restricted Mode', async () => {
  const m = sequentialCnn();
  const path = await saveTfjs(m);
  const text = readFileSync(path, 'utf8');
  const store = new ModelStore();
  const version = (v: number, extra: Partial<DocumentVersion> = {}): DocumentVersion => ({ key: `file://${path}`, version: `text:${v}`, path, title: 'model.json', text: text + ' '.repeat(v), ...extra });
  const fromFile = await new ModelStore().open(doc(path), false);
  const reply = await store.open(version(1), true);
  assert.ok(reply.graph && reply.json, reply.error);
  assert.equal(reply.json!.totals!.params, analyze(await readModelFile(path)).totals.params, 'the text\'s figures are the file\'s');
  assert.deepEqual(reply.graph.nodeCount, fromFile.graph!.nodeCount);
  const conv = m.layers.find((l) => l.getClassName() === 'Conv2D')!;
  const kernel = conv.weights[0];
  const { summary } = (() => { const r = store.weight(`file://${path}`, kernel.originalName, 0); assert.ok(r.summary, r.error); return { summary: r.summary }; })();
  assertMatches(summary, Array.from(kernel.read().dataSync()), kernel.originalName);
  // Run lowers what the editor shows: with the saved weights, the same ONNX as the file's (not generated ones).
  const loweredText = await store.lowered(version(1));
  const loweredFile = await new ModelStore().lowered(doc(path));
  assert.ok(loweredText.bytes && loweredFile.bytes, loweredText.error ?? loweredFile.error);
  assert.ok(Buffer.from(loweredText.bytes).equals(Buffer.from(loweredFile.bytes)), 'the lowered model of the text is the file\'s');
  // A new shard (another model's weights, same layout) is read for the next version of the text.
  const other = sequentialCnn();
  await saveTfjs(other, join(path, '..'));
  writeFileSync(path, text); // the topology the editor shows stays as it was
  const again = store.weight(`file://${path}`, kernel.originalName, 0);
  assert.ok(again.summary);
  assert.equal(again.summary.stats.mean, summary.stats.mean, 'the same version keeps its weights');
  await store.open(version(2), true);
  const next = store.weight(`file://${path}`, kernel.originalName, 0);
  assert.ok(next.summary, next.error);
  assertMatches(next.summary, Array.from(other.layers.find((l) => l.getClassName() === 'Conv2D')!.weights[0].read().dataSync()), 'after the shard changed');
  // Restricted Mode: nothing beside the file is read, and the weight says why.
  const store2 = new ModelStore();
  const restricted = await store2.open(version(3, { onlyThisFile: 'untrusted' }), true);
  assert.ok(restricted.graph);
  assert.ok(restricted.json!.problems.some((p) => /19 weights are missing: .*Restricted Mode/.test(p.message)), JSON.stringify(restricted.json!.problems));
  assert.match(store2.weight(`file://${path}`, kernel.originalName, 0).error ?? '', /holds no values/);
});

test('TF.js editor text: a renamed layer is warned about once per version, and a manifest the reader refuses leaves the text analysed, saying why', async () => {
  const path = await saveTfjs(sequentialCnn());
  const text = readFileSync(path, 'utf8');
  const store = new ModelStore();
  // 'c1' renamed in the topology only: its saved weights 'c1/…' name no layer now.
  const renamed = text.replace(/"name":"c1"/g, '"name":"c1x"');
  assert.notEqual(renamed, text);
  for (const v of [1, 2, 3]) {
    const r = await store.open({ key: `file://${path}`, version: `text:${v}`, path, title: 'model.json', text: renamed + ' '.repeat(v) }, true);
    const said = r.json!.problems.filter((p) => /name no layer of the model/.test(p.message));
    assert.equal(said.length, 1, `version ${v}: ${said.map((p) => p.message).join(' | ')}`);
  }
  const broken = JSON.stringify({ ...JSON.parse(text), weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'c1/kernel', dtype: 'float32' }] }] });
  const r = await store.open({ key: `file://${path}`, version: 'text:9', path, title: 'model.json', text: broken }, true);
  assert.ok(r.graph, r.error);
  assert.ok(r.json!.layers.length > 10, 'the layers are still read and analysed');
  assert.ok(r.json!.problems.some((p) => /shape/.test(p.message)), JSON.stringify(r.json!.problems.map((p) => p.message)));
});
