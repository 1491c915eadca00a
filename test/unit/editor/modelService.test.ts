import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModelFile } from '../../../src/editor/modelLoader';
import { readModelBytes } from '../../../src/formats/index';
import { analyze } from '../../../src/analysis/analyze';
import { diffModels } from '../../../src/diff/diff';
import { diffMarks } from '../../../src/diff/marks';
import { ModelService } from '../../../src/editor/modelService';
import type { DocumentVersion, OpenReply } from '../../../src/protocol/modelService';
import type { ViewGraph } from '../../../src/protocol/viewModel';
import { decodeGraph } from '../../../src/protocol/graphEncoding';
import { corpus } from '../../helpers/corpus';
import { withTicker } from '../../helpers/stall';
import { constantOfShapeFile, kerasTensorIndexFile, tfjsRepeatedShardFile, wideChainFile } from '../../helpers/hostile';

/**
 * The model worker as the extension uses it: every read and analysis off this thread, within a time
 * and memory budget; what comes back is cheap to receive. The extension host's event loop is stood in
 * for by a timer ticking on this thread (test/helpers/stall.ts).
 */
const sample = join(__dirname, '..', '..', '..', 'media', 'samples', 'mnist_c_cxx.onnx');
// The worker as shipped (npm test builds dist/ first).
const workerScript = join(__dirname, '..', '..', '..', 'dist', 'modelWorker.js');
const file = (path: string, version = '1'): DocumentVersion => ({ key: `file://${path}`, version, path, title: path.slice(path.lastIndexOf('/') + 1) });
const decode = (r: OpenReply): Promise<ViewGraph> => decodeGraph(r.graph!.encoded);

test('the worker gives the same graph as reading on this thread, as rows in a transferred buffer', async () => {
  assert.ok(existsSync(workerScript), `${workerScript} is missing: run npm run build`);
  const svc = new ModelService({ workerScript });
  try {
    const r = await svc.open(file(sample), false);
    assert.ok(r.graph, r.error);
    assert.ok(r.graph.encoded.bytes instanceof Uint8Array);
    assert.equal(r.graph.encoded.encoding, 'rows', 'a small graph is sent without deflating');
    const here = await loadModelFile(sample);
    assert.ok(here.ok);
    assert.deepEqual(await decode(r), here.graph);
    assert.equal(r.graph.nodeCount, here.graph.nodes.length);
    assert.equal(r.graph.format, 'onnx');
    // The same version again: the same reply, not a second read.
    assert.equal(svc.open(file(sample), false), svc.open(file(sample), false));
    assert.deepEqual(await svc.counts(), { reads: 1, analyses: 1, lowerings: 0 });
  } finally {
    svc.dispose();
  }
});

test('a read past the time budget is stopped with one line, and the next read gets a fresh worker', async () => {
  const svc = new ModelService({ workerScript, timeoutMs: 1 });
  try {
    const r = await svc.open(file(corpus('real', 'version-RFB-640.onnx')), false);
    assert.equal(r.graph, undefined);
    assert.match(r.error ?? '', /^reading version-RFB-640\.onnx took longer than 1 ms and was stopped$/);
  } finally {
    svc.dispose();
  }
  const svc2 = new ModelService({ workerScript, timeoutMs: 60_000 });
  try {
    const dir = mkdtempSync(join(tmpdir(), 'convlens-service-'));
    const bad = join(dir, 'broken.onnx');
    writeFileSync(bad, Buffer.from([0x08, 0x07, 0x12, 0xff, 0xff, 0xff]));
    const b = await svc2.open(file(bad), false);
    assert.match(b.error ?? '', /broken\.onnx/);
    assert.equal(b.error!.split('\n').length, 1);
    const ok = await svc2.open(file(sample), false);
    assert.ok(ok.graph, ok.error);
  } finally {
    svc2.dispose();
  }
});

test('a model past the memory budget is stopped with one line; the host thread never stalls', async () => {
  const svc = new ModelService({ workerScript, memoryMB: 48 });
  try {
    const path = wideChainFile(); // generated here: writing it on this thread is not the service's stall
    const { value: r, stallMs } = await withTicker(() => svc.open(file(path), false));
    assert.equal(r.graph, undefined);
    assert.match(r.error ?? '', /^reading relu-chain-200000\.onnx needed more than 48 MB of memory and was stopped$/);
    assert.ok(stallMs < 100, `the host thread stalled ${stallMs.toFixed(0)} ms`);
    // The worker came back for the next model.
    const ok = await svc.open(file(sample), false);
    assert.ok(ok.graph, ok.error);
    assert.equal(svc.starts, 2);
  } finally {
    svc.dispose();
  }
});

