import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { analyze } from '../../src/analysis/analyze';
import { readModelFile } from '../../src/formats/index';
import { encodeModel } from '../../src/formats/onnx/writer';
import { bytesOf, tensorFromBytes } from '../../src/ir/tensor';
import type { Model, Node, TensorData } from '../../src/ir/types';
import { Engine } from '../../src/runtime/engine';
import { defaultAccess } from '../../src/runtime/access';
import { featureMapTensors } from '../../src/runtime/lowered';
import type { RunResult } from '../../src/runtime/types';
import type { FromFeatureMaps, ToFeatureMaps } from '../../src/protocol/featureMaps';
import { corpus } from '../helpers/corpus';
import { startFeatureMapsHarness, type FeatureMapsHarness } from './featureMapsHarness';

/**
 * Step mode's receptive field on the input image, in Chromium, on real runs answered by the engine:
 * a stack of three 3×3 convolutions (outline 3 → 5 → 7 pixels) and MNIST's second convolution. The
 * outline's size and place are measured on the page against the analysis's receptive field.
 */
let h: FeatureMapsHarness;
const dir = mkdtempSync(join(tmpdir(), 'convlens-rf-'));
const STACK = join(dir, 'stack3x3.onnx');
const MNIST = corpus('real', 'mnist_c_cxx.onnx');
const shots = process.env.CONVLENS_SCREENSHOTS;

/** Three 3×3 convolutions, padding 1, on a 16×16 one-channel image; seeded weights. */
function stack(): Model {
  const nodes: Node[] = [];
  const inits = new Map<string, TensorData>();
  let x = 'input';
  for (let i = 0; i < 3; i++) {
    const w = Float32Array.from({ length: 9 }, (_, k) => ((k * 7 + i) % 5) / 5 - 0.3);
    inits.set(`w${i}`, tensorFromBytes(`w${i}`, 'float32', [1, 1, 3, 3], bytesOf(w)));
    nodes.push({ id: `conv${i + 1}`, name: `conv${i + 1}`, opType: 'Conv', domain: '', inputs: [x, `w${i}`], outputs: [`c${i + 1}`], scope: [],
      attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, attributeTypes: { kernel_shape: 'ints', pads: 'ints' } });
    x = `c${i + 1}`;
  }
  return {
    format: 'onnx', producer: 'test', opsets: { '': 13 }, metadata: {}, readWarnings: [],
    graph: { name: 'stack', nodes, initializers: inits, valueInfo: new Map(), inputs: [{ name: 'input', dtype: 'float32', shape: [1, 1, 16, 16] }], outputs: [{ name: 'c3', dtype: 'float32', shape: [1, 1, 16, 16] }] },
  };
}

before(async () => {
  writeFileSync(STACK, encodeModel(stack()));
  h = await startFeatureMapsHarness();
});
after(async () => {
  await h?.close();
});

async function openStep(model: string): Promise<{ page: Page; engine: Engine; run: RunResult }> {
  const engine = new Engine(defaultAccess);
  const run = await engine.run({ modelPath: model, providers: ['cpu'], memoryBudgetMB: 256, picture: { kind: 'pattern', pattern: 'digit' }, normalization: 'auto', bgr: false, dims: {} });
  const page = await h.open(async (m: FromFeatureMaps, post: (m: ToFeatureMaps) => Promise<void>) => {
    if (m.type === 'ready') await post({ type: 'fmRun', model, where: run.where, millis: run.millis, notes: run.notes, top5: run.top5, tensors: featureMapTensors(run) });
    else if (m.type === 'step') await post({ type: 'reply', id: m.id, ok: true, value: await engine.step(m.nodeId !== undefined ? engine.stepIndexOf(m.nodeId) : m.index ?? 0) });
    else if (m.type === 'detail') await post({ type: 'reply', id: m.id, ok: true, value: await engine.detail(m.tensor) });
  });
  await page.locator('.tensor-item').first().waitFor();
  await page.getByRole('button', { name: 'Step ←/→' }).click();
  return { page, engine, run };
}

