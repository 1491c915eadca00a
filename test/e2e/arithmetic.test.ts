import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { repoRoot } from './harness/codeServer';
import { openSession, type Session } from './harness/session';
import { frameWaiter, openFromExplorer, runCommand, screenshot, webviewFrame } from './harness/browser';
import { Engine } from '../../src/runtime/engine';
import { defaultAccess } from '../../src/runtime/access';
import { graphFrame, runOnDigit } from './harness/graph';

/**
 * The arithmetic view as a learner uses it in a real VS Code (code-server, the packaged VSIX): open the
 * MNIST sample, run it on the digit pattern, open Feature Maps, go in Step mode to the second convolution,
 * click an output pixel and read the panel: the window of each input channel, the weights, the products,
 * the sums, the bias (the Add after the Conv) and the ReLU, and the value computed beside ONNX Runtime's;
 * they agree. Screenshots at 1600 and 800 px (docs/images with CONVLENS_UPDATE_SCREENSHOTS=1).
 */
let session: Session;
let page: Page;
const MODEL = 'mnist_c_cxx.onnx';

before(async () => {
  session = await openSession({ name: 'e2e-arithmetic', copy: { [MODEL]: join(repoRoot, 'media', 'samples', MODEL) } });
  ({ page } = session);
});

after(async () => {
  await session?.close();
});

const waitFor = frameWaiter(() => page, 'e2e-arithmetic-failed');

/** The pixel of channel 0 of the second convolution whose ReLU output is largest (a value the ReLU keeps),
 * from this test's own run on the same digit pattern. */
async function brightPixel(file: string): Promise<{ y: number; x: number }> {
  const engine = new Engine(defaultAccess);
  try {
    const r = await engine.run({ modelPath: file, providers: ['cpu'], memoryBudgetMB: 256, picture: { kind: 'pattern', pattern: 'digit' }, normalization: 'auto', bgr: false, dims: {}, noThumbnails: true, returnTensors: ['ReLU114_Output_0'] });
    const t = r.returned.find((x) => x.name === 'ReLU114_Output_0')!;
    let best = 0;
    for (let k = 1; k < 14 * 14; k++) if (t.data[k] > t.data[best]) best = k;
    return { y: Math.floor(best / 14), x: best % 14 };
  } finally {
    await engine.dispose();
  }
}

test('Step mode on MNIST: clicking an output pixel of the second convolution shows its arithmetic, and the computed value agrees with ONNX Runtime', { timeout: 240_000 }, async () => {
  await openFromExplorer(page, MODEL);
  const { frame: graph } = await graphFrame(page, MODEL);
  await runOnDigit(graph, waitFor);

  await graph.locator('#cl-feature-maps').click();
  const maps = await webviewFrame(page, '.tensor-list .tensor-item');
  await maps.getByRole('button', { name: 'Step ←/→' }).click();
  await waitFor(maps, () => /^Layer 1 of \d+: Conv/.test(document.querySelector('.step-nav span')?.textContent ?? ''), 'Step mode did not open at the first layer');
  // On to the second convolution with Next, as a user would.
  for (let i = 2; ; i++) {
    await maps.getByRole('button', { name: 'Next layer ›' }).click();
    await waitFor(maps, (n: string) => (document.querySelector('.step-nav span')?.textContent ?? '').startsWith(`Layer ${n} of`), `Next did not reach layer ${i}`, String(i));
    if (/: Conv/.test(await maps.locator('.step-nav span').innerText())) break;
    assert.ok(i < 10, 'no second convolution');
  }
  const explain = await maps.locator('.explain').innerText();
  assert.match(explain, /16 filters of 5×5 over 8 input channels/, explain);
  assert.match(explain, /H: ⌈14\/1⌉ = 14 ✓/, explain);

  // Click an output pixel of channel 0 in the output grid (one the ReLU keeps, so every stage shows).
  const { y, x } = await brightPixel(join(session.folder, MODEL));
  const img = maps.locator('.step-col').nth(1).locator('.grid-img');
  // The preprocessing panel above can push the output grid below the fold: bring it into view first.
  await img.scrollIntoViewIfNeeded();
  const g = await img.evaluate((e: HTMLImageElement) => ({ nw: e.naturalWidth, cw: e.clientWidth }));
  const box = (await img.boundingBox())!;
  // 16 maps of 14×14 in 4 columns with 2 px gaps (Step mode's grid); the first tile is channel 0.
  const map = 14;
  const z = g.cw / g.nw;
  const tileW = (g.nw - 3 * 2) / 4;
  await page.mouse.click(box.x + (((x + 0.5) * tileW) / map) * z, box.y + (((y + 0.5) * tileW) / map) * z);
  await waitFor(maps, () => document.querySelector('.arith .arith-stages') !== null, 'the click on the output grid opened no arithmetic');
  const title = await maps.locator('.arith h3').innerText();
  assert.equal(title, `Conv: output (${y}, ${x}) of channel 0, computed`);
  assert.equal(await maps.locator('.arith-block').count(), 4, 'four input channels drawn, the other four folded');
  assert.equal(await maps.locator('.arith-block').first().locator('.arith-grid.window td').count(), 25);
  const stages = await maps.locator('.arith-stages tr').allInnerTexts();
  assert.equal(stages.length, 4, stages.join(' | '));
  assert.match(stages[1], /^sum of products/);
  assert.match(stages[2], /^\+ bias -?[\d.e-]+ \(the Add after it\)/);
  assert.match(stages[3], /^activation function Relu/);
  for (const row of stages.slice(1)) assert.match(row, /✓ agree/, row);
  assert.equal(await maps.locator('.arith-stages tr.disagree').count(), 0);
  const final = await maps.locator('.arith-final').innerText();
  const m = /^Computed (-?[\d.e+-]+); ONNX Runtime gave (-?[\d.e+-]+)\.$/.exec(final);
  assert.ok(m, final);
  assert.ok(Number(m[2]) > 0, 'a pixel the ReLU keeps');
  assert.ok(Math.abs(Number(m[1]) - Number(m[2])) <= 1e-4 * Math.abs(Number(m[2])), final);

  await maps.locator('.arith-final').scrollIntoViewIfNeeded();
  await screenshot(page, 'arithmetic-step-mnist', 'docs/images');
  // At 800 px a learner gives the panel the window: the side bar and the graph's tab closed.
  await page.setViewportSize({ width: 800, height: 1000 });
  await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
  const graphTab = page.locator('.tabs-container .tab').filter({ hasText: MODEL }).filter({ hasNotText: 'Feature Maps' });
  await graphTab.click();
  await runCommand(page, 'View: Close Editor');
  await page.locator('.tabs-container .tab').filter({ hasNotText: 'Feature Maps' }).filter({ hasText: MODEL }).waitFor({ state: 'detached', timeout: 10_000 });
  await maps.locator('.arith h3').scrollIntoViewIfNeeded();
  assert.equal(await maps.locator('.arith-stages tr.disagree').count(), 0, 'the panel kept its arithmetic');
  await screenshot(page, 'arithmetic-step-mnist-800', 'docs/images');
});
