import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { analyze } from '../../src/analysis/analyze';
import { readModelBytes, readModelFile } from '../../src/formats/index';
import { encodeModel } from '../../src/formats/onnx/writer';
import type { ViewGraph } from '../../src/protocol/viewModel';
import { buildViewGraph } from '../../src/view/buildViewGraph';
import { toMarkdown } from '../../webview/graph/export/markdown';
import { corpus } from '../helpers/corpus';
import { withInputDims } from '../helpers/dynamicInputs';
import { quantiseModel, type QuantForm } from '../helpers/quantise';
import { pageErrors, showGraph, startHarness, type Harness } from './harness';

/**
 * What the graph view says about layers and shapes beyond the float picture, on real models through
 * the real reader and analysis: a quantised layer (QDQ, ConvInteger, QLinearConv forms, made from the
 * MNIST CNN by test/helpers/quantise.ts) is one box titled by its float op with its type's tag;
 * long symbolic dim names are aliased with a legend in the header; shapes only the file declares are
 * marked, and their card says where inference stopped.
 */
let h: Harness;
let float: ViewGraph;
const shots = process.env.CONVLENS_SHOTS ?? join(tmpdir(), 'convlens-shots');

before(async () => {
  const m = await readModelFile(corpus('real/mnist_c_cxx.onnx'));
  float = buildViewGraph(m, analyze(m), 'mnist');
  h = await startHarness();
  mkdirSync(shots, { recursive: true });
});
after(async () => h?.close());

/** The page's errors, less the favicon's 404 (the harness serves none). */
const errors = (page: Page) => pageErrors(page).filter((e) => !e.startsWith('Failed to load resource'));

async function quantisedGraph(form: QuantForm): Promise<ViewGraph> {
  const m = await readModelFile(corpus('real/mnist_c_cxx.onnx'));
  const q = await readModelBytes(encodeModel(quantiseModel(m, form)), `mnist-${form}.onnx`);
  return buildViewGraph(q, analyze(q), `mnist-int8-${form}.onnx`);
}

interface Box { title: string; label: string; badge: string; params: number | null; macs: number | null; members: string[] }

function boxes(page: Page): Promise<Box[]> {
  return page.evaluate(() => {
    const d = (window as any).convlens.debug;
    return d.display.nodes.map((n: any) => ({ title: n.title, label: n.label, badge: n.badge ?? '', params: n.params, macs: n.macs, members: n.members.map((i: number) => d.graph.nodes[i].op) }));
  });
}

async function boxCentre(page: Page, v: number): Promise<{ x: number; y: number }> {
  return page.evaluate((i) => {
    const d = (window as any).convlens.debug;
    const r = d.view.canvas.getBoundingClientRect();
    const cam = d.view.cam;
    return { x: r.left + d.scene.layout.x[i] * cam.scale + cam.tx, y: r.top + d.scene.layout.y[i] * cam.scale + cam.ty };
  }, v);
}

for (const form of ['qdq', 'integer', 'qoperator'] as QuantForm[]) {
  test(`int8 MNIST (${form}): each quantised layer is one box titled as the float layer, tagged int8, with the float model's params and MACs`, async () => {
    const page = await h.open({ width: 1000, height: 900 });
    await showGraph(page, float);
    const before = await boxes(page);
    await showGraph(page, await quantisedGraph(form));
    const after = await boxes(page);
    // The same boxes as the float model, in the same order: no QuantizeLinear/DequantizeLinear box of their own.
    assert.deepEqual(after.map((b) => `${b.title} ${b.label}`), before.map((b) => `${b.title} ${b.label}`));
    for (const [i, b] of after.entries()) {
      if (before[i].title !== 'Conv' && before[i].title !== 'MatMul') continue;
      assert.equal(b.badge, 'int8', `${b.title} ${b.label}`);
      assert.equal(b.params, before[i].params);
      assert.equal(b.macs, before[i].macs);
      assert.ok(b.members.length > 1, `${b.title} draws the nodes around it: ${b.members.join(', ')}`);
    }
    assert.ok(!after.some((b) => b.members.length === 1 && /QuantizeLinear$/.test(b.members[0])), 'no lone (de)quantiser box');
    assert.deepEqual(errors(page), []);
    await page.close();
  });
}

test('a QDQ conv box: the card names its float op and types, the details list its member nodes; screenshots at 800 and 1600 px', async () => {
  const g = await quantisedGraph('qdq');
  const page = await h.open({ width: 800, height: 900 });
  await showGraph(page, g);
  const all = await boxes(page);
  const conv = all.findIndex((b) => b.title === 'Conv');
  const layer = g.quantLayers!.find((l) => l.op === 'Conv')!;
  const p = await boxCentre(page, conv);
  await page.mouse.move(p.x, p.y);
  const tip = page.locator('#cl-tooltip');
  await tip.waitFor({ state: 'visible' });
  assert.match(await tip.innerText(), /quantised Conv: weights int8, activations uint8/i);
  assert.match(await tip.innerText(), /params\s+200/);
  await page.mouse.click(p.x, p.y);
  const details = page.locator('#cl-details');
  await details.waitFor({ state: 'visible' });
  const text = await details.innerText();
  // Every node of the layer: the drawn (de)quantisers and the weight's DequantizeLinear, which is not drawn.
  assert.ok(layer.nodes.length > layer.members.length + 1);
  for (const m of layer.nodes) assert.ok(text.includes(m.name), `details list ${m.name}:\n${text}`);
  assert.ok(layer.nodes.filter((n) => n.op === 'DequantizeLinear').length >= 2, 'its input and its weight');
  assert.ok(layer.nodes.some((n) => n.op === 'QuantizeLinear'));
  writeFileSync(join(shots, 'quantised-800-details.png'), await page.screenshot());
  await page.keyboard.press('Escape');
  await page.locator('#cl-details').waitFor({ state: 'hidden' });
  writeFileSync(join(shots, 'quantised-800.png'), await page.screenshot());
  await page.setViewportSize({ width: 1600, height: 900 });
  await page.keyboard.press('0');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  writeFileSync(join(shots, 'quantised-1600.png'), await page.screenshot());
  assert.deepEqual(errors(page), []);
  await page.close();
});

