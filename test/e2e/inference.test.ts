import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { repoRoot, type CodeServer } from './harness/codeServer';
import { openSession, type Session } from './harness/session';
import { frameWaiter, openFromExplorer, screenshot, webviewFrame } from './harness/browser';
import { graphFrame } from './harness/graph';
import { readModelFile } from '../../src/formats/index';
import { analyze } from '../../src/analysis/analyze';

/**
 * Sample inference as a user runs it in a real VS Code (code-server, the packaged VSIX): open the MNIST
 * sample, pick the built-in digit pattern in the graph view and press Run; thumbnails appear on the
 * boxes, the view says where it ran and how long it took, and the top-5 list reads the digit as 3.
 * Then the Feature Maps panel: top-5, a conv layer's channels, statistics and histogram when the layer
 * is selected in the graph, and Step mode with the first convolution's formula in real numbers.
 */
let session: Session;
let cs: CodeServer;
let page: Page;
let folder: string;
const MODEL = 'mnist_c_cxx.onnx';

before(async () => {
  session = await openSession({ name: 'e2e-inference-last', copy: { [MODEL]: join(repoRoot, 'media', 'samples', MODEL) } });
  ({ cs, page, folder } = session);
});

after(async () => {
  await session?.close();
});

/** The model's convolutions in order, with their first output and weight dims, from our own reader. */
async function convs(): Promise<{ id: string; output: string; weight: number[] }[]> {
  const model = await readModelFile(join(folder, MODEL));
  const a = analyze(model);
  return a.order.map((id) => a.nodeById.get(id)!).filter((n) => n.opType === 'Conv')
    .map((n) => ({ id: n.id, output: n.outputs[0], weight: model.graph.initializers.get(n.inputs[1])!.dims }));
}

const waitFor = frameWaiter(() => page, 'e2e-inference-failed');

