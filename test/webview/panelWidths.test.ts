import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { ViewGraph } from '../../src/protocol/viewModel';
import { GRAPH_COVERAGE_JS, GRAPH_MIN_SHARE, type GraphCoverage } from '../helpers/graphCoverage';
import { corpusGraph } from './corpusGraphs';
import { pageErrors, posted, showGraph, startHarness, type Harness } from './harness';

/**
 * The graph view at the widths it is used at: 400 px (a narrow side panel), 800 px (beside a source
 * editor), 1600 px (a whole window), on ResNet-50 read and analysed by our own pipeline, with the
 * details of a layer open (the most a user puts over the graph).
 */

let h: Harness;
let resnet: ViewGraph;

before(async () => {
  resnet = await corpusGraph('onnx-backend', 'light', 'light_resnet50.onnx');
  h = await startHarness();
});
after(async () => h?.close());

const coverage = (page: Page) => page.evaluate(GRAPH_COVERAGE_JS) as Promise<GraphCoverage>;
const rect = (page: Page, sel: string) => page.locator(sel).evaluate((el) => {
  const r = el.getBoundingClientRect();
  return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height, inner: el.clientWidth, shown: getComputedStyle(el).display !== 'none' && r.width > 0 };
});

async function openWithDetails(width: number): Promise<Page> {
  const page = await h.open({ width, height: 900 });
  await showGraph(page, resnet);
  const conv = resnet.nodes.find((n) => n.op === 'Conv')!;
  await page.evaluate((id) => window.postMessage({ type: 'selectNode', nodeId: id, reveal: true }, '*'), conv.id);
  await page.locator('#cl-details').waitFor({ state: 'visible' });
  return page;
}

/** The check the e2e screenshots make too: the graph keeps most of the view. */
function assertGraphKeepsMost(c: GraphCoverage, what: string): void {
  assert.ok(c.graph >= GRAPH_MIN_SHARE, `${what}: the graph keeps ${(c.graph * 100).toFixed(1)}% of the view (< ${GRAPH_MIN_SHARE * 100}%); covered: ${JSON.stringify(c.covered)}`);
}

