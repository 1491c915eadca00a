import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ViewGraph } from '../../src/protocol/viewModel';
import { corpusGraph, fileGraph } from './corpusGraphs';
import { showGraph, startHarness, type Harness } from './harness';

/**
 * The Mermaid preview does not clip its labels: the preview's SVG (what the <img> shows) is opened
 * on its own page, with Mermaid's own styles, and every node label's text box is measured against
 * its node's shape. The check is shown failing on a preview whose label was made longer than its node.
 */
const zoo = join(__dirname, '..', '..', 'media', 'samples', 'zoo');
const MODELS: [string, () => Promise<ViewGraph>][] = [
  ['light_resnet50.onnx', () => corpusGraph('onnx-backend', 'light', 'light_resnet50.onnx')],
  ['light_inception_v1.onnx', () => corpusGraph('onnx-backend', 'light', 'light_inception_v1.onnx')],
  ['Ultraface_version-RFB-320.onnx', () => corpusGraph('real', 'Ultraface_version-RFB-320.onnx')],
  ['mnist_c_cxx.onnx', () => corpusGraph('real', 'mnist_c_cxx.onnx')],
  ...readdirSync(zoo).filter((f) => f.endsWith('.json')).map((f) => [`zoo ${f}`, () => fileGraph(join(zoo, f))] as [string, () => Promise<ViewGraph>]),
];

let h: Harness;
let page: Page;
let bare: Page;
before(async () => {
  h = await startHarness();
  page = await h.open({ width: 1200, height: 800 });
  bare = await h.browser.newPage();
});
after(async () => h?.close());

/**
 * The SVG the preview shows: the preview's own Mermaid text rendered by the same bundle
 * (dist/mermaid.js) with the preview's settings, on a page without the webview's CSP, which keeps
 * a test from reading the preview's blob: image back.
 */
async function previewSvg(graph: ViewGraph): Promise<string> {
  await showGraph(page, graph);
  await page.click('#cl-copy-mermaid');
  await page.locator('#cl-mermaid-img').waitFor({ state: 'attached', timeout: 60_000 });
  const text = await page.locator('#cl-mermaid-text').inputValue();
  await page.keyboard.press('Escape');
  await bare.goto(`${h.origin}/dist/mermaid.js`);
  await bare.setContent('<!doctype html><body></body>');
  await bare.addScriptTag({ url: `${h.origin}/dist/mermaid.js` });
  return bare.evaluate(async (t) => {
    const api = (window as any).convlensMermaid;
    api.initialize({ startOnLoad: false, theme: 'dark', securityLevel: 'strict', maxEdges: 5000, maxTextSize: 2_000_000, flowchart: { htmlLabels: false } });
    return (await api.render('m1', t)).svg as string;
  }, text);
}

/** Node labels whose text reaches past their node's shape (screen boxes on a page of the SVG alone). */
async function clipped(svg: string, lengthenOne = false): Promise<{ nodes: number; problems: string[] }> {
  await bare.setContent(`<!doctype html><body style="margin:0">${svg}</body>`);
  return bare.evaluate((lengthen) => {
    // tsx names the helpers below with esbuild's __name, which a page does not have.
    (globalThis as any).__name ??= (f: unknown) => f;
    const nodes = [...document.querySelectorAll('g.node')];
    // Each label's rendered text (a Range over it: an HTML label's div may be clipped by its foreignObject).
    const textBox = (n: Element): DOMRect | null => {
      const label = n.querySelector('foreignObject div, text');
      if (!label) return null;
      const r = document.createRange();
      r.selectNodeContents(label);
      return r.getBoundingClientRect();
    };
    // The broken case: one label made longer than its node after Mermaid sized the node.
    if (lengthen) {
      const label = nodes[0]?.querySelector('foreignObject div, text');
      const walker = label && document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
      const leaf = walker?.nextNode();
      if (leaf) leaf.textContent += 'W'.repeat(40);
    }
    const problems: string[] = [];
    let measured = 0;
    for (const n of nodes) {
      const shape = n.querySelector(':scope > rect, :scope > polygon, :scope > path, :scope > g.basic > path, :scope > circle');
      const b = textBox(n);
      if (!shape || !b || b.width === 0) continue;
      measured++;
      const s = shape.getBoundingClientRect();
      const fo = n.querySelector('foreignObject')?.getBoundingClientRect();
      const outside = (o: DOMRect) => b.left < o.left - 0.5 || b.right > o.right + 0.5 || b.top < o.top - 0.5 || b.bottom > o.bottom + 0.5;
      if (outside(s) || (fo && outside(fo))) problems.push(`"${(n.textContent ?? '').slice(0, 40)}" text ${b.left.toFixed(0)}..${b.right.toFixed(0)} × ${b.top.toFixed(0)}..${b.bottom.toFixed(0)} in shape ${s.left.toFixed(0)}..${s.right.toFixed(0)} × ${s.top.toFixed(0)}..${s.bottom.toFixed(0)}`);
    }
    if (measured < nodes.length) problems.push(`${nodes.length - measured} of ${nodes.length} nodes without a measurable label and shape`);
    return { nodes: nodes.length, problems };
  }, lengthenOne);
}

describe('Mermaid preview labels fit their nodes', () => {
  for (const [name, load] of MODELS) {
    test(name, async () => {
      const graph = await load();
      const svg = await previewSvg(graph);
      const r = await clipped(svg);
      assert.ok(r.nodes >= 3, `${r.nodes} nodes in the preview`);
      assert.deepEqual(r.problems.slice(0, 5), [], `${r.problems.length} of ${r.nodes} labels clipped`);
    });
  }

  test('a label longer than its node is found', async () => {
    const svg = await previewSvg(await corpusGraph('real', 'mnist_c_cxx.onnx'));
    assert.deepEqual((await clipped(svg)).problems, []);
    assert.ok((await clipped(svg, true)).problems.length >= 1, 'the lengthened label is found');
  });
});
