/**
 * Hostile input: every failure is a one-line ModelError saying what and where, never a raw
 * protobufjs error, a stack overflow, a hang or a crash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpus } from '../helpers/corpus';
import { prng, generateChain } from '../helpers/generate';
import { readModelBytes } from '../../src/formats/index';
import { readOnnx, readOnnxFile } from '../../src/formats/onnx/reader';
import { encodeModel } from '../../src/formats/onnx/writer';
import { ModelProtoType } from '../../src/formats/onnx/schema';
import { ModelError, type Model } from '../../src/ir/types';

function expectModelError(f: () => unknown, pattern?: RegExp): ModelError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ModelError, `expected ModelError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    if (pattern) assert.match(e.message, pattern);
    return e;
  }
  assert.fail('expected a ModelError, but reading succeeded');
}

/** Reads and touches everything a consumer would (weights included), so lazy errors surface too. */
function readAll(bytes: Uint8Array): Model {
  const m = readOnnx(bytes, { path: '/nonexistent-folder/fuzz.onnx' });
  for (const t of m.graph.initializers.values()) if (!t.missing && !t.external && t.dtype !== 'string') t.values();
  return m;
}

const seeds = ['real/mnist_c_cxx.onnx', 'real/image_classifier32.onnx', 'real/version-slim-320.onnx', 'onnx-backend/light/light_inception_v1.onnx'];

