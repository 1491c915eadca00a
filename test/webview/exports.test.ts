import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { analyze } from '../../src/analysis/analyze';
import { readingOrder } from '../../src/analysis/readingOrder';
import { readModelFile } from '../../src/formats/index';
import type { ViewGraph } from '../../src/protocol/viewModel';
import { buildViewGraph } from '../../src/view/buildViewGraph';
import { toMarkdown } from '../../webview/graph/export/markdown';
import { corpus } from '../helpers/corpus';
import { showGraph, startHarness, type Harness } from './harness';

/**
 * The exports look like the view, on real models (reader -> analyze() -> view model): every SVG
 * text, measured by Chromium in the SVG's own font, fits inside its box; the viewBox holds every
 * box, label, arc and frame; PNG at 2× / 3× (from the toolbar's menu) has 2× / 3× the pixels of 1×;
 * the Markdown table's rows follow the analysis's reading order. Each check fails on an export
 * broken on purpose.
 */
const zoo = join(__dirname, '..', '..', 'media', 'samples', 'zoo');
const FILES = [
  corpus('onnx-backend', 'light', 'light_resnet50.onnx'),
  corpus('onnx-backend', 'light', 'light_inception_v1.onnx'),
  corpus('real', 'Ultraface_version-RFB-320.onnx'),
  corpus('real', 'mnist_c_cxx.onnx'),
  ...readdirSync(zoo).filter((f) => f.endsWith('.json')).map((f) => join(zoo, f)),
];

async function load(path: string): Promise<{ graph: ViewGraph; names: string[] }> {
  const model = await readModelFile(path);
  const a = analyze(model);
  const graph = buildViewGraph(model, a, basename(path));
  const drawn = new Set(graph.nodes.map((n) => n.id));
  const names = readingOrder(a).filter((id) => drawn.has(id)).map((id) => graph.nodes.find((n) => n.id === id)!.name);
  return { graph, names };
}

let h: Harness;
let page: Page;
before(async () => {
  h = await startHarness();
  page = await h.open({ width: 1200, height: 800 });
});
after(async () => h?.close());

/** The data of the next saveFile / copyText the page posts after `act`. */
async function nextPosted(type: 'saveFile' | 'copyText', act: () => Promise<void>): Promise<Record<string, unknown>> {
  const before = await page.evaluate((t) => (window as any).__posted.filter((m: { type: string }) => m.type === t).length, type);
  await act();
  await page.waitForFunction(([t, n]) => (window as any).__posted.filter((m: { type: string }) => m.type === t).length > n, [type, before] as const);
  return page.evaluate((t) => (window as any).__posted.filter((m: { type: string }) => m.type === t).at(-1), type);
}

interface SvgProblems {
  overflow: string[];
  outside: string[];
  texts: number;
}

/** Puts the SVG into the page and measures it: each box's texts against its box, every element against the viewBox. */
function measureSvg(svg: string): Promise<SvgProblems> {
  return page.evaluate((text) => {
    const host = document.createElement('div');
    host.innerHTML = text;
    document.body.append(host);
    const el = host.querySelector('svg')!;
    const vb = el.viewBox.baseVal;
    const overflow: string[] = [];
    const outside: string[] = [];
    let texts = 0;
    for (const g of el.querySelectorAll('g.node')) {
      const box = (g.querySelector('rect.box') as SVGRectElement).getBBox();
      for (const t of g.querySelectorAll('text')) {
        texts++;
        const b = t.getBBox();
        const w = t.getComputedTextLength();
        if (b.x < box.x - 0.5 || b.x + w > box.x + box.width + 0.5 || b.y < box.y - 0.5 || b.y + b.height > box.y + box.height + 0.5) overflow.push(`"${t.textContent}" ${w.toFixed(1)} px at ${b.x.toFixed(1)} in a box ${box.x.toFixed(1)}..${(box.x + box.width).toFixed(1)}`);
      }
    }
    for (const e of el.querySelectorAll('rect, path, text')) {
      const b = (e as SVGGraphicsElement).getBBox();
      if (b.x < vb.x || b.y < vb.y || b.x + b.width > vb.x + vb.width || b.y + b.height > vb.y + vb.height) outside.push(`<${e.tagName} ${(e.textContent ?? '').slice(0, 30)}> ${b.x.toFixed(0)},${b.y.toFixed(0)} ${b.width.toFixed(0)}×${b.height.toFixed(0)} outside ${vb.x},${vb.y} ${vb.width}×${vb.height}`);
    }
    host.remove();
    return { overflow, outside, texts };
  }, svg);
}

/** Rows of the Markdown table whose layer is not the one reading order puts there. */
function orderProblems(md: string, names: string[]): string[] {
  const rows = md.split('\n').filter((l) => /^\| \d+ \|/.test(l)).map((l) => l.split(' | ')[1].replace(/\\(.)/g, '$1'));
  const problems = rows.length === names.length ? [] : [`${rows.length} rows for ${names.length} layers`];
  rows.forEach((name, i) => { if (name !== names[i]) problems.push(`row ${i + 1}: ${name}, reading order has ${names[i]}`); });
  return problems;
}

