/**
 * The web extension's bundles run without Node: the model worker is evaluated in a bare JavaScript
 * context (no require, no Buffer, no process: what a browser worker has) and reads the models the
 * desktop reads into the same graph; the extension bundle requires nothing but `vscode`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { readModelFile } from '../../src/formats/index';
import { analyze } from '../../src/analysis/analyze';
import { buildViewGraph } from '../../src/view/buildViewGraph';
import type { ViewGraph } from '../../src/protocol/viewModel';
import { corpus } from '../helpers/corpus';

const root = resolve(__dirname, '..', '..');
const dist = (f: string) => join(root, 'dist', f);

function browserWorker() {
  const replies: { id: number; ok: boolean; value?: unknown; error?: string }[] = [];
  const self: { onmessage?: (ev: { data: unknown }) => void; postMessage(m: unknown): void } = { postMessage: (m) => replies.push(m as (typeof replies)[number]) };
  // What a browser worker has (AbortController: the shared request/reply lets a caller cancel).
  const ctx = createContext({ self, TextDecoder, TextEncoder, atob, btoa, console, setTimeout, clearTimeout, queueMicrotask, AbortController, AbortSignal });
  runInContext(readFileSync(dist('webModelWorker.js'), 'utf8'), ctx, { filename: 'webModelWorker.js' });
  assert.equal(typeof self.onmessage, 'function');
  // postMessage clones into the worker's realm: its bytes are that realm's Uint8Array.
  const clone = runInContext('(src) => { const b = new Uint8Array(src.length); b.set(src); return b; }', ctx) as (b: Uint8Array) => Uint8Array;
  return {
    async open(bytes: Uint8Array, path: string): Promise<(typeof replies)[number]> {
      const id = replies.length + 1;
      self.onmessage!({ data: { type: 'open', id, bytes: clone(bytes), path, title: path.slice(path.lastIndexOf('/') + 1) } });
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
