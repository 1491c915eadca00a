import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Engine } from '../../src/runtime/engine';
import { defaultAccess } from '../../src/runtime/access';
import type { RunResult, StepView } from '../../src/runtime/types';
import { featureMapTensors } from '../../src/runtime/lowered';
import { encodeModel } from '../../src/formats/onnx/writer';
import { bytesOf, tensorFromBytes } from '../../src/ir/tensor';
import type { AttrValue, Model, Node } from '../../src/ir/types';
import { engineHost, startFeatureMapsHarness, stepTo, type FeatureMapsHarness } from './featureMapsHarness';

/**
 * The 1-D strip view in headless Chromium on a text CNN built here (8 embedding channels over 40 tokens,
 * Conv1d k3 pad 1, ReLU, MaxPool1d, a dilated Conv1d, global pooling, a classifier), run by the real engine:
 * a Conv1d's maps are drawn as one strip per channel stacked into a C × L picture, a click on a position of
 * an output strip outlines the band of input positions it reads across every input strip and shows its
 * arithmetic (the window of every channel as a row of taps, padding zeros at the ends, dilation holes),
 * ending in ONNX Runtime's value; Step › slides the window one position along the strip.
 */
let h: FeatureMapsHarness;
const engine = new Engine(defaultAccess);
let run: RunResult;
let modelPath: string;
const shots = join(__dirname, '..', '..', process.env.CONVLENS_UPDATE_SCREENSHOTS === '1' ? 'docs/images' : '.test-artifacts');

const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin(i * 1.3 + seed) + 0.2 * Math.cos(i * 0.37 + seed));

function textCnn(): Model {
  const inits = new Map<string, ReturnType<typeof tensorFromBytes>>();
  const weight = (name: string, dims: number[], seed: number) => inits.set(name, tensorFromBytes(name, 'float32', dims, bytesOf(values(dims.reduce((a, b) => a * b, 1), seed))));
  weight('w1', [16, 8, 3], 1); weight('b1', [16], 2);
  weight('w2', [12, 16, 3], 3); weight('b2', [12], 4);
  weight('w3', [12, 4], 5); weight('b3', [4], 6);
  const node = (id: string, opType: string, inputs: string[], outputs: string[], attributes: Record<string, AttrValue> = {}): Node => ({ id, name: id, opType, domain: '', attributes, inputs, outputs, scope: [] });
  const nodes = [
    node('conv1d_1', 'Conv', ['tokens', 'w1', 'b1'], ['c1'], { kernel_shape: [3], pads: [1, 1] }),
    node('relu_1', 'Relu', ['c1'], ['r1']),
    node('pool_1', 'MaxPool', ['r1'], ['p1'], { kernel_shape: [2], strides: [2] }),
    node('conv1d_2', 'Conv', ['p1', 'w2', 'b2'], ['c2'], { kernel_shape: [3], pads: [2, 2], dilations: [2] }),
    node('relu_2', 'Relu', ['c2'], ['r2']),
    node('gap', 'GlobalAveragePool', ['r2'], ['g']),
    node('flat', 'Flatten', ['g'], ['f']),
    node('fc', 'Gemm', ['f', 'w3', 'b3'], ['logits']),
  ];
  return {
    format: 'onnx', producer: 'convlens-test', opsets: { '': 17 }, metadata: {}, readWarnings: [],
    graph: { name: 'text_cnn', nodes, inputs: [{ name: 'tokens', dtype: 'float32', shape: [1, 8, 40] }], outputs: [{ name: 'logits', dtype: 'float32', shape: [1, 4] }], valueInfo: new Map(), initializers: inits },
  };
}

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-strip-'));
  modelPath = join(dir, 'text_cnn.onnx');
  writeFileSync(modelPath, encodeModel(textCnn()));
  run = await engine.run({ modelPath, providers: ['cpu'], memoryBudgetMB: 256, picture: { kind: 'pattern', pattern: 'digit' }, normalization: 'auto', bgr: false, dims: {} });
  h = await startFeatureMapsHarness();
});
after(async () => {
  await h?.close();
  await engine.dispose();
});

async function openPanel(): Promise<Page> {
  return h.open(engineHost(engine, () => ({ type: 'fmRun', model: modelPath, where: run.where, millis: run.millis, notes: run.notes, top5: run.top5, tensors: featureMapTensors(run) })));
}

const errors = (page: Page) => (page as Page & { errors?: string[] }).errors ?? [];