test('Run on the digit pattern from the graph view: thumbnails on the boxes, where and how long, top-5 reads 3; the feature maps follow the graph', { timeout: 240_000 }, async () => {
  const [first, second] = await convs();
  await openFromExplorer(page, MODEL);
  const { frame: graph } = await graphFrame(page, MODEL);

  // As a user: pick the built-in digit pattern and press Run.
  await graph.locator('#cl-pattern').selectOption('digit');
  await graph.locator('#cl-run').click();
  // The progress notification shows while it runs, then goes away.
  await waitFor(graph, () => document.getElementById('cl-inference')?.dataset.status !== 'idle', 'the run did not start');
  await waitFor(graph, () => ['done', 'error'].includes(document.getElementById('cl-inference')?.dataset.status ?? ''), 'the run did not finish');
  const status = await graph.locator('#cl-inference').getAttribute('data-status');
  assert.equal(status, 'done', `run failed: ${await graph.locator('#cl-inf-status').innerText()}`);
  await page.locator('.notifications-toasts .notification-toast', { hasText: `ConvLens: ${MODEL}` }).waitFor({ state: 'hidden', timeout: 30_000 });

  // Where it ran and how long it took.
  const said = await graph.locator('#cl-inf-status').innerText();
  assert.match(said, /^ran on cpu in \d+(\.\d+)? m?s · \d+ tensors drawn/, said);
  assert.match(said, / · \d+ fused by ONNX Runtime, drawn when you select one in Feature maps/, said);
  // Top-5: five classes, the digit '3' first.
  const top5 = await graph.locator('#cl-top5 li').allInnerTexts();
  assert.equal(top5.length, 5, top5.join(' | '));
  assert.match(top5[0], /^3 \d+(\.\d)?%$/, top5.join(' | '));
  // Thumbnails drawn on the boxes of every layer output ONNX Runtime kept. It fuses each convolution with
  // the bias Add after it, so the convolutions' own outputs are not in this run: their boxes wait.
  await waitFor(graph, () => Number(document.getElementById('cl-stage')?.dataset.thumbnails ?? 0) >= 5, 'no thumbnails on the boxes');
  const convThumbs = () => graph.evaluate((ids) => {
    const d = (window as unknown as { convlens: { debug: { display: { indexOf: Map<string, number> }; view: { overlay: { thumbnails: Map<number, HTMLImageElement> } } } } }).convlens.debug;
    return ids.map((id) => {
      const img = d.view.overlay.thumbnails.get(d.display.indexOf.get(id) ?? -1);
      return img ? img.naturalWidth : 0;
    });
  }, [first.id, second.id]);
  assert.deepEqual(await convThumbs(), [0, 0], 'the fast run exposed the fused convolutions');
  const fastCount = Number(await graph.locator('#cl-stage').getAttribute('data-thumbnails'));
  await screenshot(page, 'inference-graph-mnist');

  // The Feature Maps panel, opened from the graph view: where it ran, the time and the same top-5.
  await graph.locator('#cl-feature-maps').click();
  const maps = await webviewFrame(page, '.tensor-list .tensor-item');
  // Every layer output is listed, the fused convolutions marked.
  const fusedItems = await maps.locator('.tensor-item.fused').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.tensor));
  assert.ok(fusedItems.includes(first.output) && fusedItems.includes(second.output), fusedItems.join(', '));
  const header = await maps.locator('.header').innerText();
  assert.match(header, /ran on cpu in \d+(\.\d+)? ms/, header);
  const panelTop = await maps.locator('.top5 li').allInnerTexts();
  assert.equal(panelTop.length, 5);
  assert.match(panelTop[0], /^3\s/, panelTop.join(' | '));

  // Selecting the second convolution in the graph shows its channels, statistics and histogram.
  await graph.locator('#cl-search').fill(second.id);
  await graph.locator('#cl-search').press('Enter');
  await waitFor(maps, (name: string) => !!document.querySelector('.layer h2')?.textContent?.startsWith(`${name}  `), `the panel did not show ${second.output}`, second.output);
  const layer = await maps.locator('.layer').innerText();
  assert.match(layer, new RegExp(`${second.output}\\s+\\[1, ${second.weight[0]}, 14, 14\\]`), layer);
  assert.match(layer, new RegExp(`channels 0–${second.weight[0] - 1} of ${second.weight[0]} · 14×14 each`), layer);
  assert.match(layer, /min -?[\d.e+-]+ · max -?[\d.e+-]+ · mean -?[\d.e+-]+ · zeros \d+\.\d%/, layer);
  const grid = await maps.locator('.layer .grid-img').evaluate((img: HTMLImageElement) => img.naturalWidth * img.naturalHeight);
  assert.ok(grid > 0, 'channel grid image not decoded');
  const bars = await maps.locator('.layer canvas.histogram').evaluate((c: HTMLCanvasElement) => {
    const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i] > 0) painted++;
    return painted;
  });
  assert.ok(bars > 50, `histogram has ${bars} painted pixels`);
  await screenshot(page, 'feature-maps-mnist', 'docs/images');
  // Asking for a fused convolution computed every fused tensor once: now every box of the graph has its thumbnail.
  await waitFor(graph, (n: string) => Number(document.getElementById('cl-stage')?.dataset.thumbnails ?? 0) > Number(n), 'the fused layers\' thumbnails did not reach the graph', String(fastCount));
  const onConvs = await convThumbs();
  assert.ok(onConvs.every((w) => w > 0), `conv boxes without a drawn thumbnail: ${onConvs.join(', ')}`);
  assert.equal(await maps.locator('.tensor-item.fused').count(), 0, 'items still marked fused');
  await screenshot(page, 'inference-graph-mnist-unfused');

  // Step mode opens at the layer selected (the second convolution, not layer 1); selecting the first
  // convolution in the graph moves it there, explained with its real numbers; → advances.
  await maps.getByRole('button', { name: 'Step ←/→' }).click();
  await waitFor(maps, () => /^Layer ([2-9]|\d\d+) of \d+: Conv/.test(document.querySelector('.step-nav span')?.textContent ?? ''), 'Step mode did not open at the selected (second) convolution');
  await graph.locator('#cl-search').fill(first.id);
  await graph.locator('#cl-search').press('Enter');
  await waitFor(maps, () => /^Layer 1 of \d+: Conv/.test(document.querySelector('.step-nav span')?.textContent ?? ''), 'Step mode did not follow the selection to the first layer');
  const explain = await maps.locator('.explain').innerText();
  const [cout, cin, kh, kw] = first.weight;
  assert.ok(explain.includes(`${cout} filters of ${kh}×${kw} over ${cin} input channels`), explain);
  assert.match(explain, /H: ⌈28\/1⌉ = 28 ✓/, explain);
  // CNTK's MNIST adds the bias in a separate Plus node, so the convolution has none.
  assert.ok(explain.includes(`params = C_out·C_in/group·kH·kW = ${cout}·${cin}/1·${kh}·${kw} = ${cout * cin * kh * kw} (no bias)`), explain);
  await screenshot(page, 'feature-maps-step-mnist');
  await maps.locator('.step-nav span').click(); // focus the panel, as a user clicking into it
  await page.keyboard.press('ArrowRight');
  await waitFor(maps, () => /^Layer 2 of \d+: /.test(document.querySelector('.step-nav span')?.textContent ?? ''), 'ArrowRight did not advance Step mode');
  await page.keyboard.press('ArrowLeft');
  await waitFor(maps, () => /^Layer 1 of \d+: Conv/.test(document.querySelector('.step-nav span')?.textContent ?? ''), 'ArrowLeft did not go back');

  // Preprocessing: 'auto' fed MNIST [0, 1]; choosing raw 0–255 in the panel runs again with it, and it is kept.
  assert.match(await maps.locator('.prep-applied').innerText(), /x = \(pixel − 0\) \/ 255/);
  await maps.locator('select[name=preset]').selectOption('raw255');
  await maps.locator('.prep-apply').click();
  await waitFor(maps, () => /x = \(pixel − 0\) \/ 1(?!\d)/.test(document.querySelector('.prep-applied')?.textContent ?? ''), 'the raw 0–255 preset was not applied by the next run', '', 120_000);
  assert.equal(await maps.locator('select[name=preset]').inputValue(), 'raw255');
  await screenshot(page, 'feature-maps-preprocessing-mnist');
});
