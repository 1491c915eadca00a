import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Engine } from '../../src/runtime/engine';
import { defaultAccess } from '../../src/runtime/access';
import type { RunResult, StepView } from '../../src/runtime/types';
import { featureMapTensors } from '../../src/runtime/lowered';
import { corpus } from '../helpers/corpus';
import { engineHost, startFeatureMapsHarness, stepTo, type FeatureMapsHarness } from './featureMapsHarness';

/**
 * The arithmetic view in headless Chromium on a real MNIST run: Step mode at the second convolution,
 * a click on an output pixel shows the window of each input channel (padding cells as zeros at the
 * corner), the weights, the products, the sums, the bias Add and ReLU after it, and the runtime's value
 * beside the computed one, as the engine's Arithmetic has them; Play slides the window on, Pause stops it.
 * Gemm/MatMul and pooling from the Feature Maps grid. Screenshots at 800 and 1600 px go to .test-artifacts
 * (and to the committed docs/images with CONVLENS_UPDATE_SCREENSHOTS=1, as the e2e ones do).
 */
let h: FeatureMapsHarness;
const engine = new Engine(defaultAccess);
let run: RunResult;
const MODEL = corpus('real', 'mnist_c_cxx.onnx');
const shots = join(__dirname, '..', '..', process.env.CONVLENS_UPDATE_SCREENSHOTS === '1' ? 'docs/images' : '.test-artifacts');

before(async () => {
  run = await engine.run({ modelPath: MODEL, providers: ['cpu'], memoryBudgetMB: 256, picture: { kind: 'pattern', pattern: 'digit' }, normalization: 'auto', bgr: false, dims: {} });
  h = await startFeatureMapsHarness();
});
after(async () => {
  await h?.close();
  await engine.dispose();
});

/** What src/editor/featureMapsPanel.ts does with the panel's messages, on the engine of this test. */
async function openPanel(selected?: string): Promise<Page> {
  return h.open(engineHost(engine, () => ({ type: 'fmRun', model: MODEL, where: run.where, millis: run.millis, notes: run.notes, top5: run.top5, selected, tensors: featureMapTensors(run) })));
}

const errors = (page: Page) => (page as Page & { errors?: string[] }).errors ?? [];

async function clickOutput(page: Page, s: StepView, y: number, x: number, channel = 0): Promise<void> {
  const g = s.outputs[0].grid;
  const img = page.locator('.step-col').nth(1).locator('.grid-img');
  const b = (await img.boundingBox())!;
  const z = b.width / g.width;
  const col = channel % g.cols, row = Math.floor(channel / g.cols);
  await page.mouse.click(b.x + (col * (g.tileWidth + g.gap) + (x + 0.5) * g.tileWidth / g.mapWidth) * z, b.y + (row * (g.tileHeight + g.gap) + (y + 0.5) * g.tileHeight / g.mapHeight) * z);
}

test('Step mode, second convolution: a corner pixel shows windows with padding zeros, weights, products, sums, bias, ReLU and the runtime value', async () => {
  const convSteps: StepView[] = [];
  const count = (await engine.step(0)).count;
  for (let i = 0; i < count; i++) { const v = await engine.step(i); if (v.opType === 'Conv') convSteps.push(v); }
  const s = convSteps[1];
  const page = await openPanel();
  await page.setViewportSize({ width: 1600, height: 1400 });
  await stepTo(page, s);

  await clickOutput(page, s, 0, 0, 3);
  await page.locator('.arith').waitFor();
  const want = await engine.arithmetic(s.nodeId, { channel: 3, pos: [0, 0] });
  assert.match(await page.locator('.arith h3').innerText(), /^Conv: output \(0, 0\) of channel 3, computed$/);
  // 8 input channels (4 drawn, the rest folded), 5×5 windows with pads 2: 16 padding cells in the corner window.
  assert.equal(want.blocks.length, 8);
  assert.equal(await page.locator('.arith-block').count(), 4);
  assert.equal(await page.locator('.arith-block').first().locator('.arith-grid.window td.pad').count(), 16);
  assert.equal(await page.locator('.arith-block').first().locator('.arith-grid.weights td').count(), 25);
  // The numbers drawn are the engine's.
  const cells = await page.locator('.arith-block').first().locator('.arith-grid.window td:not(.pad)').allInnerTexts();
  assert.equal(cells.length, 9);
  assert.equal(Number(cells[0]), Number(want.blocks[0].values[12].toPrecision(5)));
  assert.equal(await page.locator('.arith-block').first().locator('.arith-sum').innerText(), `Σ = ${Number(want.blocks[0].sum.toPrecision(5))}`);
  const rows = await page.locator('.arith-stages tr').allInnerTexts();
  assert.equal(rows.length, 4, rows.join(' | '));
  assert.deepEqual(want.stages.map((x) => x.kind), ['sum', 'bias', 'activation']);
  for (const [i, st] of want.stages.entries()) {
    assert.ok(rows[i + 1].includes(String(Number(st.value.toPrecision(7)))), rows[i + 1]);
    assert.ok(rows[i + 1].includes(String(Number(st.runtime!.toPrecision(7)))), rows[i + 1]);
    assert.match(rows[i + 1], /✓ agree/);
  }
  assert.match(await page.locator('.arith-final').innerText(), /^Computed -?[\d.e-]+; ONNX Runtime gave -?[\d.e-]+\.$/);
  // The input grid outlines the clipped window (rows 0–2, columns 0–2 of 14×14).
  const boxes = await page.locator('.step-col').first().locator('.rf-box').count();
  assert.ok(boxes > 0);
  mkdirSync(shots, { recursive: true });
  await page.locator('.arith').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, 'arithmetic-conv-1600.png'), fullPage: true });
  await page.setViewportSize({ width: 800, height: 1400 });
  await page.screenshot({ path: join(shots, 'arithmetic-conv-800.png'), fullPage: true });

  // Play slides the window along the row; Pause stops it; Step moves one position.
  await page.locator('.arith-speed').selectOption('2');
  await page.locator('.arith-play').click();
  await page.waitForFunction(() => /output \(0, [3-9]\)|output \(0, 1\d\)|output \([1-9]/.test(document.querySelector('.arith h3')?.textContent ?? ''), undefined, { timeout: 20_000 });
  await page.locator('.arith-play').click();
  const paused = await page.locator('.arith h3').innerText();
  await new Promise((r) => setTimeout(r, 700));
  assert.equal(await page.locator('.arith h3').innerText(), paused, 'paused: the window stays');
  const [, py, px] = /\((\d+), (\d+)\)/.exec(paused)!.map(Number);
  await page.locator('.arith-step').click();
  const k = py * 14 + px + 1;
  await page.waitForFunction((t) => document.querySelector('.arith h3')?.textContent === t, `Conv: output (${Math.floor(k / 14)}, ${k % 14}) of channel 3, computed`);
  assert.deepEqual(errors(page), []);
  await page.close();
});

