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

  /** How many rows the toolbar's shown controls take (by their vertical centres). */
  const toolbarRows = (page: Page) => page.evaluate(() => {
    const shown = [...document.getElementById('cl-toolbar')!.children].filter((c): c is HTMLElement => c instanceof HTMLElement && c.id !== 'cl-menu' && c.offsetParent !== null && c.offsetWidth > 0);
    const rows: number[] = [];
    for (const c of shown) {
      const mid = c.getBoundingClientRect().top + c.offsetHeight / 2;
      if (!rows.some((r) => Math.abs(r - mid) < 10)) rows.push(mid);
    }
    return { rows: rows.length, hidden: [...document.querySelectorAll('#cl-toolbar .cl-tb-over')].map((e) => e.id || e.className) };
  });

  test('1000–1500 px: the toolbar keeps one row; squeezed (longer labels, Korean), what does not fit steps into the "⋯" menu, least used first', async () => {
    const page = await openWithDetails(1000);
    for (const width of [1000, 1100, 1300, 1500]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForFunction((w) => document.getElementById('cl-toolbar')!.getBoundingClientRect().width >= w - 20, width);
      await page.waitForTimeout(100);
      const t = await toolbarRows(page);
      assert.equal(t.rows, 1, `${width} px: ${t.rows} rows, hidden ${t.hidden.join(' ')}`);
      assert.deepEqual(t.hidden, [], `${width} px: everything fits (the search box gives way first)`);
    }
    // Squeezed to 750 px (CSSOM, since the page's CSP refuses inline style sheets).
    await page.setViewportSize({ width: 1000, height: 900 });
    await page.evaluate(() => document.getElementById('cl-toolbar')!.style.setProperty('max-width', '750px'));
    await page.waitForFunction(() => document.querySelector('#cl-copy-markdown.cl-tb-over') !== null);
    const t = await toolbarRows(page);
    assert.equal(t.rows, 1, `squeezed: ${t.rows} rows`);
    assert.ok(!t.hidden.includes('cl-fold') && await page.locator('#cl-fold').isVisible() && await page.locator('#cl-overlay').isVisible(), `fold and the overlay choice stay: hidden ${t.hidden.join(' ')}`);
    // The search box gave way but is never squeezed below its own content (it would lie over the buttons after it).
    const overlapped = await page.evaluate(() => {
      const box = document.querySelector<HTMLElement>('#cl-toolbar .cl-search-box')!;
      const input = document.getElementById('cl-search')!.getBoundingClientRect();
      const after = [...document.querySelectorAll<HTMLElement>('#cl-toolbar > *')].filter((e) => e.offsetWidth > 0 && e.id !== 'cl-menu' && !e.classList.contains('cl-spacer') && e.getBoundingClientRect().left >= box.getBoundingClientRect().left + 1 && e !== box);
      return { squeezed: box.scrollWidth > box.clientWidth + 1, over: after.filter((e) => e.getBoundingClientRect().left < input.right - 0.5).map((e) => e.id || e.className) };
    });
    assert.deepEqual(overlapped, { squeezed: false, over: [] });
    const toolbar = await rect(page, '#cl-toolbar');
    assert.ok((await rect(page, '#cl-menu-btn')).right <= toolbar.right + 1, 'the menu button stays in the row');
    // The menu still runs what stepped into it.
    await page.locator('#cl-menu-btn').click();
    assert.ok(await page.locator('#cl-menu [data-command="cl-copy-markdown"]').isVisible());
    await page.keyboard.press('Escape');
    // Room again: everything comes back.
    await page.evaluate(() => document.getElementById('cl-toolbar')!.style.removeProperty('max-width'));
    await page.waitForFunction(() => document.querySelector('#cl-toolbar .cl-tb-over') === null);
    // Broken on purpose: the same squeeze with nothing stepping aside, and the check sees the overflow.
    await page.evaluate(() => {
      const tb = document.getElementById('cl-toolbar')!;
      tb.style.setProperty('flex-wrap', 'wrap');
      tb.style.setProperty('max-width', '750px');
    });
    await page.waitForTimeout(100);
    await page.evaluate(() => { for (const e of document.querySelectorAll('.cl-tb-over')) e.classList.remove('cl-tb-over'); });
    assert.ok((await toolbarRows(page)).rows > 1, 'the check sees a wrapped toolbar');
    await page.close();
  });

  test('800 px: the header is one line with the totals and warnings first, fading where more lies beyond', async () => {
    const page = await openWithDetails(800);
    const head = await rect(page, '#cl-summary');
    const tops = await page.locator('#cl-summary > *').evaluateAll((els) => els.filter((e) => (e as HTMLElement).offsetWidth > 0).map((e) => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2)));
    assert.ok(Math.max(...tops) - Math.min(...tops) < 6 && head.height < 40, `one line: ${head.height} px, centres ${tops.join(' ')}`);
    for (const sel of ['.cl-sum-title', '#cl-warnings-btn', '.cl-sum-key >> nth=0', '.cl-sum-key >> nth=1']) {
      const r = await rect(page, sel);
      assert.ok(r.shown && r.right <= head.right - 30, `${sel} is in sight: ${JSON.stringify(r)} in ${JSON.stringify(head)}`);
    }
    assert.equal(await page.locator('#cl-summary').evaluate((e) => e.classList.contains('cl-sum-end')), false, 'more lies beyond: the edge fades');
    await page.locator('#cl-summary').evaluate((e) => { e.scrollLeft = e.scrollWidth; });
    await page.waitForFunction(() => document.getElementById('cl-summary')!.classList.contains('cl-sum-end'));
    await page.close();
  });
});
