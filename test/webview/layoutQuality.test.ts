import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ViewGraph } from '../../src/protocol/viewModel';
import { corpus } from '../helpers/corpus';
import { corpusGraph, fileGraph } from './corpusGraphs';
import { showGraph, startHarness, type Harness } from './harness';
import { CHECKS, branchOrderProblems, frameTitleCrossings, inceptionModules, sceneFacts, type Facts } from './layoutChecks';

/**
 * The graph reads like a careful drawing, on every corpus CNN and every zoo model (real readers,
 * analysis and view model), as first shown (the default zoom): no text overflows or is cut in any
 * box (measured by the browser's SVG text measurement), no two boxes overlap, no shape label
 * overlaps a box or another label, every merge sits between its inputs, and Inception branches come
 * in the model's order. Folded boxes (the longest text), left to right and the names view too.
 * Each check is shown to fail on a layout broken on purpose.
 */
const zoo = join(__dirname, '..', '..', 'media', 'samples', 'zoo');
const MODELS: [string, () => Promise<ViewGraph>][] = [
  ...readdirSync(corpus('onnx-backend', 'light')).filter((f) => f.endsWith('.onnx')).map((f) => [f, () => corpusGraph('onnx-backend', 'light', f)] as [string, () => Promise<ViewGraph>]),
  ...['Ultraface_version-RFB-320.onnx', 'version-RFB-640.onnx', 'version-slim-320.onnx', 'mnist_c_cxx.onnx', 'image_classifier32.onnx'].map((f) => [f, () => corpusGraph('real', f)] as [string, () => Promise<ViewGraph>]),
  ...readdirSync(zoo).filter((f) => f.endsWith('.json')).map((f) => [`zoo ${f}`, () => fileGraph(join(zoo, f))] as [string, () => Promise<ViewGraph>]),
];

let h: Harness;
let page: Page;
before(async () => {
  h = await startHarness();
  page = await h.open({ width: 1200, height: 800 });
});
after(async () => h?.close());

async function facts(graph: ViewGraph, setup?: (p: Page) => Promise<void>): Promise<Facts> {
  await showGraph(page, graph);
  if (setup) await setup(page);
  return sceneFacts(page);
}

function assertClean(name: string, f: Facts): void {
  for (const [check, run] of Object.entries(CHECKS)) {
    const problems = run(f);
    assert.deepEqual(problems.slice(0, 5), [], `${name}: ${check}: ${problems.length} problems`);
  }
}

/** Waits for the layout that a toolbar change starts. */
async function relayout(p: Page, act: () => Promise<void>): Promise<void> {
  const done = p.evaluate(() => new Promise((r) => document.addEventListener('convlens-rendered', r, { once: true })));
  await act();
  await done;
}

describe('every corpus and zoo model reads like a drawing', () => {
  for (const [name, load] of MODELS) {
    test(name, async () => {
      const graph = await load();
      const f = await facts(graph);
      assert.ok(f.runs.length >= f.boxes.length, 'text was drawn on every box');
      assertClean(name, f);
      const titles = await frameTitleCrossings(page);
      if (process.env.CONVLENS_TITLE_STATS) console.log(`${name}: ${titles.titles} titles, ${titles.plated} on plates`);
      assert.deepEqual(titles.crossed.slice(0, 5), [], `${name}: ${titles.crossed.length} group titles crossed by an edge`);
      // Folded boxes carry the longest text ("Conv 1×1 ×64 +BatchNormalization +Relu").
      await relayout(page, () => page.click('#cl-fold'));
      assertClean(`${name} folded`, await sceneFacts(page));
      await relayout(page, () => page.click('#cl-fold'));
    });
  }

  test('left to right and the names view are clean too (ResNet-50, GoogLeNet, Ultraface)', async () => {
    for (const g of [await corpusGraph('onnx-backend', 'light', 'light_resnet50.onnx'), await fileGraph(join(zoo, 'googlenet.json')), await corpusGraph('real', 'Ultraface_version-RFB-320.onnx')]) {
      await facts(g);
      await relayout(page, () => page.click('#cl-direction'));
      const lr = await sceneFacts(page);
      assert.equal(lr.direction, 'LR');
      assertClean(`${g.title} left to right`, lr);
      await relayout(page, async () => void (await page.selectOption('#cl-titles', 'names')));
      assertClean(`${g.title} names, left to right`, await sceneFacts(page));
      await relayout(page, () => page.click('#cl-direction'));
      await relayout(page, async () => void (await page.selectOption('#cl-titles', 'both')));
    }
  });

  test('Inception modules: branches in the order of the Concat inputs, each Concat centred', async () => {
    for (const g of [await corpusGraph('onnx-backend', 'light', 'light_inception_v1.onnx'), await fileGraph(join(zoo, 'googlenet.json'))]) {
      const f = await facts(g);
      assert.equal(inceptionModules(f).length, 9, `${g.title}: nine inception modules`);
      assert.deepEqual(branchOrderProblems(f), []);
    }
  });
});

