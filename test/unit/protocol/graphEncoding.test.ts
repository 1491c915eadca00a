import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { decodeGraph, encodeGraph } from '../../../src/protocol/graphEncoding';
import type { ViewGraph } from '../../../src/protocol/viewModel';
import { corpusGraph, fileGraph } from '../../webview/corpusGraphs';
import { syntheticGraph } from '../../webview/synthetic';

/**
 * The graph as the model worker sends it to the webview (JSON lines of rows): what the webview decodes
 * is what JSON would have carried, key for key, for real models and for entries with keys of their own.
 */
const deflate = (b: Uint8Array) => new Uint8Array(deflateSync(b));
const asJson = (g: ViewGraph): unknown => JSON.parse(JSON.stringify(g));

test('real models decode to what their JSON carries, deflated or not', async () => {
  const graphs = [
    await corpusGraph('real', 'Ultraface_version-RFB-320.onnx'),
    await corpusGraph('onnx-backend', 'light', 'light_resnet50.onnx'),
    await corpusGraph('onnx-backend', 'light', 'light_inception_v1.onnx'),
    await corpusGraph('keras-json', 'mnist_cnn.json'),
    await fileGraph(join(__dirname, '..', '..', '..', 'media', 'samples', 'zoo', 'googlenet.json')),
  ];
  for (const g of graphs) {
    for (const d of [undefined, deflate]) {
      const encoded = encodeGraph(g, d);
      assert.deepEqual(await decodeGraph(encoded), asJson(g), `${g.title} (${encoded.encoding})`);
    }
  }
});

test("an entry's own keys, undefined values and a tensor record keyed apart from its names survive", async () => {
  const g = syntheticGraph(50, 'odd');
  g.nodes[3].weights = [{ name: 'w', role: 'W', dtype: 'float32', dims: [8, 3, 3, 3] }];
  (g.nodes[4] as unknown as Record<string, unknown>).warnings = undefined;
  const t = Object.values(g.tensors)[5];
  t.shapeSource = 'declared';
  t.stoppedAt = 'n4';
  g.tensors['other key'] = { ...t, name: 'not the key' };
  g.quantLayers = [];
  const back = await decodeGraph(encodeGraph(g));
  assert.deepEqual(back, asJson(g));
  assert.equal('warnings' in back.nodes[4], false);
  assert.deepEqual(back.nodes[3].weights, g.nodes[3].weights);
  assert.equal(back.tensors['other key'].name, 'not the key');
});

test('a large graph is half its JSON, deflated, and decoded in turns', async () => {
  const g = syntheticGraph(20_000);
  const json = JSON.stringify(g).length;
  const plain = encodeGraph(g);
  assert.equal(plain.encoding, 'rows');
  assert.ok(plain.bytes.byteLength < 0.6 * json, `${plain.bytes.byteLength} bytes of ${json} in JSON`);
  const encoded = encodeGraph(g, deflate);
  assert.equal(encoded.encoding, 'rows-deflate');
  let pauses = 0;
  const back = await decodeGraph(encoded, async () => void pauses++, 0);
  // A pause between every two lines after the head, the slice being spent at once here.
  const lines = plain.bytes.reduce((n, b) => n + (b === 10 ? 1 : 0), 0) + (plain.bytes.at(-1) === 10 ? 0 : 1);
  assert.equal(pauses, lines - 2);
  assert.deepEqual(back, asJson(g));
});
