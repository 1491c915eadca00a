import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModelBytes, loadModelFile } from '../../../src/editor/modelLoader';
import { corpus } from '../../helpers/corpus';

const sample = join(__dirname, '..', '..', '..', 'media', 'samples', 'mnist_c_cxx.onnx');

test('the bundled sample loads on this thread into a graph with shapes', async () => {
  const r = await loadModelFile(sample);
  assert.ok(r.ok, !r.ok ? r.error : '');
  assert.equal(r.graph.title, 'mnist_c_cxx.onnx');
  assert.equal(r.graph.format, 'onnx');
  const convs = r.graph.nodes.filter((n) => n.op === 'Conv');
  assert.equal(convs.length, 2);
  // CNTK's MNIST: Input3 [1,1,28,28] -> Conv 8@5x5 SAME -> [1,8,28,28]
  const firstConvOut = r.graph.tensors[convs[0].outputs[0]];
  assert.deepEqual(firstConvOut.shape, [1, 8, 28, 28]);
  assert.ok(r.model, 'the model is kept when read on this thread');
});

test('errors name the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-loader-'));
  const bad = join(dir, 'broken.onnx');
  writeFileSync(bad, Buffer.from([0x08, 0x07, 0x12, 0xff, 0xff, 0xff]));
  const r = await loadModelFile(bad);
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.error : '', /broken\.onnx/);
  const missing = await loadModelFile(join(dir, 'nope.onnx'));
  assert.match(!missing.ok ? missing.error : '', /Cannot read .*nope\.onnx/);
});

test('unsaved JSON text is read as the model it describes', async () => {
  const r = await loadModelBytes(new Uint8Array(readFileSync(corpus('keras-json', 'mnist_cnn.json'))), '/x/mnist_cnn.json');
  assert.ok(r.ok, !r.ok ? r.error : '');
  assert.equal(r.graph.format, 'keras');
  assert.ok(r.graph.nodes.length > 5);
});
