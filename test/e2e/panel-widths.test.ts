import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { openSession, type Session } from './harness/session';
import { openFromExplorer, runCommand, screenshot } from './harness/browser';
import { graphFrame } from './harness/graph';
import { corpus } from '../helpers/corpus';
import { tf2onnxFile } from '../helpers/tf2onnx';
import { GRAPH_COVERAGE_JS, GRAPH_MIN_SHARE, type GraphCoverage } from '../helpers/graphCoverage';

/**
 * The packaged extension in code-server at the two widths a graph is used at: a whole editor area
 * (~1600 px) and beside a source editor (~800 px, after Reveal source), on ResNet-50, GoogLeNet,
 * Ultraface and a tf2onnx export. At each, with a layer's details open, the graph keeps at least 60%
 * of its webview (measured by what the browser has on top at each point). The screenshots are the
 * README's docs/images/graph-*-800.png and -1600.png (CONVLENS_UPDATE_SCREENSHOTS=1 refreshes them).
 */
let session: Session;
let page: Page;

/** `show`: a layer brought into view for the screenshots (GoogLeNet's first inception module's Concat and a
 * convolution of its first branch, rather than the stem); `details`: the layer whose details are opened. */
const MODELS: { file: string; shot: string; from: () => string; show?: string; details?: string }[] = [
  { file: 'light_resnet50.onnx', shot: 'resnet50', from: () => corpus('onnx-backend', 'light', 'light_resnet50.onnx') },
  { file: 'light_inception_v1.onnx', shot: 'googlenet', from: () => corpus('onnx-backend', 'light', 'light_inception_v1.onnx'), show: 'n23', details: 'n10' },
  { file: 'version-RFB-320.onnx', shot: 'ultraface', from: () => corpus('real', 'Ultraface_version-RFB-320.onnx') },
  { file: 'keras_cnn_tf2onnx.onnx', shot: 'tf2onnx', from: tf2onnxFile },
];

before(async () => {
  session = await openSession({ name: 'e2e-panel-widths', copy: Object.fromEntries(MODELS.map((m) => [m.file, m.from()])) });
  page = session.page;
  // An editor area about 1600 px wide, whatever the explorer and the window chrome take; set before any
  // graph opens, so each is first shown (and fitted) at that width.
  const editor = (await page.locator('.part.editor').boundingBox())!;
  const vp = page.viewportSize()!;
  await page.setViewportSize({ width: Math.round(vp.width + 1600 - editor.width), height: vp.height });
});
after(async () => {
  await session?.close();
});

const coverage = (frame: Frame) => frame.evaluate(GRAPH_COVERAGE_JS) as Promise<GraphCoverage>;
const panelWidth = (frame: Frame) => frame.evaluate(() => window.innerWidth);

/** Two animation frames: what was asked is drawn. */
async function settle(frame: Frame): Promise<void> {
  await frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

function assertGraphKeepsMost(c: GraphCoverage, what: string): void {
  assert.ok(c.graph >= GRAPH_MIN_SHARE, `${what}: the graph keeps ${(c.graph * 100).toFixed(1)}% of its ${c.width}×${c.height} webview; covered: ${JSON.stringify(c.covered)}`);
}

for (const m of MODELS) {
  test(`${m.shot}: the graph keeps most of the panel at ~1600 px and beside a source editor at ~800 px`, { timeout: 180_000 }, async () => {
    await openFromExplorer(page, m.file);
    let { frame } = await graphFrame(page, m.file);
    const wide = await panelWidth(frame);
    assert.ok(Math.abs(wide - 1600) <= 8, `the graph panel is ${wide} px wide`);
    await settle(frame);
    assertGraphKeepsMost(await coverage(frame), `${m.shot} at 1600 px`);
    if (m.show) {
      await frame.locator('#cl-search').fill(m.show);
      await frame.locator('#cl-search').press('Enter');
      await frame.locator('#cl-details').waitFor({ state: 'visible', timeout: 10_000 });
      await frame.locator('#cl-details .cl-close').click();
      await frame.locator('#cl-details').waitFor({ state: 'hidden', timeout: 10_000 });
      await settle(frame);
    }
    await screenshot(page, `graph-${m.shot}-1600`, 'docs/images');

    // A layer's details (the first convolution, found by search) docked beside the graph.
    await frame.locator('#cl-search').fill(m.details ?? 'Conv');
    await frame.locator('#cl-search').press('Enter');
    await frame.locator('#cl-details').waitFor({ state: 'visible', timeout: 10_000 });
    assertGraphKeepsMost(await coverage(frame), `${m.shot} at 1600 px with details`);

    // Reveal source opens the node's ONNX text beside the graph: the normal way to work, at half width.
    await frame.locator('#cl-reveal').click();
    await page.locator('.monaco-editor .view-lines').filter({ hasText: '= Conv<' }).first().waitFor({ timeout: 20_000 });
    ({ frame } = await graphFrame(page, m.file));
    await frame.waitForFunction(() => window.innerWidth < 900);
    const w = await panelWidth(frame);
    assert.ok(w >= 700 && w <= 900, `beside the source the graph panel is ${w} px wide`);
    await settle(frame);
    assert.ok(await frame.locator('#cl-details').isVisible(), 'the details stay open, as a bottom sheet');
    assert.ok(await frame.locator('#cl-menu-btn').isVisible(), 'the toolbar collapsed to its menu');
    assertGraphKeepsMost(await coverage(frame), `${m.shot} at ${w} px with details`);
    await screenshot(page, `graph-${m.shot}-800`, 'docs/images');
    await runCommand(page, 'View: Close All Editors');
  });
}