test('files that once killed or froze the extension host end in a graph or one line, with no stall over 100 ms', async () => {
  // A loaded test machine reads the 200k-node file in 15-30 s; the budget here is not what is tested.
  const svc = new ModelService({ workerScript, timeoutMs: 180_000 });
  const expect: [string, () => string, RegExp | number][] = [
    // A Keras inbound tensor index of 1e9: refused before any list grows to it.
    ['Keras tensor index 1e9', kerasTensorIndexFile, /keras-tensor-index-1e9\.json: a layer call reads output 1000000000 of 'd1', which has 1 output$/],
    // One 16 MB shard listed 64 times: read once, and only as far as the weights need.
    ['TF.js shard listed 64 times', tfjsRepeatedShardFile, 1],
    // ConstantOfShape of [30000, 30000]: 3.6 GB if anyone built it.
    ['3.6 GB ConstantOfShape', constantOfShapeFile, 1],
    ['200k-node ONNX', wideChainFile, 200_000],
  ];
  try {
    for (const [what, make, want] of expect) {
      const path = make();
      let { value: r, stallMs, gapMs, millis } = await withTicker(() => svc.open(file(path), false));
      if (stallMs >= 100) {
        // Measured again (a new version, read again) before it counts: one reading on a machine shared
        // with other test processes can catch a stall that is not ours; a real one shows both times.
        console.log(`# ${what}: ${stallMs.toFixed(0)} ms stall on the first reading; measuring again`);
        ({ value: r, stallMs, gapMs, millis } = await withTicker(() => svc.open(file(path, '2'), false)));
      }
      console.log(`# ${what}: ${r.error ?? `${r.graph!.nodeCount} nodes, ${(r.graph!.encoded.bytes.byteLength / 2 ** 20).toFixed(1)} MB ${r.graph!.encoded.encoding}`} in ${millis.toFixed(0)} ms; longest stall ${stallMs.toFixed(1)} ms (longest gap between ticks ${gapMs.toFixed(0)} ms)`);
      if (typeof want === 'number') {
        assert.ok(r.graph, `${what}: ${r.error}`);
        assert.ok(r.graph.nodeCount >= want, `${what}: ${r.graph.nodeCount} nodes`);
      } else {
        assert.match(r.error ?? '', want, what);
      }
      assert.ok(stallMs < 100, `${what}: the host thread stalled ${stallMs.toFixed(0)} ms`);
    }
    // Dense 8 -> 4 from the shard's first 144 bytes (reading all 64 listings meant 1 GB).
    const g = await decode(await svc.open(file(tfjsRepeatedShardFile(), '1'), false));
    assert.equal(g.totals.params, 36);
  } finally {
    svc.dispose();
  }
});

test('two versions are compared in the worker: each side gets the marks diffModels gives, and the host reads neither', async () => {
  const zoo = join(__dirname, '..', '..', '..', 'media', 'samples', 'zoo', 'lenet5.json');
  const m = JSON.parse(readFileSync(zoo, 'utf8'));
  m.layers[0].filters = 8;
  const text = JSON.stringify(m);
  // The old version from the file, the new one as an editor's unsaved text (the JSON document reader).
  const oldDoc = file(zoo);
  const newDoc: DocumentVersion = { key: 'untitled:lenet5.json', version: '1', path: '/tmp/lenet5.json', title: 'lenet5.json', text };
  const svc = new ModelService({ workerScript });
  try {
    const r = await svc.diff(oldDoc, newDoc, 'HEAD', 'lenet5.json');
    assert.ok(r.old && r.new, r.error);
    const before = await readModelBytes(readFileSync(zoo), zoo);
    const after = await readModelBytes(new TextEncoder().encode(text), '/tmp/lenet5.json');
    const d = diffModels({ model: before, analysis: analyze(before) }, { model: after, analysis: analyze(after) });
    assert.deepEqual(r.old, diffMarks(d, 'old', 'lenet5.json'));
    assert.deepEqual(r.new, diffMarks(d, 'new', 'HEAD'));
    // C1 has 8 filters: C1 (and its tanh), S2, and C3, which reads 8 maps, change.
    assert.ok(Object.keys(r.new.marks).length >= 3, JSON.stringify(r.new.marks));
    assert.equal(r.headline, r.new.headline);
    assert.deepEqual(await svc.counts(), { reads: 2, analyses: 2, lowerings: 0 });
    // A version that is not a model: one line naming it, no marks.
    const dir = mkdtempSync(join(tmpdir(), 'convlens-service-'));
    const bad = join(dir, 'broken.onnx');
    writeFileSync(bad, Buffer.from([0x08, 0x07, 0x12, 0xff, 0xff, 0xff]));
    const e = await svc.diff(oldDoc, file(bad), 'HEAD', 'broken.onnx');
    assert.equal(e.old, undefined);
    assert.match(e.error ?? '', /^broken\.onnx: /);
    assert.equal(e.error!.split('\n').length, 1);
  } finally {
    svc.dispose();
  }
});
