import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Engine } from '../../src/runtime/engine';
import { defaultAccess } from '../../src/runtime/access';
import { inputWindow } from '../../src/analysis/window/geometry';
import type { RunResult } from '../../src/runtime/types';
import { featureMapTensors } from '../../src/runtime/lowered';
import type { FromFeatureMaps, ToFeatureMaps } from '../../src/protocol/featureMaps';
import { corpus } from '../helpers/corpus';
import { startFeatureMapsHarness, type FeatureMapsHarness } from './featureMapsHarness';

/**
 * The feature-map panel in headless Chromium on a real run: MNIST (real weights) run on the digit
 * pattern through src/runtime in this process; the test answers the panel's requests from that engine.
 */
let h: FeatureMapsHarness;
const engine = new Engine(defaultAccess);
let run: RunResult;
const MODEL = corpus('real', 'mnist_c_cxx.onnx');

before(async () => {
  run = await engine.run({
    modelPath: MODEL, providers: ['cpu'], memoryBudgetMB: 256, picture: { kind: 'pattern', pattern: 'digit' },
    normalization: 'auto', bgr: false, dims: {}, imagenetLabelsFile: join(__dirname, '..', '..', 'media', 'labels', 'imagenet.txt'),
  });
  h = await startFeatureMapsHarness();
});
after(async () => {
  await h?.close();
  await engine.dispose();
});

/** What src/editor/featureMapsPanel.ts does with the panel's messages, on the engine of this test. */
async function openPanel(selected?: string): Promise<Page> {
  return h.open(async (m: FromFeatureMaps, post: (m: ToFeatureMaps) => Promise<void>) => {
    if (m.type === 'ready') {
      await post({
        type: 'fmRun', model: MODEL, where: run.where, millis: run.millis, notes: run.notes, top5: run.top5, selected,
        tensors: featureMapTensors(run),
      });
    } else if (m.type === 'detail') await post({ type: 'reply', id: m.id, ok: true, value: await engine.detail(m.tensor, { firstChannel: m.firstChannel ?? 0 }) });
    else if (m.type === 'step') await post({ type: 'reply', id: m.id, ok: true, value: await engine.step(m.nodeId !== undefined ? engine.stepIndexOf(m.nodeId) : m.index ?? 0) });
  });
}

const errors = (page: Page) => (page as Page & { errors?: string[] }).errors ?? [];
const fmt = (v: number) => (Math.abs(v) !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5) ? v.toExponential(2) : String(Number(v.toPrecision(4))));

test('header: where it ran, the time and the top-5, the digit read as 3', async () => {
  const page = await openPanel();
  await page.locator('.top5 li').first().waitFor();
  assert.match(await page.locator('.header').innerText(), new RegExp(`ran on ${run.where} in ${run.millis.toFixed(1)} ms`));
  const items = await page.locator('.top5 li').allInnerTexts();
  assert.equal(items.length, 5);
  assert.deepEqual(items.map((t) => t.split(/\s/)[0]), run.top5!.map((p) => p.label));
  assert.equal(items[0].split(/\s/)[0], '3');
  assert.deepEqual(await page.locator('.tensor-item').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.tensor)), featureMapTensors(run).map((t) => t.tensor));
  // The layers ONNX Runtime fused are listed too, marked: selecting one computes it.
  assert.ok(run.fused.length > 0);
  assert.deepEqual(await page.locator('.tensor-item.fused').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.tensor)), run.fused.map((f) => f.tensor));
  assert.equal(await page.locator('.tensor-item.fused .fused-mark').count(), run.fused.length);
  assert.deepEqual(errors(page), []);
  await page.close();
});