/** Clicks output (y, x) of the step's first output tile; returns the outline boxes in input pixels. */
async function clickOutput(page: Page, y: number, x: number, out: { width: number; tileWidth: number; mapWidth: number; tileHeight: number; mapHeight: number },
  inp: { width: number; tileWidth: number; mapWidth: number; tileHeight: number; mapHeight: number }) {
  const ob = (await page.locator('.step-col').nth(1).locator('.grid-img').first().boundingBox())!;
  const oz = ob.width / out.width;
  await page.mouse.click(ob.x + ((x + 0.5) * out.tileWidth / out.mapWidth) * oz, ob.y + ((y + 0.5) * out.tileHeight / out.mapHeight) * oz);
  const ib = (await page.locator('.rf-input .grid-img').boundingBox())!;
  const px = (ib.width / inp.width) * (inp.tileWidth / inp.mapWidth);
  const py = (ib.width / inp.width) * (inp.tileHeight / inp.mapHeight);
  const inPixels = async (sel: string) => {
    const b = (await page.locator(`.rf-input ${sel}`).first().boundingBox())!;
    return { x0: Math.round((b.x - ib.x) / px), y0: Math.round((b.y - ib.y) / py), w: Math.round(b.width / px), h: Math.round(b.height / py) };
  };
  return { field: await inPixels('.rf-pad'), image: await inPixels('.rf-box'), note: await page.locator('.rf-note').innerText() };
}

test('Step mode outlines the receptive field on the input image: a 3×3 stack grows 3 → 5 → 7, the padding dashed outside it', async () => {
  const { page, engine } = await openStep(STACK);
  const a = analyze(await readModelFile(STACK));
  const sizes: number[] = [];
  for (let i = 0; i < 3; i++) {
    await page.waitForFunction((n) => (document.querySelector('.step-nav span')?.textContent ?? '').startsWith(`Layer ${n} of`), i + 1);
    const s = await engine.step(i);
    const rf = a.tensors.get(`c${i + 1}`)!.receptiveField!;
    const mid = await clickOutput(page, 8, 8, s.outputs[0].grid, s.field!.image.grid);
    assert.deepEqual([mid.field.w, mid.field.h], rf, `layer ${i + 1}: the outline is the analysis's field`);
    assert.deepEqual([mid.field.x0, mid.field.y0], [8 - (rf[1] >> 1), 8 - (rf[0] >> 1)], 'centred on the clicked pixel');
    assert.match(mid.note, new RegExp(`sees ${rf[0]}×${rf[1]} input pixels .*centred at \\(8, 8\\); 0 of them are padding`));
    sizes.push(mid.field.w);
    if (shots && i === 2) await page.locator('.rf-input').screenshot({ path: join(shots, 'receptive-field-stack.png') });
    // At the corner the field reaches into the padding: dashed beyond the image, solid inside it.
    const corner = await clickOutput(page, 0, 0, s.outputs[0].grid, s.field!.image.grid);
    const half = rf[0] >> 1;
    assert.deepEqual(corner.field, { x0: -half, y0: -half, w: rf[1], h: rf[0] });
    assert.deepEqual(corner.image, { x0: 0, y0: 0, w: rf[1] - half, h: rf[0] - half });
    assert.match(corner.note, new RegExp(`; ${rf[0] * rf[1] - (rf[0] - half) * (rf[1] - half)} of them are padding`));
    await page.keyboard.press('ArrowRight');
  }
  assert.deepEqual(sizes, [3, 5, 7]);
  await page.close();
  await engine.dispose();
});

