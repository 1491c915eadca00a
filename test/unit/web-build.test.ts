/**
 * The web extension's bundles run without Node: the model worker is evaluated in a bare JavaScript
 * context (no require, no Buffer, no process: what a browser worker has) and reads the models the
 * desktop reads into the same graph; the extension bundle requires nothing but `vscode`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { readModelFile } from '../../src/formats/index';
import { readModelWithSiblings } from '../../src/formats/bytes';
import { ModelProtoType } from '../../src/formats/onnx/schema';
import { saveTfjs, sequentialCnn } from './tfjs-fixtures';
import { analyze } from '../../src/analysis/analyze';
import { buildViewGraph } from '../../src/view/buildViewGraph';
import type { ViewGraph } from '../../src/protocol/viewModel';
import { corpus } from '../helpers/corpus';

const root = resolve(__dirname, '..', '..');
const dist = (f: string) => join(root, 'dist', f);

/** The web model worker in a bare context; `readSibling` plays the web extension host's part (src/web/extension.ts readSibling). */
function browserWorker(readSibling: (location: string) => Promise<Uint8Array> = async (l) => { throw new Error(`${l}: not here`); }) {
  const replies: { id: number; ok: boolean; value?: unknown; error?: string }[] = [];
  const self: { onmessage?: (ev: { data: unknown }) => void; postMessage(m: unknown): void } = {
    postMessage: (m) => {
      const msg = m as { type: string; id: number; location?: string };
      if (msg.type !== 'readSibling') return void replies.push(m as (typeof replies)[number]);
      readSibling(msg.location!).then(
        (bytes) => self.onmessage!({ data: { type: 'reply', id: msg.id, ok: true, value: clone(bytes) } }),
        (e: Error) => self.onmessage!({ data: { type: 'reply', id: msg.id, ok: false, error: e.message } }),
      );
    },
  };
  // What a browser worker has (AbortController: the shared request/reply lets a caller cancel).
  const ctx = createContext({ self, TextDecoder, TextEncoder, atob, btoa, console, setTimeout, clearTimeout, queueMicrotask, AbortController, AbortSignal });
  runInContext(readFileSync(dist('webModelWorker.js'), 'utf8'), ctx, { filename: 'webModelWorker.js' });
  assert.equal(typeof self.onmessage, 'function');
  // postMessage clones into the worker's realm: its bytes are that realm's Uint8Array.
  const clone = runInContext('(src) => { const b = new Uint8Array(src.length); b.set(src); return b; }', ctx) as (b: Uint8Array) => Uint8Array;
  return {
    async open(bytes: Uint8Array, path: string): Promise<(typeof replies)[number]> {
      const id = replies.length + 1;
      self.onmessage!({ data: { type: 'open', id, bytes: clone(bytes), path, title: path.slice(path.lastIndexOf('/') + 1), uri: `file://${path}` } });
      for (let i = 0; i < 200 && !replies.some((r) => r.id === id); i++) await new Promise((r) => setTimeout(r, 10));
      const r = replies.find((x) => x.id === id);
      assert.ok(r, `no reply for ${path}`);
      return r;
    },
  };
}

const summary = (g: ViewGraph) => g.nodes.map((n) => `${n.id} ${n.op} ${n.params} ${n.macs} ${n.outputs.map((o) => JSON.stringify(g.tensors[o]?.shape)).join(' ')}`);

test('the web model worker reads ONNX and JSON models into the graph the desktop draws, with no Node', async () => {
  const worker = browserWorker();
  for (const file of [join(root, 'media/samples/mnist_c_cxx.onnx'), corpus('real', 'Ultraface_version-RFB-320.onnx'), corpus('keras-json', 'mnist_cnn.json'), join(root, 'media/samples/zoo/googlenet.json')]) {
    const bytes = readFileSync(file);
    const r = await worker.open(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
    assert.ok(r.ok, `${file}: ${r.error}`);
    const model = await readModelFile(file);
    const want = buildViewGraph(model, analyze(model), file.slice(file.lastIndexOf('/') + 1));
    const got = JSON.parse(JSON.stringify(r.value)) as ViewGraph; // out of the worker's realm, as postMessage does
    assert.deepEqual(summary(got), summary(want), file);
    assert.deepEqual(got.totals, want.totals, file);
  }
});

test('the web model worker answers a file it cannot read with one line', async () => {
  const r = await browserWorker().open(new Uint8Array([0x08, 0x07, 0x12, 0xff, 0xff, 0xff, 0x01]), '/ws/broken.onnx');
  assert.equal(r.ok, false);
  assert.match(r.error ?? '', /^broken\.onnx: not an ONNX model: /);
  assert.ok(!(r.error ?? '').includes('\n'));
});

test('the web extension bundle requires only vscode', () => {
  const code = readFileSync(dist('webExtension.js'), 'utf8');
  const required = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(required)], ['vscode']);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.equal(pkg.browser, './dist/webExtension.js');
});

