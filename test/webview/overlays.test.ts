import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { analyze } from '../../src/analysis/analyze';
import { readModelFile } from '../../src/formats/index';
import { Engine } from '../../src/runtime/engine';
import { defaultAccess } from '../../src/runtime/access';
import type { LayerTimes } from '../../src/runtime/profile';
import type { ViewGraph } from '../../src/protocol/viewModel';
import { buildViewGraph } from '../../src/view/buildViewGraph';
import { formatCount, formatMicros } from '../../webview/common/format';
import { corpus } from '../helpers/corpus';
import { pageErrors, posted, showGraph, startHarness, type Harness, type TestTheme } from './harness';

/**
 * The overlays in Chromium, on real models through the real pipeline: colouring by parameters or MACs
 * lists the ten layers the analysis gives the most, with its figures, the legend's scale runs from the
 * analysis's smallest to its largest figure, and every box with a figure is coloured; the time overlay
 * asks the host for the profile and shows ONNX Runtime's own (engine.profile() on MNIST). The check is
 * shown failing on a graph whose figures were changed after the analysis.
 */

const RESNET = corpus('onnx-backend', 'light', 'light_resnet50.onnx');
const MNIST = corpus('real', 'mnist_c_cxx.onnx');
let h: Harness;
let resnet: { graph: ViewGraph; figures: Map<string, { params: number | null; macs: number | null }> };
const out = join(__dirname, '..', '..', 'out');

async function load(path: string): Promise<typeof resnet> {
  const model = await readModelFile(path);
  const a = analyze(model);
  return { graph: buildViewGraph(model, a, 'model'), figures: new Map([...a.nodes].map(([id, f]) => [id, { params: f.params, macs: f.macs }])) };
}

before(async () => {
  resnet = await load(RESNET);
  h = await startHarness();
  mkdirSync(out, { recursive: true });
});
after(async () => h?.close());

async function open(graph: ViewGraph, width: number, theme: TestTheme = 'dark'): Promise<Page> {
  const page = await h.open({ width, height: 900, theme });
  await showGraph(page, graph);
  return page;
}

/** From the toolbar's choice, or in a compact view from the '⋯' menu that stands in for it. */
async function choose(page: Page, metric: string): Promise<void> {
  if (await page.locator('#cl-overlay').isVisible()) await page.selectOption('#cl-overlay', metric);
  else {
    await page.locator('#cl-menu-btn').click();
    await page.locator(`#cl-menu [data-command="cl-overlay:${metric}"]`).click();
  }
  await page.waitForFunction((m) => document.getElementById('cl-stage')?.dataset.overlay === m, metric);
}

async function topRows(page: Page): Promise<{ id: string; value: number; text: string }[]> {
  return page.locator('#cl-overlay-top button').evaluateAll((els) => els.map((e) => ({ id: e.getAttribute('data-box')!, value: Number(e.getAttribute('data-value')), text: e.querySelector('.cl-overlay-value')!.textContent! })));
}

/** What the analysis says the list and the scale must be. */
function expected(figures: typeof resnet.figures, metric: 'params' | 'macs'): { top: [string, number][]; min: number; max: number; coloured: number } {
  const all = [...figures].map(([id, f]) => [id, f[metric] ?? 0] as [string, number]).filter(([, v]) => v > 0);
  const top = [...all].sort((a, b) => b[1] - a[1]).slice(0, 10);
  return { top, min: Math.min(...all.map(([, v]) => v)), max: Math.max(...all.map(([, v]) => v)), coloured: all.length };
}

async function checkAgainst(page: Page, figures: typeof resnet.figures, metric: 'params' | 'macs'): Promise<void> {
  const want = expected(figures, metric);
  const rows = await topRows(page);
  assert.deepEqual(rows.map((r) => r.value), want.top.map(([, v]) => v), `${metric}: the top 10 figures are the analysis's`);
  for (const r of rows) {
    assert.equal(figures.get(r.id)?.[metric], r.value, `${r.id}'s ${metric}`);
    assert.equal(r.text, formatCount(r.value));
  }
  const ticks = await page.locator('#cl-overlay-ticks span').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
  assert.equal(ticks.length, 5);
  assert.ok(Math.abs(ticks[0] - want.min) < 1e-6 * want.min && Math.abs(ticks[4] - want.max) < 1e-6 * want.max, `${metric}: scale ${ticks[0]}…${ticks[4]} is the analysis's ${want.min}…${want.max}`);
  assert.equal(Number(await page.locator('#cl-stage').getAttribute('data-overlay-boxes')), want.coloured, 'every box with a figure is coloured');
}

