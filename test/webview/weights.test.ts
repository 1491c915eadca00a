import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import { ModelStore } from '../../src/editor/modelStore';
import type { DocumentVersion, WeightReply } from '../../src/protocol/modelService';
import type { ViewGraph } from '../../src/protocol/viewModel';
import { formatValue } from '../../webview/common/format';
import { corpus } from '../helpers/corpus';
import { fileGraph } from './corpusGraphs';
import { pageErrors, posted, showGraph, startHarness, type Harness } from './harness';

/**
 * The weight panel and the Model panel in Chromium, on MNIST read and analysed by the real pipeline;
 * the host's answer to each weight request is the model worker's own (ModelStore.weight on the file).
 */

const MNIST = corpus('real', 'mnist_c_cxx.onnx');
const doc: DocumentVersion = { key: 'file://mnist', version: '1', path: MNIST, title: basename(MNIST) };
let h: Harness;
let g: ViewGraph;
const store = new ModelStore();

before(async () => {
  g = await fileGraph(MNIST);
  await store.open(doc, false);
  h = await startHarness();
});
after(async () => h?.close());

/** Answers the view's weight requests as the extension host does, until `stop` says so; returns how many it answered. */
async function answerWeights(page: Page, answer: (tensor: string, offset: number) => WeightReply, count: number): Promise<{ tensor: string; offset: number }[]> {
  const seen: { tensor: string; offset: number }[] = [];
  let handled = 0;
  const deadline = Date.now() + 20_000;
  while (seen.length < count && Date.now() < deadline) {
    const reqs = (await posted(page)).filter((m) => m.type === 'weight') as unknown as { id: number; tensor: string; offset: number }[];
    for (const r of reqs.slice(handled)) {
      seen.push({ tensor: r.tensor, offset: r.offset });
      await page.evaluate(([id, value]) => window.postMessage({ type: 'reply', id, ok: true, value }, '*'), [r.id, answer(r.tensor, r.offset)] as const);
    }
    handled = reqs.length;
    if (seen.length < count) await page.waitForTimeout(50);
  }
  return seen;
}

async function openConv1(width: number): Promise<Page> {
  const page = await h.open({ width, height: 900 });
  await showGraph(page, g);
  await page.evaluate(() => window.postMessage({ type: 'selectNode', nodeId: 'Convolution28', reveal: true }, '*'));
  await page.locator('#cl-details').waitFor({ state: 'visible' });
  return page;
}

test('conv1\'s W: statistics, a 32-bar histogram and the first 100 values as the worker computed them, the rest on "More"', async () => {
  const page = await openConv1(1600);
  const links = await page.locator('#cl-details .cl-weight-link').evaluateAll((els) => els.map((e) => [e.getAttribute('data-tensor'), e.textContent]));
  assert.deepEqual(links, [['Parameter5', 'W float32 8×1×5×5']]);
  await page.locator('.cl-weight-link[data-tensor="Parameter5"]').click();
  assert.deepEqual(await answerWeights(page, (t, o) => store.weight(doc.key, t, o), 1), [{ tensor: 'Parameter5', offset: 0 }]);
  await page.locator('#cl-weight-hist').waitFor();
  const summary = store.weight(doc.key, 'Parameter5', 0).summary!;
  const bars = await page.locator('#cl-weight-hist .cl-hist-bar').evaluateAll((els) => els.map((e) => Number((e as SVGElement).dataset.count)));
  assert.equal(bars.length, 32);
  assert.deepEqual(bars, summary.histogram.counts);
  const stats = Object.fromEntries(await page.locator('#cl-weight-stats tr').evaluateAll((rows) => rows.map((r) => [r.querySelector('th')!.textContent, r.querySelector('td')!.textContent])));
  assert.equal(stats.shape, '8×1×5×5');
  assert.equal(stats.dtype, 'float32');
  assert.equal(stats.elements, '200');
  for (const k of ['min', 'max', 'mean', 'std'] as const) assert.equal(stats[k], formatValue(summary.stats[k]), k);
  assert.equal(stats.NaN, '0');
  assert.equal(await page.locator('#cl-weight-values .cl-weight-value').count(), 100);
  assert.match((await page.locator('#cl-weight-more').textContent()) ?? '', /100 of 200/);
  mkdirSync(join(__dirname, '..', '..', 'out'), { recursive: true });
  await page.screenshot({ path: join(__dirname, '..', '..', 'out', 'weights-1600.png') });
  await page.locator('#cl-weight-more').click();
  assert.deepEqual(await answerWeights(page, (t, o) => store.weight(doc.key, t, o), 2), [{ tensor: 'Parameter5', offset: 0 }, { tensor: 'Parameter5', offset: 100 }]);
  await page.waitForFunction(() => document.querySelectorAll('#cl-weight-values .cl-weight-value').length === 200);
  assert.equal(await page.locator('#cl-weight-more').isHidden(), true);
  const shown = await page.locator('#cl-weight-values .cl-weight-value').allTextContents();
  assert.deepEqual(shown.slice(100, 103), store.weight(doc.key, 'Parameter5', 100).page!.values.slice(0, 3).map(formatValue));
  assert.deepEqual(pageErrors(page).filter((e) => !e.startsWith('Failed to load resource')), []); // the favicon
});

