import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emptyRegistrations, installVscodeMock } from '../../helpers/vscodeMock';

/**
 * One model per document version, against the `vscode` stand-in and the real model worker: while the
 * user types in a JSON model, each version that the debounce lets through is read and analysed once,
 * and the graph, the JSON providers, the lowering and inference all use that one model, unsaved
 * edits included.
 */
const root = join(__dirname, '..', '..', '..');
const workerScript = join(root, 'dist', 'modelWorker.js');
const lenet = join(root, 'media', 'samples', 'zoo', 'lenet5.json');

test('typing, the providers, the graph, lowering and a run: one read and one analysis per document version', async () => {
  const restore = installVscodeMock(emptyRegistrations());
  try {
    const vscode = require('vscode') as typeof import('vscode');
    for (const m of ['documentState', 'modelSource']) delete require.cache[require.resolve(`../../../src/editor/${m === 'documentState' ? 'json/' : ''}${m}`)];
    const { DocumentStates, DEBOUNCE_MS } = require('../../../src/editor/json/documentState') as typeof import('../../../src/editor/json/documentState');
    const { ModelSource } = require('../../../src/editor/modelSource') as typeof import('../../../src/editor/modelSource');
    const { ModelService } = require('../../../src/editor/modelService') as typeof import('../../../src/editor/modelService');
    const { Engine } = require('../../../src/runtime/engine') as typeof import('../../../src/runtime/engine');
    const { defaultAccess } = require('../../../src/runtime/access') as typeof import('../../../src/runtime/access');

    const service = new ModelService({ workerScript });
    const source = new ModelSource(vscode.Uri.file(root), service);
    const states = new DocumentStates(service);
    const uri = vscode.Uri.file(lenet);
    const saved = readFileSync(lenet, 'utf8');
    const doc = { uri, version: 1, languageId: 'json', isClosed: false, text: saved, getText() { return this.text; } };
    (vscode.workspace as unknown as { textDocuments: unknown[] }).textDocuments = [doc];
    const td = doc as unknown as import('vscode').TextDocument;

    // The user types "filters": 6 -> 61 -> 6 -> 8 on C1, faster than the debounce; nothing is saved.
    for (const f of ['61', '6', '8']) {
      doc.version++;
      doc.text = saved.replace('"name": "C1", "filters": 6', `"name": "C1", "filters": ${f}`);
      states.schedule(td);
      await new Promise((r) => setTimeout(r, DEBOUNCE_MS / 5));
    }
    assert.deepEqual(await service.counts(), { reads: 0, analyses: 0, lowerings: 0 }, 'analysed on the typing path, before the debounce');
    // The providers ask (hover, hints, CodeLens): they wait for the debounced analysis of this version.
    const [a, b] = await Promise.all([states.get(td), states.get(td)]);
    assert.equal(a, b);
    assert.equal(a?.version, 4);
    assert.equal(a?.layerInfo('C1')?.outputShape, '[N, 28, 28, 8]');
    assert.deepEqual(await service.counts(), { reads: 1, analyses: 1, lowerings: 0 });

    // The graph of the same version, then Run: lowered from the model already read.
    const g = await source.load(uri);
    assert.ok(g.ok, !g.ok ? g.error : '');
    const low = await source.lowered(uri);
    assert.ok(low.bytes, low.error);
    assert.equal(low.version, 'text:4');
    assert.deepEqual(await service.counts(), { reads: 1, analyses: 1, lowerings: 1 });
    await source.lowered(uri);
    assert.deepEqual(await service.counts(), { reads: 1, analyses: 1, lowerings: 1 }, 'lowered again for the same version');

    // Inference runs those bytes: the unsaved 8 filters, not the file's 6.
    const engine = new Engine(defaultAccess);
    try {
      const run = await engine.run({
        modelPath: lenet, model: { bytes: low.bytes, version: low.version }, providers: ['cpu'], memoryBudgetMB: 64,
        picture: { kind: 'pattern', pattern: 'digit' }, normalization: 'auto', bgr: false, dims: { N: 1 },
      });
      const c1 = run.thumbnails.find((t) => (t.viewNode ?? t.producer) === 'C1');
      assert.ok(c1, run.thumbnails.map((t) => t.viewNode ?? t.producer).join(', '));
      assert.ok(c1.shape.includes(8) && !c1.shape.includes(6), `C1 output ${c1.shape.join('x')}`);
    } finally {
      await engine.dispose();
    }

    // The next edit is a new version: read and analysed once more, lowered once more when run.
    doc.version++;
    doc.text = saved;
    states.schedule(td);
    const c = await states.get(td);
    assert.equal(c?.layerInfo('C1')?.outputShape, '[N, 28, 28, 6]');
    await source.load(uri);
    await source.lowered(uri);
    assert.deepEqual(await service.counts(), { reads: 2, analyses: 2, lowerings: 2 });
    states.dispose();
    source.dispose();
  } finally {
    restore();
  }
});
