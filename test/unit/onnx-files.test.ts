/**
 * Reading from disk: the skeleton reader (weights left on disk until asked for), external data
 * files (read lazily, confined to the model's folder), and the generated big models, all checked
 * against the whole-file reader and ONNX Runtime.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { corpus } from '../helpers/corpus';
import { prng, resnet50File, chainFile } from '../helpers/generate';
import { readOnnx, readOnnxFile } from '../../src/formats/onnx/reader';
import { ModelProtoType } from '../../src/formats/onnx/schema';
import { readModelFile } from '../../src/formats/index';
import type { Model } from '../../src/ir/types';

const tmp = mkdtempSync(join(tmpdir(), 'convlens-onnx-files-'));

function sameWeights(a: Model, b: Model): number {
  assert.deepEqual([...a.graph.initializers.keys()], [...b.graph.initializers.keys()]);
  let n = 0;
  for (const [name, t] of a.graph.initializers) {
    const u = b.graph.initializers.get(name)!;
    assert.equal(u.byteLength, t.byteLength, name);
    if (t.missing || t.dtype === 'string') continue;
    assert.ok(Buffer.from(t.bytes()).equals(Buffer.from(u.bytes())), `${name} bytes`);
    n++;
  }
  return n;
}

test('the skeleton reader gives the same model as reading the whole file (corpus)', () => {
  for (const name of ['real/version-RFB-640.onnx', 'real/mnist_c_cxx.onnx', 'onnx-backend/light/light_inception_v1.onnx']) {
    const path = corpus(...name.split('/'));
    const whole = readOnnx(readFileSync(path), { path });
    const lazy = readOnnxFile(path);
    assert.equal(lazy.graph.nodes.length, whole.graph.nodes.length);
    assert.deepEqual(lazy.graph.nodes.map((n) => [n.id, n.opType, n.inputs, n.outputs]), whole.graph.nodes.map((n) => [n.id, n.opType, n.inputs, n.outputs]));
    sameWeights(whole, lazy);
  }
});

test('weights read on demand notice that the file changed since it was opened', () => {
  const path = join(tmp, 'changing.onnx');
  copyFileSync(corpus('real', 'version-RFB-640.onnx'), path);
  const m = readOnnxFile(path);
  const skipped = [...m.graph.initializers.values()].filter((t) => t.byteLength >= 4096);
  assert.ok(skipped.length > 10);
  assert.equal(skipped[0].bytes().byteLength, skipped[0].byteLength);
  utimesSync(path, new Date(), new Date(Date.now() + 5000));
  assert.throws(() => skipped[1].bytes(), (e: Error) => e.name === 'ModelError' && /changed on disk since it was opened/.test(e.message));
});

test('generated ResNet-50 (~100 MB): read from disk lazily, 25.6M parameters, 175 nodes, ORT runs it', async () => {
  const path = resnet50File();
  const model = await readModelFile(path);
  assert.equal(model.graph.nodes.length, 175);
  let params = 0;
  for (const t of model.graph.initializers.values()) params += t.dims.reduce((a, b) => a * b, 1);
  // torchvision's resnet50 has 25,557,032 learnable parameters; + 53,120 BatchNorm running statistics.
  assert.equal(params, 25_557_032 + 53_120);
  assert.deepEqual(model.graph.nodes.find((n) => n.id === '/layer1/layer1.0/conv1/Conv')?.scope, ['layer1', 'layer1.0', 'conv1']);
  // Lazily read weights equal the bytes in the file.
  const whole = readOnnx(readFileSync(path), { path });
  assert.equal(sameWeights(whole, model), 267);
  const s = await ort.InferenceSession.create(path, { logSeverityLevel: 3 });
  const rand = prng(1);
  const x = new ort.Tensor('float32', Float32Array.from({ length: 3 * 224 * 224 }, () => rand()), [1, 3, 224, 224]);
  const y = (await s.run({ input: x })).output;
  assert.deepEqual(y.dims, [1, 1000]);
  assert.ok((y.data as Float32Array).every(Number.isFinite));
});

test('generated 10,000-node chain: ORT accepts it and our reader keeps every node', async () => {
  const path = chainFile(10_000);
  const model = await readModelFile(path);
  assert.equal(model.graph.nodes.length, 10_000);
  const s = await ort.InferenceSession.create(path, { logSeverityLevel: 3, graphOptimizationLevel: 'disabled' });
  const y = (await s.run({ input: new ort.Tensor('float32', new Float32Array(256).fill(0.5), [1, 4, 8, 8]) })).output;
  assert.ok((y.data as Float32Array).every(Number.isFinite));
});

/** slim-320 with every initializer over 1 KB moved to `weights.bin` beside it, as ONNX's external data. */
function externalise(dir: string, location = 'weights.bin'): string {
  mkdirSync(dir, { recursive: true });
  const bytes = readFileSync(corpus('real', 'version-slim-320.onnx'));
  const proto = ModelProtoType.decode(bytes) as unknown as { graph: { initializer: { raw_data: Uint8Array; data_location?: number; external_data?: { key: string; value: string }[] }[] } };
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const t of proto.graph.initializer) {
    if (!(t.raw_data instanceof Uint8Array) || t.raw_data.byteLength < 1024) continue;
    const pad = (4096 - (offset % 4096)) % 4096; // page-aligned, as ONNX recommends
    chunks.push(Buffer.alloc(pad), Buffer.from(t.raw_data));
    offset += pad;
    t.external_data = [{ key: 'location', value: location }, { key: 'offset', value: String(offset) }, { key: 'length', value: String(t.raw_data.byteLength) }];
    t.data_location = 1;
    offset += t.raw_data.byteLength;
    t.raw_data = new Uint8Array(0);
  }
  writeFileSync(join(dir, 'weights.bin'), Buffer.concat(chunks));
  const path = join(dir, 'model.onnx');
  writeFileSync(path, ModelProtoType.encode(proto as never).finish());
  return path;
}

