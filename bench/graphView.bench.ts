import { deflateSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { encodeGraph } from '../src/protocol/graphEncoding';
import type { ViewGraph } from '../src/protocol/viewModel';
import { corpusGraph } from '../test/webview/corpusGraphs';
import { startHarness } from '../test/webview/harness';
import { syntheticGraph } from '../test/webview/synthetic';
import type { BenchRow } from './types';

/**
 * The graph view in headless Chromium (same page, CSP and worker as in VS Code):
 * - show -> first paint, from posting showGraph as the extension posts it (the model worker's
 *   encoded bytes) to the first frame of it, against the time the same page takes just to
 *   JSON.parse the graph and receive it by postMessage (the floor any view pays to get the data),
 *   for light ResNet-50 and synthetic 2,000 / 10,000 / 50,000-node graphs;
 * - the longest main-thread task while the 10,000 and 50,000-node graphs are shown (the page stays responsive);
 * - frames per second while panning the 50,000-node graph over its drawn middle (not beside it),
 *   against a loop of blank frames.
 * Absolute goals from the brief are shown beside: ResNet-50 ≤ 150 ms, 10k ≤ 3 s, 50k ≤ 1 s, ≥ 60 fps.
 * Groups are on as a user sees them (the synthetic graph is scoped stage/block); the 50,000-node
 * rows are measured again with the parameters overlay colouring the boxes (as a user picks it).
 */
const RUNS = 3;

async function referenceMs(page: Page, graph: ViewGraph): Promise<number> {
  return page.evaluate((text) => new Promise<number>((resolve) => {
    const t0 = performance.now();
    const g = JSON.parse(text);
    const onMsg = (ev: MessageEvent) => {
      if (ev.data?.type !== 'bench-echo') return;
      window.removeEventListener('message', onMsg);
      resolve(performance.now() - t0);
    };
    window.addEventListener('message', onMsg);
    window.postMessage({ type: 'bench-echo', graph: g }, '*');
  }), JSON.stringify(graph));
}

/**
 * Posts showGraph as the extension does (the model worker's encoding, src/protocol/graphEncoding.ts,
 * which the host passes on unparsed) and resolves at the first frame of it; also reports the longest
 * main-thread task meanwhile (Long Tasks API: the longest time the page could not paint or answer
 * input). A timer ticking on the page is no measure of that: Chromium runs `scheduler.yield`
 * continuations before timers, though after input and frames, so sliced work starves a timer that
 * the user never waits on.
 */
async function showMs(page: Page, graph: ViewGraph): Promise<{ ms: number; stallMs: number }> {
  const { encoding, bytes } = encodeGraph(graph, (b) => new Uint8Array(deflateSync(b)));
  return page.evaluate(([enc, b64]) => new Promise<{ ms: number; stallMs: number }>((resolve) => {
    const raw = atob(b64);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    let stall = 0;
    const tasks = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) stall = Math.max(stall, e.duration);
    });
    tasks.observe({ type: 'longtask' });
    const t0 = performance.now();
    document.addEventListener('convlens-rendered', () => {
      const ms = performance.now() - t0;
      // The task that drew the first frame has ended when a timer runs after it; its entry is then delivered.
      setTimeout(() => {
        for (const e of tasks.takeRecords()) stall = Math.max(stall, e.duration);
        tasks.disconnect();
        resolve({ ms, stallMs: stall });
      }, 0);
    }, { once: true });
    window.postMessage({ type: 'showGraph', graph: { encoding: enc, bytes }, preserveView: false }, '*');
  }), [encoding, Buffer.from(bytes).toString('base64')] as const);
}

