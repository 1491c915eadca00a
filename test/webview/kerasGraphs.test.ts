import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ViewGraph } from '../../src/protocol/viewModel';
import { corpus } from '../helpers/corpus';
import { corpusGraph, fileGraph } from './corpusGraphs';
import { compareGolden } from './golden';
import { pageErrors, showGraph, startHarness, type Harness, type TestTheme } from './harness';
import { syntheticGraph } from './synthetic';

/**
 * Keras-domain graphs (ConvLens JSON zoo, Keras JSON) through readModelFile + analyze +
 * buildViewGraph in Chromium; readable fit with shapes on the edges; scope-group frames and the
 * docked legend in dark, light and high-contrast themes.
 */
let h: Harness;
let zooResnet: ViewGraph;
let googlenet: ViewGraph;
let inceptionV3: ViewGraph;
let mnist: ViewGraph;
const zoo = join(__dirname, '..', '..', 'media', 'samples', 'zoo');

before(async () => {
  [zooResnet, googlenet, inceptionV3, mnist] = await Promise.all([
    fileGraph(join(zoo, 'resnet50.json')),
    fileGraph(join(zoo, 'googlenet.json')),
    fileGraph(corpus('keras-json', 'inception_v3.json')),
    corpusGraph('real', 'mnist_c_cxx.onnx'),
  ]);
  h = await startHarness();
});
after(async () => h?.close());

interface Facts { ops: string[]; x: number[]; layer: number[]; edges: { from: number; to: number; kind: number; minX: number }[] }

function facts(page: Page): Promise<Facts> {
  return page.evaluate(() => {
    const s = (window as any).convlens.debug.scene;
    const edges = s.display.edges.map((e: { from: number; to: number }, i: number) => {
      const pts: number[] = Array.from(s.layout.edgePoints.slice(s.layout.edgeOffset[i], s.layout.edgeOffset[i + 1]));
      return { from: e.from, to: e.to, kind: s.layout.edgeKind[i], minX: Math.min(...pts.filter((_, k) => k % 2 === 0)) };
    });
    return { ops: s.display.nodes.map((n: { title: string }) => n.title), x: Array.from(s.layout.x), layer: Array.from(s.layout.layer), edges };
  });
}

const SKIP = 1;
const indexesOf = (f: Facts, op: string) => f.ops.map((o, i) => (o === op ? i : -1)).filter((i) => i >= 0);

/** Each join's inputs stand on one layer, each in its own column. */
function assertSideBySide(f: Facts, op: string, count: number): void {
  const joins = indexesOf(f, op);
  assert.equal(joins.length, count);
  for (const c of joins) {
    const preds = f.edges.filter((e) => e.to === c).map((e) => e.from);
    assert.ok(preds.length >= 2);
    assert.equal(new Set(preds.map((p) => f.layer[p])).size, 1, `${op} #${c}: inputs on one layer`);
    assert.equal(new Set(preds.map((p) => f.x[p])).size, preds.length, `${op} #${c}: inputs in different columns`);
  }
}

describe('Keras-domain models', () => {
  test('ConvLens JSON ResNet-50 (zoo): identity shortcuts as arcs left of the chain, projections as a branch', async () => {
    const page = await h.open();
    await showGraph(page, zooResnet);
    const f = await facts(page);
    const adds = indexesOf(f, 'Add');
    assert.equal(adds.length, 16);
    const chainX = f.x[adds[0]];
    let arcs = 0;
    for (const a of adds) {
      assert.equal(f.x[a], chainX, 'every Add on the main chain');
      const arc = f.edges.find((e) => e.to === a && e.kind === SKIP);
      if (arc) {
        assert.ok(arc.minX < chainX - 100);
        arcs++;
      } else assert.ok(f.edges.some((e) => e.to === a && f.x[e.from] > chainX), 'the projection stands to the right');
    }
    assert.equal(arcs, 12);
    assert.deepEqual(pageErrors(page).filter((e) => !e.includes('404')), []);
    await page.close();
  });

  test('ConvLens JSON GoogLeNet (zoo): the four branches of every Concatenate side by side', async () => {
    const page = await h.open();
    await showGraph(page, googlenet);
    assertSideBySide(await facts(page), 'Concatenate', 9);
    assert.deepEqual(pageErrors(page).filter((e) => !e.includes('404')), []);
    await page.close();
  });

  test('Keras JSON Inception v3 (corpus): every Concatenate, nested ones included, gets its inputs side by side', async () => {
    const page = await h.open();
    const report = await showGraph(page, inceptionV3);
    assert.equal(report.layoutMode, 'worker');
    const f = await facts(page);
    assert.equal(f.ops.filter((o) => o === 'Conv2D').length, 94);
    assertSideBySide(f, 'Concatenate', 15);
    assert.deepEqual(pageErrors(page).filter((e) => !e.includes('404')), []);
    await page.close();
  });
});