test('Feature Maps grid: MatMul shows the top products and the full sum, MaxPool its picked maximum, ReLU its curve with the point', async () => {
  const t = featureMapTensors(run);
  const mm = t.find((x) => x.opType === 'MatMul')!;
  const page = await openPanel(mm.tensor);
  await page.setViewportSize({ width: 1200, height: 1200 });
  await page.locator('.layer .grid-img').waitFor();
  const d = await engine.detail(mm.tensor);
  const b = (await page.locator('.layer .grid-img').boundingBox())!;
  const z = b.width / d.grid.width;
  // Output 5 of the 10 (a near-square block 4 wide: row 1, column 1).
  const k = 5, y = Math.floor(k / d.grid.mapWidth), x = k % d.grid.mapWidth;
  await page.mouse.click(b.x + (x + 0.5) * (d.grid.tileWidth / d.grid.mapWidth) * z, b.y + (y + 0.5) * (d.grid.tileHeight / d.grid.mapHeight) * z);
  await page.locator('.arith').waitFor();
  const want = await engine.arithmetic(mm.producer, { channel: k, pos: [] });
  assert.match(await page.locator('.arith h3').innerText(), /^MatMul: output 5, computed$/);
  assert.equal(await page.locator('.arith-terms tr').count(), 11, 'ten largest products and a header');
  assert.ok((await page.locator('.arith').innerText()).includes(`sum of all 256 products: ${Number(want.blocks[0].sum.toPrecision(5))}`));
  assert.match(await page.locator('.arith-stages').innerText(), /✓ agree/);
  await page.screenshot({ path: join(shots, 'arithmetic-matmul-1200.png'), fullPage: true });

  const pool = t.find((x) => x.opType === 'MaxPool')!;
  await page.locator(`.tensor-item[data-tensor="${pool.tensor}"]`).click();
  await page.waitForFunction((n) => document.querySelector('.layer h2')?.textContent?.startsWith(`${n}  `), pool.tensor);
  const pd = await engine.detail(pool.tensor);
  const pb = (await page.locator('.layer .grid-img').boundingBox())!;
  const pz = pb.width / pd.grid.width;
  await page.mouse.click(pb.x + (2.5 * pd.grid.tileWidth / pd.grid.mapWidth) * pz, pb.y + (1.5 * pd.grid.tileHeight / pd.grid.mapHeight) * pz);
  await page.locator('.arith').waitFor();
  const pw = await engine.arithmetic(pool.producer, { channel: 0, pos: [1, 2] });
  assert.equal(await page.locator('.arith-grid td.picked').count(), 1);
  assert.equal(Number(await page.locator('.arith-grid td.picked').innerText()), Number(pw.total.toPrecision(5)));

  // An activation: its curve with the point marked over the histogram of its inputs.
  const relu = t.find((x) => x.opType === 'Relu')!;
  await page.locator(`.tensor-item[data-tensor="${relu.tensor}"]`).click();
  await page.waitForFunction((n) => document.querySelector('.layer h2')?.textContent?.startsWith(`${n}  `), relu.tensor);
  const rd = await engine.detail(relu.tensor);
  const rb = (await page.locator('.layer .grid-img').boundingBox())!;
  const rz = rb.width / rd.grid.width;
  await page.mouse.click(rb.x + (14.5 * rd.grid.tileWidth / rd.grid.mapWidth) * rz, rb.y + (12.5 * rd.grid.tileHeight / rd.grid.mapHeight) * rz);
  await page.locator('.arith .arith-curve').waitFor();
  const rw = await engine.arithmetic(relu.producer, { channel: 0, pos: [12, 14] });
  assert.equal(await page.locator('.arith-formula').innerText(), `y = Relu(x) = Relu(${Number(rw.activation!.x.toPrecision(5))}) = ${Number(rw.total.toPrecision(5))}`);
  const painted = await page.locator('.arith-curve').evaluate((c: HTMLCanvasElement) => {
    const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
    return n;
  });
  assert.ok(painted > 300, `curve and histogram painted: ${painted} pixels`);
  assert.match(await page.locator('.arith-stages').innerText(), /✓ agree/);
  await page.locator('.arith').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, 'arithmetic-relu-1200.png') });
  assert.deepEqual(errors(page), []);
  await page.close();
});