/** Pans `frames` frames by 15 px each (or, for the reference, draws nothing) and returns frames per second. */
async function panFps(page: Page, frames: number, blank: boolean): Promise<number> {
  return page.evaluate(([n, isBlank]) => new Promise<number>((resolve) => {
    const view = (window as any).convlens.debug.view;
    let i = 0;
    let t0 = 0;
    const step = (t: number) => {
      if (i === 0) t0 = t;
      if (i === n) return resolve((n * 1000) / (t - t0));
      if (!isBlank) view.panBy(i % 200 < 100 ? -3 : 3, -15);
      i++;
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  }), [frames, blank] as const);
}

/** Picks an overlay as a user does: the toolbar's choice, or in a compact view the '⋯' menu. */
async function chooseOverlay(page: Page, metric: string): Promise<void> {
  if (await page.locator('#cl-overlay').isVisible()) await page.selectOption('#cl-overlay', metric);
  else {
    await page.locator('#cl-menu-btn').click();
    await page.locator(`#cl-menu [data-command="cl-overlay:${metric}"]`).click();
  }
  await page.waitForFunction((m) => document.getElementById('cl-stage')?.dataset.overlay === m, metric);
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/** showGraph -> first paint (and for large graphs the longest stall), RUNS times, medians. */
async function showRows(page: Page, name: string, graph: ViewGraph, goal: number): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const shows: number[] = [];
  const refs: number[] = [];
  const stalls: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    refs.push(await referenceMs(page, graph));
    const s = await showMs(page, graph);
    shows.push(s.ms);
    stalls.push(s.stallMs);
  }
  const ms = median(shows);
  const ref = median(refs);
  rows.push({ name: `graph view: ${name}: showGraph -> first paint vs JSON.parse + postMessage of the same graph`, measured: `${ms.toFixed(0)} ms`, reference: `${ref.toFixed(1)} ms`, ratio: ms / ref, goal: `≤ ${goal} ms`, pass: ms <= goal });
  if (graph.nodes.length >= 10_000) {
    const stall = median(stalls);
    rows.push({ name: `graph view: ${name}: longest main-thread task while showing (layout in the worker; tasks under 50 ms are not counted)`, measured: `${stall.toFixed(0)} ms`, reference: `first paint ${ms.toFixed(0)} ms`, ratio: stall / ms, goal: '≤ 250 ms', pass: stall <= 250 });
  }
  return rows;
}

/**
 * Pans the graph shown last at reading zoom (text drawn) and zoomed out so thousands of boxes are in
 * view; the camera starts on the middle node so every frame draws the graph.
 */
async function panRows(page: Page, what: string, blank: number): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const [label, scale] of [['reading zoom 0.8', 0.8], ['overview zoom 0.05', 0.05]] as const) {
    await page.evaluate((s) => {
      const { view, scene } = (window as any).convlens.debug;
      const mid = Math.floor(scene.layout.x.length / 2);
      const { width, height } = view.viewport;
      view.setCamera({ scale: s, tx: width / 2 - s * scene.layout.x[mid], ty: height / 2 - s * scene.layout.y[mid] });
    }, scale);
    const fps = await panFps(page, 120, false);
    const drawn = await page.evaluate(() => (window as any).convlens.debug.view.stats.last);
    if (drawn.nodes === 0) throw new Error(`pan at ${label} drew no boxes: the camera is off the graph`);
    rows.push({ name: `graph view: pan the ${what} at ${label} (${drawn.nodes} boxes, ${drawn.edges} edges in view) vs blank frames`, measured: `${fps.toFixed(0)} fps`, reference: `${blank.toFixed(0)} fps blank`, ratio: fps / blank, goal: '≥ 60 fps', pass: fps >= 60 });
  }
  return rows;
}

export async function run(): Promise<BenchRow[]> {
  const h = await startHarness();
  const rows: BenchRow[] = [];
  try {
    const big = syntheticGraph(50_000);
    const cases: [string, ViewGraph, number][] = [
      ['light ResNet-50 (176 layers)', await corpusGraph('onnx-backend', 'light', 'light_resnet50.onnx'), 150],
      ['synthetic 2,000 nodes', syntheticGraph(2_000), 1000],
      ['synthetic 10,000 nodes', syntheticGraph(10_000), 3000],
      ['synthetic 50,000 nodes', big, 1000],
    ];
    const page = await h.open({ width: 1200, height: 800 });
    for (const [name, graph, goal] of cases) rows.push(...(await showRows(page, name, graph, goal)));
    const blank = await panFps(page, 120, true);
    rows.push(...(await panRows(page, '50,000-node graph', blank)));
    await chooseOverlay(page, 'params');
    const coloured = await page.evaluate(() => Number(document.getElementById('cl-stage')?.dataset.overlayBoxes));
    if (!(coloured > 0)) throw new Error('the parameters overlay coloured no box of the 50,000-node graph');
    rows.push(...(await showRows(page, 'synthetic 50,000 nodes, parameters overlay on', big, 1000)));
    rows.push(...(await panRows(page, '50,000-node graph with the parameters overlay', blank)));
    await page.close();
  } finally {
    await h.close();
  }
  return rows;
}