const drawn = (page: Page) => page.evaluate(() => ({ ...(window as any).convlens.debug.view.stats.last, scale: (window as any).convlens.debug.view.cam.scale as number }));
const frame = () => new Promise((r) => setTimeout(r, 50));

describe('readable fit and legend', () => {
  test('MNIST at fit shows the shape of every tensor; the docked legend covers no box and folds away', async () => {
    const page = await h.open();
    await showGraph(page, mnist);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const d = await drawn(page);
    assert.ok(d.scale >= 0.5, `fit scale ${d.scale}`);
    // A plain chain: every edge carries its own tensor, so each shows its label (shared labels are for fan-outs).
    assert.equal(d.labels, d.edges, `the shape of every tensor is on screen: ${JSON.stringify(d)}`);
    const rects = await page.evaluate(() => ({ canvas: document.querySelector('canvas.cl-canvas')!.getBoundingClientRect().toJSON(), legend: document.getElementById('cl-legend')!.getBoundingClientRect().toJSON() }));
    assert.ok(rects.legend.top >= rects.canvas.bottom - 0.5, 'the legend is below the canvas, not over it');
    const before = rects.canvas.height;
    await page.click('#cl-legend-toggle');
    assert.equal(await page.locator('.cl-legend-rows').isVisible(), false);
    await page.waitForFunction((hgt) => document.querySelector('canvas.cl-canvas')!.getBoundingClientRect().height >= hgt, before);
    await page.close();
  });

  test('a tall medium graph fits its width at a readable scale (scroll for the rest); a big one fits whole', async () => {
    const page = await h.open();
    await showGraph(page, syntheticGraph(30));
    await frame();
    const medium = await drawn(page);
    assert.ok(medium.scale >= 0.6 && medium.labels > 0, JSON.stringify(medium));
    await page.keyboard.press('0');
    assert.ok((await drawn(page)).scale >= 0.6, 'Fit (0) keeps the readable scale');
    await showGraph(page, inceptionV3);
    await page.keyboard.press('0');
    await frame();
    const big = await drawn(page);
    assert.ok(big.scale < 0.2 && big.labels === 0, `whole overview: ${JSON.stringify(big)}`);
    await page.close();
  });
});

describe('scope groups in every theme', () => {
  for (const theme of ['dark', 'light', 'hc'] as TestTheme[]) {
    test(`frames of stages and blocks never cover another group (${theme})`, async () => {
      const page = await h.open({ theme });
      await showGraph(page, syntheticGraph(120));
      const bad = await page.evaluate(() => {
        const s = (window as any).convlens.debug.scene;
        const out: string[] = [];
        for (const f of s.frames) {
          s.display.nodes.forEach((d: { kind: string; scope: string[]; name: string }, v: number) => {
            if (d.kind !== 'node' || d.scope.slice(0, f.key.split('/').length).join('/') === f.key) return;
            const x = s.layout.x[v];
            const y = s.layout.y[v];
            if (x + 105 > f.x0 && x - 105 < f.x1 && y + 23 > f.y0 && y - 23 < f.y1) out.push(`${f.key} covers ${d.name}`);
          });
        }
        return { frames: s.frames.length, out };
      });
      assert.ok(bad.frames > 10);
      assert.deepEqual(bad.out, []);
      await page.evaluate(() => (window as any).convlens.debug.view.setCamera({ scale: 0.6, tx: 380, ty: -40 }));
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const golden = compareGolden(`groups-${theme}`, await page.screenshot());
      assert.ok(golden.ok, golden.message);
      assert.deepEqual(pageErrors(page).filter((e) => !e.includes('404')), []);
      await page.close();
    });
  }
});