describe('exports of real models', () => {
  for (const file of FILES) {
    test(basename(file), async () => {
      const { graph, names } = await load(file);
      await showGraph(page, graph);
      const svg = String((await nextPosted('saveFile', () => page.click('#cl-export-svg'))).data);
      const m = await measureSvg(svg);
      assert.ok(m.texts >= graph.nodes.length, `text on every box (${m.texts})`);
      assert.deepEqual(m.overflow.slice(0, 5), [], `${m.overflow.length} texts wider than their boxes`);
      assert.deepEqual(m.outside.slice(0, 5), [], `${m.outside.length} elements outside the viewBox`);
      const md = String((await nextPosted('copyText', () => page.click('#cl-copy-markdown'))).text);
      assert.deepEqual(orderProblems(md, names).slice(0, 5), []);
    });
  }
});

describe('each export check fails on a broken export', () => {
  test('SVG text that overflows its box, and a viewBox that cuts the drawing', async () => {
    const { graph } = await load(corpus('onnx-backend', 'light', 'light_inception_v1.onnx'));
    await showGraph(page, graph);
    const svg = String((await nextPosted('saveFile', () => page.click('#cl-export-svg'))).data);
    // A run made longer than its box, as the old export's "Conv2D 1×1 ×96 +BatchN…" overflowed.
    const long = svg.replace(/(<g class="node [^"]*">(?:\n<rect[^\n]*)+\n<text[^>]*>)([^<]*)/, (_, head, t) => `${head}${t} ${'W'.repeat(60)}`);
    assert.notEqual(long, svg);
    assert.ok((await measureSvg(long)).overflow.length >= 1, 'the overflow is found');
    // The old viewBox (layout bounds only) cut arcs and labels; cutting 30 px off the right shows it.
    const cut = svg.replace(/viewBox="(\S+) (\S+) (\S+) (\S+)"/, (_, x, y, w, hh) => `viewBox="${x} ${y} ${Number(w) - 60} ${hh}"`);
    assert.ok((await measureSvg(cut)).outside.length >= 1, 'elements outside the cut viewBox are found');
  });

  test('Markdown rows in the analysis order (branches interleaved) are found', async () => {
    const { graph, names } = await load(corpus('onnx-backend', 'light', 'light_inception_v1.onnx'));
    const interleaved = toMarkdown({ ...graph, readingOrder: undefined }, true);
    assert.ok(orderProblems(interleaved, names).length > 0, 'rows in analysis order differ from reading order');
    assert.deepEqual(orderProblems(toMarkdown(graph, true), names), []);
  });
});

/** Width and height of a PNG's pixels that are not `k` times the 1× image's (one pixel of rounding allowed). */
function scaleProblems(one: PNG, scaled: PNG, k: number): string[] {
  const out: string[] = [];
  if (Math.abs(scaled.width - k * one.width) > 1) out.push(`width ${scaled.width}, ${k}× of ${one.width} is ${k * one.width}`);
  if (Math.abs(scaled.height - k * one.height) > 1) out.push(`height ${scaled.height}, ${k}× of ${one.height} is ${k * one.height}`);
  return out;
}

describe('PNG at 1×, 2× and 3× from the menu', () => {
  test('MNIST: 2× and 3× have 2× and 3× the pixels of 1×', async () => {
    const { graph } = await load(corpus('real', 'mnist_c_cxx.onnx'));
    // A narrow panel, where the toolbar is the "⋯" menu that lists the three sizes.
    await page.setViewportSize({ width: 480, height: 800 });
    await showGraph(page, graph);
    const png = async (command: string) => {
      const msg = await nextPosted('saveFile', async () => {
        await page.click('#cl-menu-btn');
        await page.click(`[data-command="${command}"]`);
      });
      return { name: String(msg.suggestedName), img: PNG.sync.read(Buffer.from(String(msg.data), 'base64')) };
    };
    const one = await png('cl-export-png');
    const two = await png('cl-export-png:2');
    const three = await png('cl-export-png:3');
    assert.deepEqual([one.name, two.name, three.name], ['mnist_c_cxx.png', 'mnist_c_cxx@2x.png', 'mnist_c_cxx@3x.png']);
    assert.deepEqual(scaleProblems(one.img, two.img, 2), []);
    assert.deepEqual(scaleProblems(one.img, three.img, 3), []);
    assert.ok(scaleProblems(one.img, one.img, 2).length === 2, 'a 1× image passed off as 2× is found');
    // A wide panel keeps its toolbar buttons, and 2× is still one menu away.
    await page.setViewportSize({ width: 1600, height: 800 });
    const wide = await png('cl-export-png:2');
    assert.equal(wide.name, 'mnist_c_cxx@2x.png');
  });
});