test('a conv layer: its channel grid, statistics, histogram, and the channel under the pointer', async () => {
  const conv = featureMapTensors(run).find((t) => t.opType === 'Conv')!;
  const d = await engine.detail(conv.tensor);
  const page = await openPanel(conv.tensor);
  await page.locator('.layer .grid-img').waitFor();
  assert.equal(await page.locator('.tensor-item.selected').getAttribute('data-tensor'), conv.tensor);
  const layer = await page.locator('.layer').innerText();
  assert.match(layer, new RegExp(`channels 0–${d.grid.channels - 1} of ${d.grid.channels} · ${d.grid.mapHeight}×${d.grid.mapWidth} each`));
  assert.ok(layer.includes(`min ${fmt(d.min)} · max ${fmt(d.max)} · mean ${fmt(d.mean)} · zeros ${(d.zeros * 100).toFixed(1)}%`), layer);
  // The grid image is the engine's PNG, drawn at a whole zoom factor.
  const img = await page.locator('.layer .grid-img').evaluate((e: HTMLImageElement) => ({ w: e.naturalWidth, h: e.naturalHeight, cw: e.clientWidth }));
  assert.deepEqual([img.w, img.h], [d.grid.width, d.grid.height]);
  assert.equal(img.cw % d.grid.width, 0);
  // The histogram has a bar over every non-empty bin and none over the empty ones.
  const painted = await page.locator('.layer canvas.histogram').evaluate((c: HTMLCanvasElement, bins: number) => {
    const ctx = c.getContext('2d')!;
    const bw = c.width / bins;
    return Array.from({ length: bins }, (_, i) => {
      const col = ctx.getImageData(Math.floor(i * bw + bw / 2), 0, 1, c.height).data;
      for (let k = 3; k < col.length; k += 4) if (col[k] > 0) return true;
      return false;
    });
  }, d.histogram.counts.length);
  assert.deepEqual(painted, d.histogram.counts.map((n) => n > 0));
  // Pointing at channel 1's tile names it, with the statistics of that channel.
  const box = (await page.locator('.layer .grid-img').boundingBox())!;
  const zoom = box.width / d.grid.width;
  const x = (d.grid.tileWidth + d.grid.gap + 3.5) * zoom, y = 5.5 * zoom;
  await page.mouse.move(box.x + x, box.y + y);
  const s = d.channelStats[1];
  const mapX = Math.floor((3.5 * d.grid.mapWidth) / d.grid.tileWidth), mapY = Math.floor((5.5 * d.grid.mapHeight) / d.grid.tileHeight);
  assert.equal(await page.locator('.layer .hover-info').innerText(), `channel 1 at (${mapY}, ${mapX}) · min ${fmt(s.min)} · max ${fmt(s.max)} · mean ${fmt(s.mean)} · zeros ${(s.zeros * 100).toFixed(1)}%`);
  assert.deepEqual(errors(page), []);
  await page.close();
});

test('Step mode: ←/→ walk the layers; the first conv is explained with its numbers; an output pixel outlines its input window', async () => {
  const page = await openPanel();
  await page.locator('.layer').waitFor();
  await page.getByRole('button', { name: 'Step ←/→' }).click();
  const nav = page.locator('.step-nav span');
  await page.waitForFunction(() => /^Layer 1 of/.test(document.querySelector('.step-nav span')?.textContent ?? ''));
  const s0 = (await engine.step(0));
  assert.equal(await nav.innerText(), `Layer 1 of ${s0.count}: Conv (${s0.name})`);
  const explain = await page.locator('.explain').innerText();
  for (const line of s0.explanation.lines) assert.ok(explain.includes(line), `missing "${line}" in ${explain}`);
  // The analysis's formula for this SAME_UPPER conv, and the pads SAME resolves to at the run's size.
  assert.match(explain, /H: ⌈28\/1⌉ = 28 ✓/);
  assert.match(explain, /padding 2,2 \/ 2,2/);

  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /^Layer 2 of/.test(document.querySelector('.step-nav span')?.textContent ?? ''));
  assert.equal(await nav.innerText(), `Layer 2 of ${s0.count}: ${(await engine.step(1)).opType} (${(await engine.step(1)).name})`);
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => /^Layer 1 of/.test(document.querySelector('.step-nav span')?.textContent ?? ''));

  // Click output (y 10, x 12) of channel 0: the input's outline covers the 5×5 window around it.
  const out = s0.outputs[0].grid;
  const inp = s0.inputs[0].grid;
  const outImg = page.locator('.step-col').nth(1).locator('.grid-img');
  const ob = (await outImg.boundingBox())!;
  const oz = ob.width / out.width;
  await page.mouse.click(ob.x + (12.5 * out.tileWidth / out.mapWidth) * oz, ob.y + (10.5 * out.tileHeight / out.mapHeight) * oz);
  const [ry, rx] = inputWindow(s0.explanation.window!.axes, [10, 12], [inp.mapHeight, inp.mapWidth])!;
  assert.deepEqual([ry, rx], [{ start: 8, end: 12 }, { start: 10, end: 14 }]);
  assert.match(await page.locator('.step > .hover-info').innerText(), new RegExp(`output \\(10, 12\\) of channel 0 reads input rows ${ry.start}–${ry.end}, columns ${rx.start}–${rx.end}`));
  const inImg = page.locator('.step-col').first().locator('.grid-img');
  const ib = (await inImg.boundingBox())!;
  const iz = ib.width / inp.width;
  const rf = (await page.locator('.step-col').first().locator('.rf-box').boundingBox())!;
  const near = (a: number, b: number) => Math.abs(a - b) <= 1;
  assert.ok(near(rf.x - ib.x, rx.start * (inp.tileWidth / inp.mapWidth) * iz), `box left ${rf.x - ib.x}`);
  assert.ok(near(rf.y - ib.y, ry.start * (inp.tileHeight / inp.mapHeight) * iz), `box top ${rf.y - ib.y}`);
  assert.ok(near(rf.width, (rx.end - rx.start + 1) * (inp.tileWidth / inp.mapWidth) * iz), `box width ${rf.width}`);
  assert.ok(near(rf.height, (ry.end - ry.start + 1) * (inp.tileHeight / inp.mapHeight) * iz), `box height ${rf.height}`);
  assert.equal(await page.locator('.step-col').nth(1).locator('.rf-box').count(), out.channelsShown, 'the clicked pixel is outlined in every output tile');
  assert.deepEqual(errors(page), []);
  await page.close();
});