test('Step mode on MNIST: the second convolution\'s outline on the digit is the analysis\'s receptive field', async () => {
  const { page, engine } = await openStep(MNIST);
  const a = analyze(await readModelFile(MNIST));
  const convs = a.order.filter((id) => a.nodeById.get(id)!.opType === 'Conv');
  const conv2 = a.nodeById.get(convs[1])!;
  const at = engine.stepIndexOf(conv2.id);
  for (let i = 0; i < at; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction((n) => (document.querySelector('.step-nav span')?.textContent ?? '').startsWith(`Layer ${n} of`), at + 1);
  const s = await engine.step(at);
  const rf = a.tensors.get(conv2.outputs[0])!.receptiveField!;
  const got = await clickOutput(page, 7, 7, s.outputs[0].grid, s.field!.image.grid);
  assert.deepEqual([got.field.h, got.field.w], rf);
  assert.match(got.note, new RegExp(`sees ${rf[0]}×${rf[1]} input pixels`));
  if (shots) {
    for (const width of [800, 1600]) {
      await page.setViewportSize({ width, height: 1000 });
      await page.locator('.rf-input').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shots, `receptive-field-mnist-${width}.png`) });
    }
  }
  await page.close();
  await engine.dispose();
});

test('"Show receptive field" from the graph: the run opens in Step mode at that layer, its middle pixel\'s field outlined and in view', async () => {
  const engine = new Engine(defaultAccess);
  const run = await engine.run({ modelPath: MNIST, providers: ['cpu'], memoryBudgetMB: 256, picture: { kind: 'pattern', pattern: 'digit' }, normalization: 'auto', bgr: false, dims: {} });
  const a = analyze(await readModelFile(MNIST));
  const conv2 = a.nodeById.get(a.order.filter((id) => a.nodeById.get(id)!.opType === 'Conv')[1])!;
  const tensors = featureMapTensors(run);
  const selected = tensors.find((t) => t.producer === conv2.id)!.tensor;
  // What src/editor/featureMapsPanel.ts posts for the graph's showFeatureMaps { nodeId, field: true }.
  const page = await h.open(async (m: FromFeatureMaps, post: (m: ToFeatureMaps) => Promise<void>) => {
    if (m.type === 'ready') await post({ type: 'fmRun', model: MNIST, where: run.where, millis: run.millis, notes: run.notes, top5: run.top5, tensors, selected, chosen: true, field: true });
    else if (m.type === 'step') await post({ type: 'reply', id: m.id, ok: true, value: await engine.step(m.nodeId !== undefined ? engine.stepIndexOf(m.nodeId) : m.index ?? 0) });
    else if (m.type === 'detail') await post({ type: 'reply', id: m.id, ok: true, value: await engine.detail(m.tensor) });
  });
  await page.setViewportSize({ width: 1200, height: 700 });
  const at = engine.stepIndexOf(conv2.id);
  await page.waitForFunction((n) => (document.querySelector('.step-nav span')?.textContent ?? '').startsWith(`Layer ${n} of`), at + 1);
  const s = await engine.step(at);
  const rf = a.tensors.get(conv2.outputs[0])!.receptiveField!;
  const [oh, ow] = [s.outputs[0].grid.mapHeight, s.outputs[0].grid.mapWidth];
  const [my, mx] = [Math.floor(oh / 2), Math.floor(ow / 2)];
  await page.locator('.rf-input .rf-box').first().waitFor();
  assert.match(await page.locator('.rf-note').innerText(), new RegExp(`^Output \\(${my}, ${mx}\\) sees ${rf[0]}×${rf[1]} input pixels`));
  // The outline's size on the page is the analysis's field (no padding at the middle of a 28×28 digit).
  const g = s.field!.image.grid;
  const ib = (await page.locator('.rf-input .grid-img').boundingBox())!;
  const bb = (await page.locator('.rf-input .rf-box').first().boundingBox())!;
  const px = (ib.width / g.width) * (g.tileWidth / g.mapWidth);
  assert.deepEqual([Math.round(bb.height / px), Math.round(bb.width / px)], rf);
  const inView = await page.locator('.rf-input').evaluate((e) => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight; });
  assert.ok(inView, 'scrolled into view');
  assert.equal(await page.locator('.tensor-item.selected').getAttribute('data-tensor'), selected);
  await page.close();
  await engine.dispose();
});