/** Clicks position x of output strip `channel` (the strips are the rows of one picture). */
async function clickStrip(page: Page, s: StepView, x: number, channel: number): Promise<void> {
  const g = s.outputs[0].grid;
  const b = (await page.locator('.step-col').nth(1).locator('.grid-img').boundingBox())!;
  const z = b.width / g.width;
  await page.mouse.click(b.x + (x + 0.5) * (g.tileWidth / g.mapWidth) * z, b.y + (channel * (g.tileHeight + g.gap) + g.tileHeight / 2) * z);
}

test('a Conv1d is drawn as stacked strips; a click on an output position shows its arithmetic and the band it reads', async () => {
  const steps: StepView[] = [];
  const count = (await engine.step(0)).count;
  for (let i = 0; i < count; i++) { const v = await engine.step(i); if (v.opType === 'Conv') steps.push(v); }
  assert.equal(steps.length, 2);
  const s = steps[1];
  // Strips: one column, one row per channel, each as wide as the sequence (16 channels of 20 positions).
  const g = s.inputs[0].grid;
  assert.deepEqual([g.cols, g.rows, g.mapHeight, g.mapWidth], [1, 16, 1, 20]);
  assert.ok(g.tileWidth >= 20 * 3 && g.tileHeight >= 3 && g.tileWidth > 4 * g.tileHeight, `strips, not squares: ${g.tileWidth}×${g.tileHeight}`);

  const page = await openPanel();
  await page.setViewportSize({ width: 1600, height: 1400 });
  await stepTo(page, s);

  // Position 0 of channel 5: dilation 2 and pads 2 read positions −2, 0, 2 — the first tap is padding.
  await clickStrip(page, s, 0, 5);
  await page.locator('.arith').waitFor();
  const want = await engine.arithmetic(s.nodeId, { channel: 5, pos: [0] });
  assert.match(await page.locator('.arith h3').innerText(), /^Conv: output \(0\) of channel 5, computed$/);
  assert.equal(want.blocks.length, 16);
  const first = page.locator('.arith-block').first();
  assert.equal(await first.locator('.arith-grid.weights tr').count(), 1, 'one row');
  assert.equal(await first.locator('.arith-grid.weights td:not(.hole)').count(), 3, 'of 3 taps');
  assert.equal(await first.locator('.arith-grid.weights td.hole').count(), 2, 'with the dilation\'s 2 holes between them');
  assert.equal(await first.locator('.arith-grid.window td:not(.pad):not(.hole)').first().getAttribute('title'), 'input position 0');
  assert.equal(await first.locator('.arith-grid.window td.pad').count(), 1, 'the padding zero at the start');
  const cells = await first.locator('.arith-grid.window td:not(.pad):not(.hole)').allInnerTexts();
  assert.equal(Number(cells[0]), Number(want.blocks[0].values[1].toPrecision(5)));
  const rows = await page.locator('.arith-stages tr').allInnerTexts();
  assert.deepEqual(want.stages.map((x) => x.kind), ['sum', 'activation']);
  for (const [i, st] of want.stages.entries()) {
    assert.ok(st.agree, `${st.kind}: ${st.value} vs ${st.runtime}`);
    assert.match(rows[i + 1], /✓ agree/);
  }
  // The input strips outline positions 0–2 (the band −2…2 clipped at the start), one box per strip.
  const inGrid = s.inputs[0].grid;
  const boxes = await page.locator('.step-col').first().locator('.rf-box').evaluateAll((els) => els.map((e) => ({ left: parseFloat((e as HTMLElement).style.left), width: parseFloat((e as HTMLElement).style.width) })));
  assert.equal(boxes.length, inGrid.channelsShown);
  const zoomIn = boxes[0].width / (3 * inGrid.tileWidth / inGrid.mapWidth);
  assert.ok(Math.abs(boxes[0].left) < 0.01 && Math.abs(zoomIn - Math.round(zoomIn)) < 1e-6, JSON.stringify(boxes[0]));
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'arithmetic-conv1d-1600.png'), fullPage: true });

  // Step › moves along the strip: position 1 of the same channel.
  await page.locator('.arith-step').click();
  await page.waitForFunction(() => document.querySelector('.arith h3')?.textContent === 'Conv: output (1) of channel 5, computed');
  // The window note says positions, not rows and columns.
  await clickStrip(page, s, 10, 2);
  await page.waitForFunction(() => /output position 10 of channel 2 reads input positions 8–12 \(taps 2 positions apart\)/.test(document.querySelector('.hover-info')?.textContent ?? ''));
  await page.waitForFunction(() => document.querySelector('.arith h3')?.textContent === 'Conv: output (10) of channel 2, computed');
  assert.deepEqual(errors(page), []);
  await page.close();
});