test('a layer selected in the graph (fmFocus) opens its maps, or its step in Step mode', async () => {
  const relu = run.thumbnails.find((t) => t.opType === 'Relu')!;
  const page = await openPanel();
  await page.locator('.layer').waitFor();
  await page.evaluate((m) => window.postMessage(m, '*'), { type: 'fmFocus', tensor: relu.tensor, nodeId: relu.producer } as never);
  await page.waitForFunction((t) => document.querySelector('.layer h2')?.textContent?.startsWith(`${t}  `), relu.tensor);
  await page.getByRole('button', { name: 'Step ←/→' }).click();
  await page.waitForFunction(() => !!document.querySelector('.step-nav'));
  await page.evaluate((m) => window.postMessage(m, '*'), { type: 'fmFocus', tensor: relu.tensor, nodeId: relu.producer } as never);
  const at = engine.stepIndexOf(relu.producer);
  await page.waitForFunction((n) => (document.querySelector('.step-nav span')?.textContent ?? '').startsWith(`Layer ${n} of`), at + 1);
  assert.match(await page.locator('.explain').innerText(), /y = max\(0, x\)/);
  assert.deepEqual(errors(page), []);
  await page.close();
});

test('answers carry the request id: an answer to a superseded selection is dropped, the latest one shows', async () => {
  const [first, second] = featureMapTensors(run).filter((t) => t.opType === 'Conv').map((t) => t.tensor);
  let slow: (() => Promise<void>) | undefined;
  let firstId = -1;
  const cancelled: number[] = [];
  const page = await h.open(async (m: FromFeatureMaps, post: (m: ToFeatureMaps) => Promise<void>) => {
    if (m.type === 'cancel') cancelled.push(m.id);
    if (m.type === 'ready') {
      await post({ type: 'fmRun', model: MODEL, where: run.where, millis: run.millis, notes: [], tensors: featureMapTensors(run) });
    } else if (m.type === 'detail') {
      assert.equal(typeof m.id, 'number');
      const answer = async () => post({ type: 'reply', id: m.id, ok: true, value: await engine.detail(m.tensor) });
      // The first selection's answer is held back until after the second one's.
      if (m.tensor === first && !slow) {
        slow = answer;
        firstId = m.id;
      }
      else await answer();
    }
  });
  await page.locator(`.tensor-item[data-tensor="${first}"]`).click();
  await page.locator(`.tensor-item[data-tensor="${second}"]`).click();
  await page.waitForFunction((t) => document.querySelector('.layer h2')?.textContent?.startsWith(`${t}  `), second);
  assert.ok(slow, 'the first selection was never asked for');
  await slow();
  await page.waitForTimeout(200);
  const shown = (await page.locator('.layer h2').textContent()) ?? '';
  assert.ok(shown.startsWith(`${second}  `), `the late answer to the first selection replaced the latest: ${shown} (first ${first}, second ${second})`);
  assert.deepEqual(cancelled, [firstId], 'the superseded request was not cancelled');
  assert.deepEqual(errors(page), []);
  await page.close();
});

test('a failed answer is shown with its reason and a Run again button; the host\'s notices show in the status line', async () => {
  const conv = featureMapTensors(run).find((t) => t.opType === 'Conv')!;
  let release: (() => Promise<void>) | undefined;
  const page = await h.open(async (m: FromFeatureMaps, post: (m: ToFeatureMaps) => Promise<void>) => {
    if (m.type === 'ready') {
      await post({ type: 'fmRun', model: MODEL, where: run.where, millis: run.millis, notes: [], selected: conv.tensor, tensors: featureMapTensors(run) });
    } else if (m.type === 'detail') {
      await post({ type: 'notice', id: m.id, notice: `drawing ${m.tensor}` });
      release = () => post({ type: 'reply', id: m.id, ok: false, error: 'the inference process ended (signal SIGKILL). Run the model again to see its feature maps.' });
    }
  });
  await page.waitForFunction((t) => document.querySelector('.status')?.textContent === `drawing ${t}`, conv.tensor);
  assert.ok(release);
  await release();
  await page.locator('.content .error').waitFor();
  assert.equal(await page.locator('.content .error').innerText(), 'the inference process ended (signal SIGKILL). Run the model again to see its feature maps.');
  assert.equal(await page.locator('.status').innerText(), '');
  assert.equal(await page.locator('.content button', { hasText: 'Run again' }).count(), 1);
  assert.deepEqual(errors(page), []);
  await page.close();
});
