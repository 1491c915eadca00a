import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { pageErrors, posted, startHarness, type Harness } from './harness';
import { syntheticGraph } from './synthetic';
import { encodeGraph } from '../../src/protocol/graphEncoding';

/**
 * The graph view's channel: a graph as the model worker encodes it (deflated JSON bytes, passed on by
 * the host unparsed) is decoded and drawn; a layout that does not finish in time falls back to the
 * quick layout, and the view says so on screen and in the log.
 */
let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

type Debug = { scene: { display: { nodes: unknown[] }; layout: { x: Float64Array } } | null };
const nodesDrawn = () => ((window as unknown as { convlens: { debug: Debug } }).convlens.debug.scene?.display.nodes.length ?? 0);

test('a deflated graph from the model worker is decoded in the webview and drawn', async () => {
  const page = await h.open();
  const g = syntheticGraph(12_000, 'encoded-12000');
  const encoded = encodeGraph(g, (b) => new Uint8Array(deflateSync(b)));
  assert.equal(encoded.encoding, 'rows-deflate');
  const bytes = [...encoded.bytes];
  await page.evaluate((b) => window.postMessage({ type: 'showGraph', graph: { encoding: 'rows-deflate', bytes: new Uint8Array(b) }, preserveView: false }, '*'), bytes);
  await page.waitForFunction((n) => ((window as unknown as { convlens: { debug: Debug } }).convlens.debug.scene?.display.nodes.length ?? 0) >= n, 12_000, { timeout: 30_000 });
  const title = await page.evaluate(() => (window as unknown as { convlens: { lastReport: { title: string } | null } }).convlens.lastReport?.title);
  assert.equal(title, 'encoded-12000');
  // What the page holds is the graph that was sent.
  const held = await page.evaluate(() => {
    const g = (window as unknown as { convlens: { debug: { graph: { nodes: unknown[]; edges: unknown[]; tensors: Record<string, unknown> } } } }).convlens.debug.graph;
    return { count: [g.nodes.length, g.edges.length, Object.keys(g.tensors).length], node: g.nodes[4321], edge: g.edges[777], tensor: g.tensors['n99_out'] };
  });
  assert.deepEqual(held, { count: [g.nodes.length, g.edges.length, Object.keys(g.tensors).length], node: g.nodes[4321], edge: g.edges[777], tensor: g.tensors['n99_out'] });
  assert.deepEqual(pageErrors(page).filter((e) => !e.startsWith('Failed to load resource')), []); // the favicon
  await page.close();
});

test('a layout past its time limit falls back to the quick layout, with a message on screen and in the log', async () => {
  const page = await h.open({ layoutTimeoutMs: 1 });
  const g = syntheticGraph(3000, 'slow-layout');
  await page.evaluate((graph) => window.postMessage({ type: 'showGraph', graph, preserveView: false }, '*'), g);
  await page.waitForFunction(nodesDrawn, undefined, { timeout: 30_000 });
  const message = await page.locator('#cl-message').innerText();
  assert.match(message, /^The layout of \d+ boxes did not finish within 0 s; a simpler layout is shown/, message);
  const logs = (await posted(page)).filter((m) => m.type === 'log' && m.level === 'warn').map((m) => String(m.message));
  assert.ok(logs.some((l) => l.startsWith('The layout of')), logs.join(' | '));
  // Every box has a place.
  const finite = await page.evaluate(() => [...((window as unknown as { convlens: { debug: Debug } }).convlens.debug.scene!.layout.x)].every(Number.isFinite));
  assert.ok(finite);
  assert.deepEqual(pageErrors(page).filter((e) => !e.startsWith('Failed to load resource')), []); // the favicon
  await page.close();
});