test('external data: read lazily, same weights as the inline model, and ORT agrees', async () => {
  const path = externalise(join(tmp, 'ext'));
  const inline = readOnnx(readFileSync(corpus('real', 'version-slim-320.onnx')));
  const model = await readModelFile(path);
  const ext = [...model.graph.initializers.values()].filter((t) => t.external);
  assert.ok(ext.length > 50, `${ext.length} external tensors`);
  assert.equal(ext[0].external?.location, 'weights.bin');
  sameWeights(inline, model);
  const rand = prng(3);
  const x = new ort.Tensor('float32', Float32Array.from({ length: 3 * 240 * 320 }, () => rand()), [1, 3, 240, 320]);
  const a = await (await ort.InferenceSession.create(path, { logSeverityLevel: 3 })).run({ input: x });
  const b = await (await ort.InferenceSession.create(corpus('real', 'version-slim-320.onnx'), { logSeverityLevel: 3 })).run({ input: x });
  for (const k of Object.keys(b)) assert.deepEqual(Array.from(a[k].data as Float32Array), Array.from(b[k].data as Float32Array));
});

test('external data through a symbolic link that leaves the folder is refused', async () => {
  const outside = join(tmp, 'outside');
  externalise(outside);
  const dir = join(tmp, 'linked');
  const path = externalise(dir, 'link.bin');
  symlinkSync(join(outside, 'weights.bin'), join(dir, 'link.bin'));
  await assert.rejects(readModelFile(path), (e: Error) => e.name === 'ModelError' && /resolves to .*outside the model's folder/.test(e.message));
});

test('missing external file: the model reads, the weight says the file is missing', async () => {
  const dir = join(tmp, 'missing');
  const path = externalise(dir, 'gone.bin');
  const model = await readModelFile(path);
  const t = [...model.graph.initializers.values()].find((x) => x.external)!;
  assert.throws(() => t.bytes(), (e: Error) => e.name === 'ModelError' && /cannot open external data file "gone.bin": ENOENT/.test(e.message));
});