describe('each check fails on a layout broken on purpose', () => {
  let base: Facts;
  before(async () => {
    base = await facts(await corpusGraph('onnx-backend', 'light', 'light_inception_v1.onnx'));
  });
  const copy = (): Facts => structuredClone(base);
  const concat = (f: Facts) => inceptionModules(f)[0];

  test('the broken layouts start from a clean one', () => assertClean('inception', base));

  test('text: a box narrower than its text, and a cut line', () => {
    const f = copy();
    // The run with the least room to spare, its box made 10 units too narrow for it.
    const room = (r: Facts['runs'][number]) => f.boxes[r.box].x + f.boxes[r.box].w - (r.x + r.width);
    const tight = f.runs.reduce((a, r) => (room(r) < room(a) ? r : a));
    const v = tight.box;
    f.boxes[v].w -= room(tight) + 10;
    assert.ok(CHECKS.text(f).some((p) => p.includes('past its right side')));
    const g = copy();
    g.runs[0].text = g.runs[0].text.slice(0, 3) + '…';
    assert.ok(CHECKS.text(g).some((p) => p.includes('is cut')));
    const k = copy();
    k.runs = k.runs.filter((r) => r.box !== v);
    assert.ok(CHECKS.text(k).some((p) => p.includes('does not say')));
  });

  test('group titles: the plates taken away, the edges they cover are found crossing them', async () => {
    await showGraph(page, await corpusGraph('onnx-backend', 'light', 'light_resnet50.onnx'));
    const clean = await frameTitleCrossings(page);
    assert.deepEqual(clean.crossed, []);
    assert.ok(clean.plated > 0 && clean.plated < clean.titles, `${clean.plated} of ${clean.titles} titles on plates`);
    await page.evaluate(() => { for (const f of (window as any).convlens.debug.scene.frames) f.plate = false; });
    const broken = await frameTitleCrossings(page);
    assert.ok(broken.crossed.length > 0, 'a title an edge crosses is found');
    // And one moved back to the left where the right side was free is found too.
    await showGraph(page, await corpusGraph('onnx-backend', 'light', 'light_resnet50.onnx'));
    const moved = await page.evaluate(() => {
      const frames = (window as any).convlens.debug.scene.frames;
      const right = frames.filter((f: { plate: boolean; titleX: number; x0: number }) => !f.plate && f.titleX > f.x0 + 8);
      for (const f of right) f.titleX = f.x0 + 8;
      return right.length;
    });
    if (moved > 0) assert.ok((await frameTitleCrossings(page)).crossed.length > 0, 'a title put back on its crossed side is found');
  });

  test('boxes: one moved onto its neighbour', () => {
    const f = copy();
    const c = concat(f);
    const u = f.edges.find((e) => e.to === c)!.from;
    f.boxes[u].x += f.boxes[u].w / 2 + 30;
    assert.ok(CHECKS.boxes(f).length > 0);
  });

  test('labels: one moved onto a box, one onto another label', () => {
    const f = copy();
    f.labels[0].x = f.boxes[5].x + 10;
    f.labels[0].y = f.boxes[5].y + 10;
    assert.ok(CHECKS.labels(f).some((p) => p.includes('overlaps box')));
    const g = copy();
    g.labels[1].x = g.labels[0].x + 5;
    g.labels[1].y = g.labels[0].y + 3;
    assert.ok(CHECKS.labels(g).some((p) => p.includes('labels of edges')));
  });

  test('merges: a Concat moved under its leftmost input and beyond', () => {
    const f = copy();
    const c = concat(f);
    const left = Math.min(...f.edges.filter((e) => e.to === c).map((e) => f.boxes[e.from].x));
    f.boxes[c].x = left - 50;
    assert.ok(CHECKS.merges(f).some((p) => p.startsWith('Concat')));
  });

  test('branches: two branches swapped', () => {
    const f = copy();
    const c = concat(f);
    const [a, b] = f.edges.filter((e) => e.to === c).map((e) => e.from);
    [f.boxes[a].x, f.boxes[b].x] = [f.boxes[b].x, f.boxes[a].x];
    assert.ok(CHECKS.branches(f).length > 0);
  });
});
