/**
 * The ONNX writer: read -> encode -> read gives the same model; ONNX Runtime runs re-encoded
 * corpus models with the same outputs as the originals; withExtraOutputs exposes intermediates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { corpus } from '../helpers/corpus';
import { prng, generateInception } from '../helpers/generate';
import { readOnnx, encodeModel, withExtraOutputs } from '../../src/formats/onnx/index';
import type { AttrValue, Graph, Model, TensorData } from '../../src/ir/types';

const MODELS = [
  'real/mnist_c_cxx.onnx', 'real/image_classifier32.onnx', 'real/Ultraface_version-RFB-320.onnx', 'real/version-slim-320.onnx',
  'onnx-backend/light/light_resnet50.onnx', 'onnx-backend/light/light_squeezenet.onnx', 'onnx-backend/light/light_inception_v1.onnx',
  'onnx-backend/light/light_shufflenet.onnx', 'onnx-backend/light/light_densenet121.onnx',
];

const isTensor = (v: unknown): v is TensorData => typeof v === 'object' && v !== null && typeof (v as TensorData).bytes === 'function';

/** A plain, comparable description of a model (tensors by dtype, dims and bytes). */
function describe(m: Model): unknown {
  const tensor = (t: TensorData): unknown => ({ dtype: t.dtype, dims: t.dims, missing: !!t.missing, bytes: t.missing ? null : t.dtype === 'string' ? t.strings?.() : Buffer.from(t.bytes()).toString('base64') });
  const attr = (v: AttrValue): unknown => (isTensor(v) ? tensor(v) : Array.isArray(v) ? v.map((x) => attr(x as AttrValue)) : typeof v === 'object' && v !== null && 'nodes' in v ? graph(v as Graph) : v);
  const graph = (g: Graph): unknown => ({
    name: g.name,
    nodes: g.nodes.map((n) => ({ id: n.id, name: n.name, op: n.opType, domain: n.domain, inputs: n.inputs, outputs: n.outputs, scope: n.scope, types: n.attributeTypes, attrs: Object.fromEntries(Object.entries(n.attributes).map(([k, v]) => [k, attr(v)])) })),
    inputs: g.inputs, outputs: g.outputs, valueInfo: [...g.valueInfo.values()],
    initializers: [...g.initializers].map(([k, t]) => [k, tensor(t)]),
  });
  return { producer: m.producer, producerVersion: m.producerVersion, opsets: m.opsets, metadata: m.metadata, docString: m.docString, graph: graph(m.graph) };
}

function feedsFor(session: ort.InferenceSession, model: Model): Record<string, ort.Tensor> {
  const rand = prng(11);
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of model.graph.inputs) {
    const dims = (input.shape ?? []).map((d) => (typeof d === 'number' ? d : 1));
    const n = dims.reduce((a, b) => a * b, 1);
    feeds[input.name] = new ort.Tensor('float32', Float32Array.from({ length: n }, () => rand()), dims);
  }
  assert.deepEqual(Object.keys(feeds).sort(), [...session.inputNames].sort());
  return feeds;
}

function assertClose(a: ort.Tensor, b: ort.Tensor, what: string): void {
  assert.deepEqual(a.dims, b.dims, `${what} dims`);
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  for (let i = 0; i < x.length; i++) {
    // Tiny differences are allowed: without initializers listed as inputs ORT may fuse Conv+BN.
    assert.ok(Math.abs(x[i] - y[i]) <= 1e-4 * Math.max(1, Math.abs(x[i])), `${what}[${i}]: ${x[i]} vs ${y[i]}`);
  }
}

for (const name of MODELS) {
  test(`${name}: read -> encode -> read is the same model, and ORT gives the same outputs`, async () => {
    const bytes = readFileSync(corpus(...name.split('/')));
    const first = readOnnx(bytes);
    const encoded = encodeModel(first);
    const second = readOnnx(encoded);
    assert.deepEqual(describe(second), describe(first));

    const opts: ort.InferenceSession.SessionOptions = { logSeverityLevel: 3 };
    const original = await ort.InferenceSession.create(bytes, opts);
    const again = await ort.InferenceSession.create(encoded, opts);
    const feeds = feedsFor(original, first);
    const a = await original.run(feeds);
    const b = await again.run(feeds);
    for (const out of original.outputNames) assertClose(a[out], b[out], `${name} ${out}`);
  });
}

test('attribute types survive: float 1.0 stays float, int64 max stays int64 max', () => {
  const m = readOnnx(readFileSync(corpus('real', 'version-RFB-640.onnx')));
  const slice = m.graph.nodes.find((n) => n.opType === 'Slice' && Array.isArray(n.attributes.ends) && (n.attributes.ends as number[])[0] > 1e18)!;
  const back = readOnnx(encodeModel(m)).graph.nodes.find((n) => n.id === slice.id)!;
  assert.deepEqual(back.attributes.ends, slice.attributes.ends);
  assert.ok((back.attributes.ends as number[])[0] > 9.2e18, 'INT64_MAX is not wrapped to a negative');
  const g = generateInception(1, { weights: false });
  g.graph.nodes[0].attributes.alpha = 1;
  delete g.graph.nodes[0].attributeTypes;
  assert.equal(readOnnx(encodeModel(g)).graph.nodes[0].attributeTypes?.alpha, 'float');
});

test('duplicate and empty node names get unique generated ids', () => {
  const m = generateInception(1, { weights: false });
  m.graph.nodes[1].name = m.graph.nodes[2].name = 'same';
  m.graph.nodes[3].name = '';
  const back = readOnnx(encodeModel(m)).graph.nodes;
  assert.equal(back[1].id, `${back[1].opType}_1`);
  assert.equal(back[2].id, `${back[2].opType}_2`);
  assert.equal(back[3].id, `${back[3].opType}_3`);
  assert.equal(new Set(back.map((n) => n.id)).size, back.length);
});

test('withExtraOutputs: ORT returns every intermediate tensor, untyped outputs included', async () => {
  const bytes = readFileSync(corpus('real', 'version-slim-320.onnx'));
  const model = readOnnx(bytes);
  const names = model.graph.nodes.flatMap((n) => n.outputs).filter((o) => o);
  const extended = withExtraOutputs(bytes, names);
  assert.equal(extended.byteLength > bytes.byteLength, true);
  const reread = readOnnx(extended);
  assert.equal(reread.graph.outputs.length, new Set([...model.graph.outputs.map((o) => o.name), ...names]).size);
  const s = await ort.InferenceSession.create(extended, { logSeverityLevel: 3 });
  const r = await s.run(feedsFor(s, model));
  for (const n of names) assert.ok(r[n], `ORT returned ${n}`);
  // The first Conv of slim-320 keeps 16 channels at half resolution: 1x16x120x160.
  const firstConv = model.graph.nodes.find((n) => n.opType === 'Conv')!;
  assert.deepEqual(r[firstConv.outputs[0]].dims, [1, 16, 120, 160]);
  assert.throws(() => withExtraOutputs(bytes, ['no such tensor']), { name: 'ModelError' });
  assert.equal(withExtraOutputs(bytes, []), bytes);
});