test('thousands of mutated corpus files each read or throw a one-line ModelError, in bounded time', () => {
  const rand = prng(20240601);
  let read = 0;
  let refused = 0;
  const started = performance.now();
  for (const name of seeds) {
    const original = readFileSync(corpus(...name.split('/')));
    for (let k = 0; k < 1000; k++) {
      const b = Buffer.from(original);
      const kind = k % 5;
      let bytes: Uint8Array = b;
      if (kind === 0) {
        bytes = b.subarray(0, Math.floor(rand() * b.length)); // truncation
      } else if (kind === 1) {
        const flips = 1 + Math.floor(rand() * 8);
        for (let i = 0; i < flips; i++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      } else if (kind === 2) {
        // Corrupt the first 512 bytes, where tags and lengths of the structure live.
        for (let i = 0; i < 4; i++) b[Math.floor(rand() * Math.min(512, b.length))] ^= 1 << Math.floor(rand() * 8);
      } else if (kind === 3) {
        // Random values over the first 2 KB: attribute types, enums, lengths of the first messages.
        for (let i = 0; i < 6; i++) b[Math.floor(rand() * Math.min(2048, b.length))] = Math.floor(rand() * 256);
      } else {
        // Splice: a chunk moved elsewhere (lengths no longer line up).
        const from = Math.floor(rand() * b.length);
        const len = Math.floor(rand() * 64);
        const to = Math.floor(rand() * b.length);
        b.copy(b, to, from, from + len);
      }
      const t0 = performance.now();
      try {
        readAll(bytes);
        read++;
      } catch (e) {
        assert.ok(e instanceof ModelError, `${name} mutation ${k} (kind ${kind}): ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        assert.ok(!e.message.includes('\n'));
        refused++;
      }
      assert.ok(performance.now() - t0 < 2000, `${name} mutation ${k} took too long`);
    }
  }
  assert.equal(read + refused, seeds.length * 1000);
  assert.ok(refused > 100 && read > 100, `read ${read}, refused ${refused}`);
  assert.ok(performance.now() - started < 120_000);
});

test('random bytes are refused with the byte where decoding failed', () => {
  const rand = prng(99);
  for (let k = 0; k < 300; k++) {
    const bytes = new Uint8Array(1 + Math.floor(rand() * 4096)).map(() => Math.floor(rand() * 256));
    try {
      readAll(bytes);
    } catch (e) {
      assert.ok(e instanceof ModelError, String(e));
    }
  }
  expectModelError(() => readOnnx(new Uint8Array([0x0a, 0xff, 0xff, 0x03])), /not an ONNX model: protobuf decoding failed at byte \d+/);
});

test('empty file, JSON text, and JSON with an .onnx extension get clear messages', async () => {
  expectModelError(() => readOnnx(new Uint8Array(0)), /empty file/);
  await assert.rejects(readModelBytes(new Uint8Array(0), '/tmp/x.onnx'), /empty file/);
  const json = Buffer.from(JSON.stringify({ hello: 1, graph: { nodes: [] } }));
  await assert.rejects(readModelBytes(json, '/tmp/model.onnx'), (e: Error) => e instanceof ModelError && /holds JSON text.*not an ONNX protobuf model/.test(e.message) && /hello, graph/.test(e.message));
  await assert.rejects(readModelBytes(json, '/tmp/model.json'), (e: Error) => e instanceof ModelError && /JSON file is not a model format/.test(e.message));
  await assert.rejects(readModelBytes(Buffer.from('hello world\n'), '/tmp/notes.txt'), /not a model format ConvLens recognizes/);
  // Binary data with the .onnx extension goes to the ONNX reader, which says why it failed.
  await assert.rejects(readModelBytes(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2]), '/tmp/bad.onnx'), /not an ONNX model/);
});

function tinyModel(): Model {
  return generateChain(3);
}

test('invalid dtype enums, negative dims and absurd sizes name the tensor', () => {
  const proto = ModelProtoType.decode(encodeModel(tinyModel())) as unknown as { graph: { initializer: { data_type: number; dims: number[]; raw_data: Uint8Array }[]; output: { type: { tensor_type: { elem_type: number } } }[] } };
  const mutate = (f: (p: typeof proto) => void): Uint8Array => {
    const p = ModelProtoType.decode(ModelProtoType.encode(proto as never).finish()) as unknown as typeof proto;
    f(p);
    return ModelProtoType.encode(p as never).finish();
  };
  expectModelError(() => readOnnx(mutate((p) => (p.graph.initializer[0].data_type = 99))), /initializer 'block0.conv.weight'.*unknown data_type 99/);
  expectModelError(() => readOnnx(mutate((p) => (p.graph.initializer[0].dims = [4, -4, 3, 3]))), /initializer 'block0.conv.weight'.*negative dimension -4/);
  expectModelError(() => readOnnx(mutate((p) => (p.graph.initializer[0].dims = [2 ** 40, 2 ** 20]))), /more than any real tensor/);
  expectModelError(() => readOnnx(mutate((p) => (p.graph.initializer[0].dims = [4, 4, 3, 4]))), /raw_data holds 576 bytes but float32\[4, 4, 3, 4\] needs 768/);
  expectModelError(() => readOnnx(mutate((p) => (p.graph.output[0].type.tensor_type.elem_type = 1000))), /output 'output'.*unknown elem_type 1000/);
});

test('a 10,000-node chain reads without recursion trouble', () => {
  const bytes = encodeModel(generateChain(10_000, { weights: false }));
  const m = readOnnx(bytes);
  assert.equal(m.graph.nodes.length, 10_000);
  assert.equal(new Set(m.graph.nodes.map((n) => n.id)).size, 10_000);
});

test('subgraphs nested 10,000 deep are refused with a message, not a stack overflow', () => {
  // If(then_branch = graph{ If(then_branch = ...) }), innermost first.
  let graph: Buffer = Buffer.alloc(0);
  // Encoding 10,000 levels with protobufjs would itself recurse; write the varint-framed bytes by hand.
  const varint = (n: number): number[] => { const out: number[] = []; while (n > 127) { out.push((n & 127) | 128); n = Math.floor(n / 128); } out.push(n); return out; };
  const field = (num: number, payload: Buffer): Buffer => Buffer.concat([Buffer.from([...varint(num * 8 + 2), ...varint(payload.length)]), payload]);
  for (let i = 0; i < 10_000; i++) {
    const attr = Buffer.concat([field(1, Buffer.from('then_branch')), Buffer.from([0xa0, 0x01, 5]), field(6, graph)]); // name, type=GRAPH(field 20), g
    const node = Buffer.concat([field(4, Buffer.from('If')), field(5, attr)]);
    graph = field(1, node); // GraphProto.node
  }
  const model = Buffer.concat([Buffer.from([0x08, 8]), field(7, graph)]);
  expectModelError(() => readOnnx(model), /nest more than \d+ levels/);
});

test('external data locations that leave the folder are refused at read time', () => {
  const m = tinyModel();
  const bytes = encodeModel(m);
  const p = ModelProtoType.decode(bytes) as unknown as { graph: { initializer: Record<string, unknown>[] } };
  const withLocation = (loc: string): Uint8Array => {
    const q = ModelProtoType.decode(bytes) as unknown as typeof p;
    const t = q.graph.initializer[0];
    t.raw_data = new Uint8Array(0);
    t.data_location = 1;
    t.external_data = [{ key: 'location', value: loc }, { key: 'offset', value: '0' }];
    return ModelProtoType.encode(q as never).finish();
  };
  expectModelError(() => readOnnx(withLocation('/etc/passwd'), { path: '/tmp/m.onnx' }), /refusing absolute file location/);
  expectModelError(() => readOnnx(withLocation('C:\\weights.bin'), { path: '/tmp/m.onnx' }), /refusing absolute file location/);
  expectModelError(() => readOnnx(withLocation('../../etc/passwd'), { path: '/tmp/sub/m.onnx' }), /'\.\.' would leave the model's folder/);
  expectModelError(() => readOnnx(withLocation('a/..\\..\\b'), { path: '/tmp/sub/m.onnx' }), /'\.\.'/);
  // Read from bytes alone: the read succeeds, the weight says why it cannot be reached.
  const m2 = readOnnx(withLocation('w.bin'));
  expectModelError(() => m2.graph.initializers.get('block0.conv.weight')!.bytes(), /model was not read from a file/);
});

test('mutated files read from disk by the skeleton reader also read or throw a ModelError', () => {
  const rand = prng(777);
  const dir = mkdtempSync(join(tmpdir(), 'convlens-fuzz-'));
  const original = readFileSync(corpus('real', 'version-RFB-640.onnx'));
  let refused = 0;
  for (let k = 0; k < 300; k++) {
    const b = Buffer.from(original);
    if (k % 2) for (let i = 0; i < 6; i++) b[Math.floor(rand() * Math.min(4096, b.length))] = Math.floor(rand() * 256);
    const bytes = k % 2 ? b : b.subarray(0, Math.floor(rand() * b.length));
    const path = join(dir, `m${k}.onnx`);
    writeFileSync(path, bytes);
    try {
      const m = readOnnxFile(path);
      for (const t of m.graph.initializers.values()) if (!t.missing && !t.external && t.dtype !== 'string') t.values();
    } catch (e) {
      assert.ok(e instanceof ModelError, `mutation ${k}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      refused++;
    }
  }
  assert.ok(refused > 50, `refused ${refused}`);
});