test('a weight the worker cannot read says why in one line, in the panel', async () => {
  const page = await openConv1(800);
  await page.locator('.cl-weight-link[data-tensor="Parameter5"]').click();
  await answerWeights(page, () => ({ error: '/models/x.onnx: external data file \'w.bin\' not found' }), 1);
  assert.equal(await page.locator('#cl-weights .cl-weight-error').textContent(), '/models/x.onnx: external data file \'w.bin\' not found');
  assert.equal(await page.locator('#cl-weight-hist').count(), 0);
  await page.screenshot({ path: join(__dirname, '..', '..', 'out', 'weights-800-error.png') });
});

test('the Model panel: producer, IR version, every opset; it fails to show what the graph lacks', async () => {
  const page = await h.open({ width: 1600, height: 900 });
  const withMeta: ViewGraph = { ...g, model: { ...g.model!, opsets: { '': 8, 'ai.onnx.ml': 2, 'com.microsoft': 1 }, metadata: { author: 'test', license: 'MIT' }, docString: 'model doc', graphDocString: 'graph doc' } };
  await showGraph(page, withMeta);
  await page.locator('#cl-model-info').click();
  const rows = (sel: string) => page.locator(`${sel} tr`).evaluateAll((trs) => trs.map((r) => [r.querySelector('th')!.textContent, r.querySelector('td')!.textContent]));
  assert.deepEqual(await rows('#cl-model-props'), [['format', 'ONNX'], ['producer', 'CNTK'], ['producer version', '2.5.1'], ['IR version', '3'], ['graph', 'CNTKGraph']]);
  assert.deepEqual(await rows('#cl-model-opsets'), [['ai.onnx', '8'], ['ai.onnx.ml', '2'], ['com.microsoft', '1']]);
  assert.deepEqual(await rows('#cl-model-metadata'), [['author', 'test'], ['license', 'MIT']]);
  assert.equal(await page.locator('#cl-model-doc').textContent(), 'model doc');
  assert.equal(await page.locator('#cl-graph-doc').textContent(), 'graph doc');
  await page.screenshot({ path: join(__dirname, '..', '..', 'out', 'model-1600.png') });
  // The real MNIST file has no metadata or doc strings: those sections are not drawn.
  await showGraph(page, g);
  assert.equal(await page.locator('#cl-model-metadata').count(), 0);
  assert.equal(await page.locator('#cl-model-doc').count(), 0);
  await page.locator('#cl-model-info').click();
  assert.equal(await page.locator('#cl-model').isHidden(), true, 'the button closes it again');
});