describe('every panel width', () => {
  for (const width of [400, 800, 1600]) {
    test(`${width} px: with a layer's details open the graph keeps ≥ 60% of the view; the drawer closes`, async () => {
      const page = await openWithDetails(width);
      const open = await coverage(page);
      assertGraphKeepsMost(open, `${width} px, details open`);
      const drawer = await rect(page, '#cl-drawer');
      const stage = await rect(page, '#cl-stage');
      const minimap = await rect(page, '#cl-minimap');
      if (width < 1000) {
        // A bottom sheet across the view, no taller than 28% of the graph area under the header.
        assert.ok(Math.abs(drawer.width - width) <= 1 && drawer.height <= 0.3 * (900 - stage.top) + 1, `a bottom sheet: ${JSON.stringify(drawer)}`);
        assert.equal(minimap.shown, false, 'the minimap steps aside while the sheet is open');
        assert.equal(await page.locator('#cl-zoom-in').isVisible(), false, 'the toolbar collapsed to its menu');
        assert.ok(await page.locator('#cl-menu-btn').isVisible());
      } else {
        assert.ok(drawer.left >= stage.right - 1, 'docked beside the graph, not over it');
        assert.ok(minimap.shown && minimap.inner === 150);
        assert.ok(await page.locator('#cl-zoom-in').isVisible(), 'a wide toolbar shows its buttons');
        assert.ok(await page.locator('#cl-menu-btn').isVisible(), 'and its menu, which alone holds PNG at 2× and 3×');
      }
      await page.locator('#cl-details .cl-close').click();
      await page.locator('#cl-drawer').waitFor({ state: 'hidden' });
      assert.deepEqual((await posted(page)).filter((m) => m.type === 'nodeSelected').at(-1), { type: 'nodeSelected', nodeId: null });
      const closed = await coverage(page);
      assert.ok(closed.graph > open.graph, 'closing the drawer gives the graph its room back');
      const mm = await rect(page, '#cl-minimap');
      if (width < 600) assert.equal(mm.shown, false, 'hidden in a narrow view');
      else if (width < 1000) assert.ok(mm.shown && mm.inner === 90, `shrunk in a compact view: ${mm.inner}`);
      assert.deepEqual(pageErrors(page).filter((e) => !e.startsWith('Failed to load resource')), []); // the favicon
      await page.close();
    });
  }

  test('a panel resized (a source editor opened beside it) keeps the middle of the view; opening the drawer moves nothing', async () => {
    const page = await h.open({ width: 1600, height: 900 });
    await showGraph(page, resnet);
    const middle = () => page.evaluate(() => {
      const v = (window as any).convlens.debug.view;
      return (v.viewport.width / 2 - v.cam.tx) / v.cam.scale;
    });
    const tx = () => page.evaluate(() => (window as any).convlens.debug.view.cam.tx);
    const before = await middle();
    await page.setViewportSize({ width: 800, height: 900 });
    await page.waitForFunction(() => (window as any).convlens.debug.view.viewport.width < 900);
    assert.ok(Math.abs((await middle()) - before) < 1, `the middle moved from ${before} to ${await middle()}`);
    await page.setViewportSize({ width: 1600, height: 900 });
    await page.waitForFunction(() => (window as any).convlens.debug.view.viewport.width > 1500);
    const still = await tx();
    await page.evaluate((id) => window.postMessage({ type: 'selectNode', nodeId: id, reveal: false }, '*'), resnet.nodes.find((n) => n.op === 'Conv')!.id);
    await page.locator('#cl-details').waitFor({ state: 'visible' });
    await page.waitForFunction(() => (window as any).convlens.debug.view.viewport.width < 1400);
    assert.equal(await tx(), still, 'the docked drawer narrows the graph from the right without moving it');
    await page.close();
  });

  test('the check fails on a deliberately broken layout: a drawer that covers the graph', async () => {
    const page = await openWithDetails(800);
    // (CSSOM, since the page's CSP refuses inline style sheets.)
    await page.evaluate(() => {
      const s = document.getElementById('cl-drawer')!.style;
      s.setProperty('max-height', 'none', 'important');
      s.setProperty('height', '90%', 'important');
    });
    const c = await coverage(page);
    assert.throws(() => assertGraphKeepsMost(c, 'broken'), /the graph keeps/);
    await page.close();
  });

  test('800 px: the "⋯" menu holds every toolbar command, works from the keyboard and runs them', async () => {
    const page = await openWithDetails(800);
    // Every control of the toolbar (buttons by id, each option of a select) as the menu names them.
    const controls = await page.evaluate(() => {
      const out: string[] = [];
      for (const el of document.querySelectorAll<HTMLElement>('#cl-toolbar button[id], #cl-toolbar select[id]')) {
        if (el.id === 'cl-menu-btn' || el.closest('#cl-menu') || el.closest('.cl-search-box') || el.closest('.cl-hidden')) continue;
        if (el instanceof HTMLSelectElement) for (const o of el.options) { if (o.value !== '0') out.push(`${el.id}:${o.value}`); }
        else out.push(el.id);
      }
      return out;
    });
    assert.ok(controls.length >= 12, controls.join(' '));
    const btn = page.locator('#cl-menu-btn');
    await btn.focus();
    await page.keyboard.press('Enter');
    await page.locator('#cl-menu').waitFor({ state: 'visible' });
    assert.equal(await btn.getAttribute('aria-expanded'), 'true');
    const items = await page.locator('#cl-menu .cl-menu-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-command')!));
    assert.deepEqual(controls.filter((c) => !items.includes(c)), [], 'every toolbar command is in the menu');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-command')), items[0], 'the first item has the focus');
    // ↓ to the fold toggle and Enter: it runs, the menu closes, focus returns to the button.
    const fold = items.indexOf('cl-fold');
    for (let i = 0; i < fold; i++) await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-command')), 'cl-fold');
    const before = await page.locator('#cl-fold').getAttribute('aria-pressed');
    await page.keyboard.press('Enter');
    await page.locator('#cl-menu').waitFor({ state: 'hidden' });
    await page.waitForFunction((b) => document.getElementById('cl-fold')?.getAttribute('aria-pressed') !== b, before);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'cl-menu-btn');
    // The menu shows the toggle's new state; Escape closes it without acting, and the selection stays.
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('#cl-menu [data-command="cl-fold"]').getAttribute('aria-checked'), before === 'true' ? 'false' : 'true');
    await page.keyboard.press('Escape');
    await page.locator('#cl-menu').waitFor({ state: 'hidden' });
    assert.ok(await page.locator('#cl-details').isVisible(), 'Escape in the menu did not clear the selection');
    // A click outside closes it too.
    await btn.click();
    await page.locator('#cl-menu').waitFor({ state: 'visible' });
    const stage = await rect(page, '#cl-stage');
    await page.mouse.click(stage.left + 20, stage.top + 20);
    await page.locator('#cl-menu').waitFor({ state: 'hidden' });
    assert.deepEqual(pageErrors(page).filter((e) => !e.startsWith('Failed to load resource')), []); // the favicon
    await page.close();
  });
});
