import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot } from './harness/codeServer';
import { openSession, type Session } from './harness/session';
import { openFromExplorer, runCommand, screenshot } from './harness/browser';
import { graphFrame } from './harness/graph';
import { ModelStore } from '../../src/editor/modelStore';
import { formatValue } from '../../webview/common/format';

/**
 * The weight view in the packaged extension (code-server): open the MNIST sample, click conv1's W in
 * its details, and read the histogram and statistics the model worker sent, against the same
 * computation run here on the same file (src/analysis/weights through ModelStore).
 */
let session: Session;
const MODEL = 'mnist_c_cxx.onnx';
const SOURCE = join(repoRoot, 'media', 'samples', MODEL);

before(async () => {
  session = await openSession({ name: 'e2e-weights', copy: { [MODEL]: SOURCE } });
});
after(async () => session?.close());

test('conv1\'s W: a 32-bar histogram and the statistics of its 200 values; the Model panel names CNTK and opset 8', { timeout: 180_000 }, async () => {
  const { page } = session;
  const store = new ModelStore();
  const doc = { key: 'e2e', version: '1', path: SOURCE, title: MODEL };
  await store.open(doc, false);
  const want = store.weight(doc.key, 'Parameter5', 0).summary!;

  await openFromExplorer(page, MODEL);
  const { frame } = await graphFrame(page, MODEL);
  await frame.locator('#cl-search').fill('Convolution28');
  await frame.locator('#cl-search').press('Enter');
  await frame.locator('#cl-details').waitFor({ state: 'visible', timeout: 10_000 });
  await frame.locator('#cl-search').fill('');
  await frame.locator('#cl-details .cl-weight-link[data-tensor="Parameter5"]').click();
  await frame.locator('#cl-weight-hist').waitFor({ timeout: 30_000 });

  const bars = await frame.locator('#cl-weight-hist .cl-hist-bar').evaluateAll((els) => els.map((e) => Number((e as SVGElement).dataset.count)));
  assert.equal(bars.length, 32);
  assert.deepEqual(bars, want.histogram.counts);
  assert.equal(bars.reduce((a, b) => a + b, 0), 200);
  const stats = (await frame.locator('#cl-weight-stats').innerText()).replace(/\s+/g, ' ');
  for (const [k, v] of [['shape', '8×1×5×5'], ['dtype', 'float32'], ['elements', '200'], ['min', formatValue(want.stats.min)], ['max', formatValue(want.stats.max)], ['mean', formatValue(want.stats.mean)], ['std', formatValue(want.stats.std)], ['NaN', '0']]) {
    assert.ok(stats.includes(`${k} ${v}`), `statistics lack '${k} ${v}': ${stats}`);
  }
  assert.equal(await frame.locator('#cl-weight-values .cl-weight-value').count(), 100);

  await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
  for (const width of [850, 1650]) {
    await page.setViewportSize({ width, height: 1000 });
    await page.waitForTimeout(800);
    const inner = await frame.evaluate(() => window.innerWidth);
    // At either width the histogram is on screen (in the bottom sheet at 800 px, the drawer scrolled to it).
    const box = await frame.locator('#cl-weight-hist').evaluate((el) => { const r = el.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, h: window.innerHeight }; });
    assert.ok(box.top >= 0 && box.bottom <= box.h, `histogram off screen at ${inner} px: ${JSON.stringify(box)}`);
    await screenshot(page, `weights-conv1-${inner < 1000 ? 800 : 1600}px`, 'docs/images');
  }

  await frame.locator('#cl-weight-more').click();
  await frame.waitForFunction(() => document.querySelectorAll('#cl-weight-values .cl-weight-value').length === 200, undefined, { timeout: 30_000 });

  await frame.locator('#cl-model-info').click();
  const props = (await frame.locator('#cl-model-props').innerText()).replace(/\s+/g, ' ');
  assert.match(props, /producer CNTK/);
  assert.match(props, /IR version 3/);
  assert.match((await frame.locator('#cl-model-opsets').innerText()).replace(/\s+/g, ' '), /ai\.onnx 8/);
  await page.setViewportSize({ width: 1600, height: 1000 });
  await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
});
