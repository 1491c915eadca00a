import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import type { ViewGraph } from '../../src/protocol/viewModel';
import { fileGraph } from './corpusGraphs';
import { showGraph, startHarness, type Harness } from './harness';

/** A graph whose JSON no longer reads as a model says so above the graph, until the next graph arrives. */
let h: Harness;
let lenet: ViewGraph;

before(async () => {
  lenet = await fileGraph(join(resolve(__dirname, '..', '..'), 'media', 'samples', 'zoo', 'lenet5.json'));
  h = await startHarness();
});
after(async () => h?.close());

test('graphStale marks the graph as the last version that read as a model; the next graph clears it', async () => {
  const page = await h.open({ width: 800, height: 700 });
  await showGraph(page, lenet);
  const stale = page.locator('#cl-stale');
  assert.equal(await stale.isVisible(), false);
  await page.evaluate(() => window.postMessage({ type: 'graphStale', reason: 'line 7: value expected' }, '*'));
  await stale.waitFor({ state: 'visible' });
  const text = await stale.innerText();
  assert.match(text, /Out of date/);
  assert.match(text, /line 7: value expected/);
  // Above the graph, never over a box: the canvas starts below it.
  const [mark, stage] = await Promise.all([stale.boundingBox(), page.locator('#cl-stage').boundingBox()]);
  assert.ok(mark && stage && stage.y >= mark.y + mark.height - 0.5, `${JSON.stringify(mark)} ${JSON.stringify(stage)}`);
  assert.equal(await page.locator('#cl-summary').isVisible(), true, 'the graph and its header stay');
  await showGraph(page, lenet, true);
  await stale.waitFor({ state: 'hidden' });
  await page.close();
});
