/**
 * The graph view's details panel and Step mode's text, rendered from the real analyze() output of
 * the bundled ResNet-50 and GoogLeNet zoo models (no hand-made analysis): they show the analysis's
 * formulas and parameter counts, the same strings the CLI's JSON carries.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { analyze } from '../../src/analysis/analyze';
import type { Analysis } from '../../src/analysis/types';
import { readModelFile } from '../../src/formats/index';
import type { Model, Node } from '../../src/ir/types';
import { defaultAccess } from '../../src/runtime/access';
import { explainNode } from '../../src/runtime/explain';
import { buildViewGraph } from '../../src/view/buildViewGraph';
import { deriveDisplayGraph } from '../../webview/graph/model/displayGraph';
import { nodeInfo } from '../../webview/graph/ui/nodeInfo';

const { document } = parseHTML('<!doctype html><html><body></body></html>');
Object.assign(globalThis, { document });

const zoo = (name: string) => join(__dirname, '..', '..', 'media', 'samples', 'zoo', name);

/** The details panel's text for the node named `name` (as the webview builds it). */
function detailsText(model: Model, a: Analysis, name: string): string {
  const g = buildViewGraph(model, a, 'zoo');
  const d = deriveDisplayGraph(g, { fold: false, collapsed: new Set(), hideBatchDim: true });
  const box = d.nodes.find((n) => n.name === name);
  assert.ok(box, name);
  return nodeInfo(g, box, true, true).textContent ?? '';
}

/** Step mode's text for ONNX node `n` of the model the engine runs (the lowered JSON model), with the analysis's shapes. */
function stepText(a: Analysis, n: Node): string {
  const shape = (t: string) => (a.tensors.get(t)?.shape ?? []).map((d) => (typeof d === 'number' ? d : 1));
  const weights = n.inputs.map((t) => (t && a.tensors.get(t)?.isWeight ? shape(t) : undefined));
  const e = explainNode(n, { inputs: [shape(n.inputs[0])], outputs: [shape(n.outputs[0])] }, weights, a.nodes.get(n.id));
  return [e.title, ...e.lines].join('\n');
}

async function stepModel(file: string): Promise<{ a: Analysis; nodes: Node[] }> {
  const lowered = await defaultAccess.read(zoo(file));
  const a = analyze(lowered);
  return { a, nodes: a.order.map((id) => a.nodeById.get(id)!) };
}

test('ResNet-50 zoo: details and Step show conv1\'s formula and the analysis\'s counts; BatchNorm is 2·C in both', async () => {
  const model = await readModelFile(zoo('resnet50.json'));
  const a = analyze(model);
  const conv1 = detailsText(model, a, 'conv1');
  // 223/2 is not whole: written with floor brackets (the notes' integer division).
  assert.match(conv1, /H: ⌊\(224 \+ 2·3 − 7\)\/2⌋ \+ 1 = 112/);
  assert.match(conv1, /W: ⌊\(224 \+ 2·3 − 7\)\/2⌋ \+ 1 = 112/);
  assert.match(conv1, /params9,408/);
  const pool = detailsText(model, a, 'maxpool');
  assert.match(pool, /H: ⌊\(112 \+ 2·1 − 3\)\/2⌋ \+ 1 = 56/);

  const { a: la, nodes } = await stepModel('resnet50.json');
  const conv = nodes.find((n) => n.opType === 'Conv')!;
  const text = stepText(la, conv);
  assert.match(text, /H: ⌊\(224 \+ 2·3 − 7\)\/2⌋ \+ 1 = 112 ✓/);
  assert.match(text, /= 9,408 \(no bias\)/);
  assert.equal(la.nodes.get(conv.id)?.params, 9408);
  const bn = nodes.find((n) => n.opType === 'BatchNormalization')!;
  const bnText = stepText(la, bn);
  // docs/figures.md: γ and β are parameters (2·C); μ and σ² are buffers.
  assert.match(bnText, /params = 2·C = 2·64 = 128 \(γ and β, learned\)/);
  assert.match(bnText, /plus 128 running statistics/);
  const bnView = detailsText(model, a, 'bn1');
  assert.match(bnView, /params128/);
});

test('GoogLeNet zoo: the ceil-mode pools read ⌈…⌉ in the details panel and in Step', async () => {
  const model = await readModelFile(zoo('googlenet.json'));
  const a = analyze(model);
  const text = detailsText(model, a, 'maxpool1');
  assert.match(text, /H: ⌈\(112 \+ 2·0 − 3\)\/2⌉ \+ 1 = 56/);
  const conv1 = detailsText(model, a, 'conv1.conv');
  assert.match(conv1, /⌊\(224 \+ 2·3 − 7\)\/2⌋ \+ 1 = 112/);
  const { a: la, nodes } = await stepModel('googlenet.json');
  const pools = nodes.filter((n) => n.opType === 'MaxPool' && n.attributes.ceil_mode === 1);
  assert.ok(pools.length >= 4, `${pools.length} ceil-mode pools`);
  for (const p of pools) {
    const lines = stepText(la, p).split('\n').filter((l) => /^[HW]: /.test(l));
    assert.equal(lines.length, 2);
    for (const l of lines) assert.match(l, /✓$/, l);
  }
  assert.match(stepText(la, pools[0]), /H: ⌈\(112 \+ 2·0 − 3\)\/2⌉ \+ 1 = 56 ✓/);
});