/** The web extension host's part, played by the test: a file beside the model, from its folder on disk. */
function diskSiblings(modelPath: string, asked: string[]) {
  return async (location: string): Promise<Uint8Array> => {
    asked.push(location);
    return new Uint8Array(readFileSync(join(dirname(modelPath), location)));
  };
}

/** mnist_c_cxx.onnx with every initializer moved to `location` beside it, as ONNX's external data. */
function externalised(dir: string, location = 'weights.bin'): string {
  mkdirSync(dir, { recursive: true });
  type Init = { raw_data: Uint8Array; float_data: number[]; int64_data: (number | { toString(): string })[]; data_location?: number; external_data?: { key: string; value: string }[] };
  const proto = ModelProtoType.decode(readFileSync(join(root, 'media/samples/mnist_c_cxx.onnx'))) as unknown as { graph: { initializer: Init[] } };
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const t of proto.graph.initializer) {
    // The sample stores its tensors as float_data / int64_data; external data is raw little-endian bytes.
    if (t.float_data?.length) t.raw_data = new Uint8Array(Float32Array.from(t.float_data).buffer);
    else if (t.int64_data?.length) t.raw_data = new Uint8Array(BigInt64Array.from(t.int64_data.map((v) => BigInt(v.toString()))).buffer);
    t.float_data = [];
    t.int64_data = [];
    if (!(t.raw_data instanceof Uint8Array) || t.raw_data.byteLength === 0) continue;
    chunks.push(Buffer.from(t.raw_data));
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

test('the web build reads files beside a model through its host: ONNX external data and TF.js shards, the desktop\'s graph', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'convlens-web-siblings-'));
  const onnx = externalised(join(tmp, 'onnx'));
  const tfjs = await saveTfjs(sequentialCnn(), (mkdirSync(join(tmp, 'tfjs')), join(tmp, 'tfjs')));
  for (const file of [onnx, tfjs]) {
    const asked: string[] = [];
    const worker = browserWorker(diskSiblings(file, asked));
    const r = await worker.open(new Uint8Array(readFileSync(file)), file);
    assert.ok(r.ok, `${file}: ${r.error}`);
    assert.deepEqual(asked, ['weights.bin'], `${file}: the one file beside it, asked for once`);
    const model = await readModelFile(file);
    const want = buildViewGraph(model, analyze(model), basename(file));
    const got = JSON.parse(JSON.stringify(r.value)) as ViewGraph;
    assert.deepEqual(summary(got), summary(want), file);
    assert.deepEqual(got.totals, want.totals, file);
    assert.deepEqual(got.warnings, want.warnings, `${file}: no missing-weights warning`);
  }
  // The tensors' bytes come from memory, the same as the desktop reads from the disk.
  const here = await readModelFile(onnx);
  const web = await readModelWithSiblings(new Uint8Array(readFileSync(onnx)), onnx, diskSiblings(onnx, []));
  let n = 0;
  for (const [name, t] of here.graph.initializers) {
    assert.ok(t.external, name);
    assert.ok(Buffer.from(web.graph.initializers.get(name)!.bytes()).equals(Buffer.from(t.bytes())), name);
    n++;
  }
  assert.ok(n >= 4, `${n} external tensors`);
});

test('the web build refuses a file location that leaves the model\'s folder, as the desktop does, and never asks for it', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'convlens-web-siblings-'));
  const onnx = externalised(join(tmp, 'onnx'), '../weights.bin');
  const asked: string[] = [];
  const r = await browserWorker(diskSiblings(onnx, asked)).open(new Uint8Array(readFileSync(onnx)), onnx);
  assert.equal(r.ok, false);
  assert.match(r.error ?? '', /refusing file location "\.\.\/weights\.bin": '\.\.' would leave the model's folder/);
  await assert.rejects(readModelFile(onnx), /refusing file location "\.\.\/weights\.bin": '\.\.' would leave the model's folder/);
  // A TF.js shard listed as an absolute path: its weights are missing, with the reason; the graph is drawn.
  const tfjs = await saveTfjs(sequentialCnn(), (mkdirSync(join(tmp, 'tfjs')), join(tmp, 'tfjs')));
  const json = JSON.parse(readFileSync(tfjs, 'utf8'));
  json.weightsManifest[0].paths = ['/etc/passwd'];
  writeFileSync(tfjs, JSON.stringify(json));
  const t = await browserWorker(diskSiblings(tfjs, asked)).open(new Uint8Array(readFileSync(tfjs)), tfjs);
  assert.ok(t.ok, t.error);
  assert.ok((t.value as ViewGraph).warnings.some((w) => /refusing absolute file location "\/etc\/passwd"/.test(w.message)), JSON.stringify((t.value as ViewGraph).warnings));
  assert.deepEqual(asked, []);
});