test('Paddle-style dim names: edges and the header read H and W, the header legend spells them out', async () => {
  const bytes = await withInputDims(corpus('real/version-slim-320.onnx'), ['N', 3, 'p2o.DynamicDimension.0', 'p2o.DynamicDimension.1']);
  const model = await readModelBytes(bytes, 'slim-dynamic.onnx');
  const g = buildViewGraph(model, analyze(model), 'slim-dynamic.onnx');
  const page = await h.open({ width: 1600, height: 900 });
  await showGraph(page, g);
  const legend = await page.locator('#cl-sum-dims').innerText();
  // The anchor count of the concatenated heads has no short spelling: e1, written in H and W.
  assert.match(legend, /^dims H = p2o\.DynamicDimension\.0, W = p2o\.DynamicDimension\.1, e1 = [^p]*ceil\(H\/8\)\*ceil\(W\/8\)[^p]*$/);
  const summary = await page.locator('#cl-summary').innerText();
  assert.match(summary, /inputs input N×3×H×W/);
  assert.match(summary, /at N=1, H=224, W=224 \(default sizes\)/);
  // Only the legend spells the long names: not the edges, not the rest of the header.
  assert.equal(summary.split('p2o.').length - 1, 2, summary);
  const labels: string[] = await page.evaluate(() => (window as any).convlens.debug.display.edges.map((e: { label: string }) => e.label));
  assert.ok(labels.includes('64×ceil(H/8)×ceil(W/8)'), labels.join('\n'));
  assert.ok(labels.every((l) => !l.includes('p2o.')));
  // The Markdown export prints the same shapes, with the same legend.
  const md = toMarkdown(g, true);
  assert.match(md, /^- Dims: H = p2o\.DynamicDimension\.0, W = p2o\.DynamicDimension\.1, e1 = /m);
  assert.match(md, /\| 64×ceil\(H\/8\)×ceil\(W\/8\) \|/);
  assert.deepEqual(await page.$$eval('#cl-input-sizes .cl-dim-name', (els) => els.map((e) => e.textContent)), ['N', 'H', 'W']);
  assert.deepEqual(await page.$$eval('#cl-input-sizes input', (els) => els.map((e) => (e as HTMLInputElement).dataset.dim)), ['N', 'p2o.DynamicDimension.0', 'p2o.DynamicDimension.1']);
  await page.close();
});

test('a shape only the file declares: its edge label is marked †, the legend explains it, its card says where inference stopped', async () => {
  const model = await readModelFile(corpus('real/mnist_c_cxx.onnx'));
  const relu = model.graph.nodes.find((n) => n.opType === 'Relu')!;
  relu.opType = 'FancyRelu';
  relu.domain = 'org.example';
  const g = buildViewGraph(model, analyze(model), 'mnist-custom-op.onnx');
  const page = await h.open({ width: 1000, height: 900 });
  await showGraph(page, g);
  const edges: { tensor: string; declared: boolean }[] = await page.evaluate(() => (window as any).convlens.debug.display.edges.map((e: any) => ({ tensor: e.tensor, declared: e.declared })));
  assert.deepEqual(edges.filter((e) => e.declared).map((e) => e.tensor), [relu.outputs[0]]);
  assert.match(await page.locator('#cl-legend-declared').innerText(), /†\s*shape declared in the file, not inferred/);
  // Hover the label as drawn.
  const at = await page.evaluate((tensor) => {
    const d = (window as any).convlens.debug;
    const e = d.display.edges.findIndex((x: { tensor: string }) => x.tensor === tensor);
    const b = d.view.overlay.labelBoxes.find((x: { edge: number }) => x.edge === e);
    if (!b) return null;
    const r = d.view.canvas.getBoundingClientRect();
    const cam = d.view.cam;
    return { x: r.left + ((b.x0 + b.x1) / 2) * cam.scale + cam.tx, y: r.top + ((b.y0 + b.y1) / 2) * cam.scale + cam.ty };
  }, relu.outputs[0]);
  assert.ok(at, 'the declared edge has a label on screen');
  await page.mouse.move(at.x, at.y);
  const tip = page.locator('#cl-tooltip');
  await tip.waitFor({ state: 'visible' });
  const text = await tip.innerText();
  assert.match(text, /\bshape\s+8×28×28 †/);
  assert.match(text, new RegExp(`declared in the file, not inferred: inference stopped at ${relu.name} \\(no shape rule for org\\.example::FancyRelu`));
  writeFileSync(join(shots, 'declared-1000.png'), await page.screenshot());
  const md = toMarkdown(g, true);
  assert.match(md, new RegExp(`\\| ${relu.name} \\| FancyRelu \\| +\\| 8×28×28 † \\|`));
  assert.match(md, /^† declared in the file, not inferred$/m);
  assert.deepEqual(errors(page), []);
  await page.close();
});