test('ResNet-50: parameters and MACs overlays list and scale the analysis\'s figures (light, dark, high contrast)', async () => {
  for (const [width, theme] of [[1600, 'dark'], [800, 'light'], [1600, 'hc']] as const) {
    const page = await open(resnet.graph, width, theme);
    for (const metric of ['params', 'macs'] as const) {
      await choose(page, metric);
      await checkAgainst(page, resnet.figures, metric);
    }
    await page.screenshot({ path: join(out, `overlay-macs-${theme}-${width}.png`) });
    // Clicking a row selects that layer.
    const first = (await topRows(page))[0];
    await page.locator('#cl-overlay-top button').first().click();
    await page.waitForFunction((id) => (window as unknown as { __posted: { type: string; nodeId?: string }[] }).__posted.some((m) => m.type === 'nodeSelected' && m.nodeId === id), first.id);
    await choose(page, 'none');
    assert.equal(await page.locator('#cl-overlay-panel').isVisible(), false);
    assert.equal(await page.locator('#cl-stage').getAttribute('data-overlay-boxes'), '0');
    assert.deepEqual(pageErrors(page).filter((e) => !e.includes('404')), []);
    await page.close();
  }
});

test('the "Colour by" choice is kept when the webview is reloaded, and "none" is kept too', async () => {
  const page = await open(resnet.graph, 1600);
  await choose(page, 'macs');
  await page.reload();
  await page.waitForFunction(() => (window as unknown as { __posted?: { type: string }[] }).__posted?.some((m) => m.type === 'ready'));
  await showGraph(page, resnet.graph);
  await page.waitForFunction(() => document.getElementById('cl-stage')?.dataset.overlay === 'macs');
  await checkAgainst(page, resnet.figures, 'macs');
  assert.equal(await page.locator('#cl-overlay-panel').isVisible(), true, 'the legend is shown again');
  await choose(page, 'none');
  await page.reload();
  await page.waitForFunction(() => (window as unknown as { __posted?: { type: string }[] }).__posted?.some((m) => m.type === 'ready'));
  await showGraph(page, resnet.graph);
  assert.equal(await page.locator('#cl-stage').getAttribute('data-overlay-boxes'), '0');
  assert.equal(await page.locator('#cl-overlay-panel').isVisible(), false);
  await page.close();
});

test('the check catches figures that are not the analysis\'s', async () => {
  const broken = structuredClone(resnet.graph);
  const biggest = expected(resnet.figures, 'params').top[0][0];
  broken.nodes.find((n) => n.id === biggest)!.params = 1;
  const page = await open(broken, 1600);
  await choose(page, 'params');
  await assert.rejects(checkAgainst(page, resnet.figures, 'params'), /analysis/);
  await page.close();
});

test('MNIST: the time overlay asks for the profile after a run and lists ONNX Runtime\'s times', async () => {
  const engine = new Engine(defaultAccess);
  let times: LayerTimes;
  try {
    await engine.run({ modelPath: MNIST, providers: ['cpu'], memoryBudgetMB: 2048, picture: { kind: 'pattern', pattern: 'digit' }, normalization: 'auto', bgr: false, dims: {}, returnTensors: [], noThumbnails: true });
    times = await engine.profile();
  } finally {
    await engine.dispose();
  }
  const { graph } = await load(MNIST);
  const page = await open(graph, 1600);
  await choose(page, 'time');
  await page.locator('#cl-overlay-status').waitFor();
  assert.match((await page.locator('#cl-overlay-status').textContent()) ?? '', /Run the model first/);
  assert.equal((await posted(page)).filter((m) => m.type === 'layerTimes').length, 0, 'no profile is asked for before a run');
  await page.evaluate(() => window.postMessage({ type: 'inferenceState', state: { status: 'done', provider: 'cpu', millis: 1.5, thumbnails: [] } }, '*'));
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'layerTimes'));
  const req = (await posted(page)).find((m) => m.type === 'layerTimes') as unknown as { id: number };
  await page.evaluate(([id, value]) => window.postMessage({ type: 'reply', id, ok: true, value }, '*'), [req.id, times] as const);
  await page.locator('#cl-overlay-top button').first().waitFor();
  const rows = await topRows(page);
  const want = Object.entries(times.nodes).filter(([, t]) => t.micros > 0).sort((a, b) => b[1].micros - a[1].micros).slice(0, 10);
  assert.deepEqual(rows.map((r) => r.id), want.map(([id]) => id));
  for (const r of rows) {
    assert.ok(r.value > 0 && r.value === times.nodes[r.id].micros, r.id);
    assert.equal(r.text, formatMicros(r.value));
  }
  assert.match((await page.locator('#cl-overlay-time-note').textContent()) ?? '', /mean of 3 runs/);
  await page.screenshot({ path: join(out, 'overlay-time-1600.png') });
  // The same run's state sent again keeps the times; a new run asks again.
  await page.evaluate(() => window.postMessage({ type: 'inferenceState', state: { status: 'done', provider: 'cpu', millis: 1.5, thumbnails: [] } }, '*'));
  await page.evaluate(() => window.postMessage({ type: 'inferenceState', state: { status: 'done', provider: 'cpu', millis: 2.5, thumbnails: [] } }, '*'));
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'layerTimes').length === 2);
  assert.deepEqual(pageErrors(page).filter((e) => !e.includes('404')), []);
  await page.close();
});
