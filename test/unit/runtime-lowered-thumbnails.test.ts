/**
 * A Keras model is lowered to ONNX before it runs, so the run's tensors have ONNX names; the graph view
 * draws the Keras layers. Every box (a Conv2D with its Activation folded in) must get its thumbnail from
 * the run, every layer once the tensors ONNX Runtime fused are computed, and selecting a layer must find
 * its feature maps.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from '../../src/runtime/engine';
import { defaultAccess } from '../../src/runtime/access';
import { featureMapTensors, thumbnailOf, viewThumbnails, withUnfused } from '../../src/runtime/lowered';
import { deriveDisplayGraph } from '../../webview/graph/model/displayGraph';
import { decodePngDataUrl } from '../../src/runtime/png';
import { loadModelFile } from '../../src/editor/modelLoader';
import { corpus } from '../helpers/corpus';

const engine = new Engine(defaultAccess);
after(() => engine.dispose());

test('Keras MNIST CNN: every layer of the graph gets a thumbnail under its own tensor name, and selection finds its maps', async () => {
  const path = corpus('keras-json', 'mnist_cnn.json');
  const loaded = await loadModelFile(path);
  assert.ok(loaded.ok, !loaded.ok ? loaded.error : '');
  const fast = await engine.run({ modelPath: path, providers: ['cpu'], memoryBudgetMB: 256, picture: { kind: 'pattern', pattern: 'digit' }, normalization: 'auto', bgr: false, dims: { N: 1 } });
  const drawn = new Set(viewThumbnails(fast.thumbnails).map((t) => t.tensor));
  const boxes = deriveDisplayGraph(loaded.graph, { fold: true, collapsed: new Set(), hideBatchDim: true }).nodes.filter((n) => n.kind === 'node');
  for (const b of boxes) assert.ok(b.outTensors.some((t) => drawn.has(t)), `box ${b.id} (${b.label}) has no thumbnail from the run; drawn: ${[...drawn].join(', ')}`);
  const fusedLayers = new Set(fast.fused.map((f) => f.viewNode ?? f.producer));
  assert.ok(fusedLayers.size > 0, 'ONNX Runtime fuses the Conv2D layers into their activations');
  for (const node of loaded.graph.nodes) assert.ok(drawn.has(node.outputs[0]) || fusedLayers.has(node.id), `layer ${node.id} is neither drawn nor listed as fused`);
  const r = withUnfused(fast, await engine.unfused());
  const shown = viewThumbnails(r.thumbnails);
  const byTensor = new Map(shown.map((t) => [t.tensor, t]));
  assert.equal(byTensor.size, shown.length, 'one thumbnail per tensor name');
  for (const node of loaded.graph.nodes) {
    const t = byTensor.get(node.outputs[0]);
    assert.ok(t, `layer ${node.id} (${node.op}) has no thumbnail; run tensors: ${r.thumbnails.map((x) => x.tensor).join(', ')}`);
    assert.equal(t.producer, node.id);
    // Selecting the layer in the graph finds an ONNX tensor the engine can draw large.
    const picked = thumbnailOf(r, node.id);
    assert.ok(picked, `no feature maps for ${node.id}`);
    assert.equal((await engine.detail(picked.tensor)).tensor, picked.tensor);
  }
  // A Keras conv layer's output (32 maps of 26×26) is drawn as its first 16 channels: a 4×4 grid of square tiles.
  const conv = byTensor.get(loaded.graph.nodes.find((n) => n.op === 'Convolution2D' || n.op === 'Conv2D')!.outputs[0])!;
  const png = decodePngDataUrl(conv.png);
  assert.ok(png.width > 0 && png.width === png.height, `${png.width}×${png.height}`);
});

test("Keras MNIST CNN: the Feature Maps list is the file's layers, in order, with their names and types, none of the lowering's Transposes or Identities", async () => {
  const path = corpus('keras-json', 'mnist_cnn.json');
  const loaded = await loadModelFile(path);
  assert.ok(loaded.ok, !loaded.ok ? loaded.error : '');
  const r = await engine.run({ modelPath: path, providers: ['cpu'], memoryBudgetMB: 256, picture: { kind: 'pattern', pattern: 'digit' }, normalization: 'auto', bgr: false, dims: { N: 1 } });
  const rows = featureMapTensors(r);
  const layers = loaded.graph.nodes.filter((n) => n.op !== 'InputLayer');
  assert.deepEqual(rows.map((t) => [t.layer?.name, t.layer?.type]), layers.map((n) => [n.name ?? n.id, n.op]));
  // Each row's shape is the layer's as the file lays it out (channels last), and its tensor one the engine draws.
  for (const [i, row] of rows.entries()) {
    const declared: readonly unknown[] | null | undefined = loaded.graph.tensors[layers[i].outputs[0]]?.shape;
    assert.deepEqual(row.shape.slice(1), declared?.slice(1), `${row.layer?.name}: ${row.shape.join('×')} against ${declared?.join('×')}`);
    const d = await engine.detail(row.tensor);
    assert.equal(d.shape.reduce((a, b) => a * b, 1), row.shape.reduce((a, b) => a * b, 1), `${row.layer?.name}: ${d.shape.join('×')}`);
  }
});
