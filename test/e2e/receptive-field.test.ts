import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from './harness/codeServer';
import { openSession, type Session } from './harness/session';
import { frameWaiter, openFromExplorer, screenshot, webviewFrame } from './harness/browser';
import { graphFrame, runOnDigit } from './harness/graph';
import { analyze } from '../../src/analysis/analyze';
import { readModelFile } from '../../src/formats/index';

/**
 * "Show receptive field" as a learner uses it in code-server from the packaged VSIX: open the MNIST
 * sample, run it, find the second convolution in the graph, and press the button in its details. The
 * Feature Maps panel opens in Step mode at that layer with the receptive field of its middle output
 * pixel outlined on the input digit, sized as the analysis says, and the 3-D blocks of the layer
 * (input volume, one kernel, the stack of filters, the output volume) labelled with its own numbers.
 */
let session: Session;
let page: Page;
let folder: string;
const MODEL = 'mnist_c_cxx.onnx';

before(async () => {
  session = await openSession({ name: 'e2e-receptive-field', copy: { [MODEL]: join(repoRoot, 'media', 'samples', MODEL) } });
  ({ page, folder } = session);
});

after(async () => {
  await session?.close();
});

const waitFor = frameWaiter(() => page, 'e2e-receptive-field-failed');

test('MNIST: "Show receptive field" on the second convolution outlines its field on the input digit and draws its blocks', { timeout: 240_000 }, async () => {
  const a = analyze(await readModelFile(join(folder, MODEL)));
  const conv2 = a.nodeById.get(a.order.filter((id) => a.nodeById.get(id)!.opType === 'Conv')[1])!;
  const rf = a.tensors.get(conv2.outputs[0])!.receptiveField!;
  const win = a.nodes.get(conv2.id)!.window!;
  const [hIn, wIn] = win.axes.map((x) => x.in);
  const [hOut, wOut] = win.axes.map((x) => x.out as number);
  const cIn = a.tensors.get(conv2.inputs[0])!.shape![1] as number;
  const cOut = a.tensors.get(conv2.outputs[0])!.shape![1] as number;

  await openFromExplorer(page, MODEL);
  const { frame: graph } = await graphFrame(page, MODEL);
  await runOnDigit(graph, waitFor);
  await graph.locator('#cl-search').fill(conv2.name);
  await graph.locator('#cl-search').press('Enter');
  await graph.locator('#cl-details').waitFor({ state: 'visible' });
  await graph.locator('#cl-show-field').click();

  const maps = await webviewFrame(page, '.rf-input .rf-box');
  const step = await maps.locator('.step-nav span').innerText();
  assert.match(step, /^Layer \d+ of \d+: Conv/, step);
  const [my, mx] = [Math.floor(hOut / 2), Math.floor(wOut / 2)];
  const note = await maps.locator('.rf-note').innerText();
  assert.match(note, new RegExp(`^Output \\(${my}, ${mx}\\) sees ${rf[0]}×${rf[1]} input pixels`), note);
  // The outline measured on the page, in input pixels, is the analysis's field.
  const img = maps.locator('.rf-input .grid-img');
  const nat = await img.evaluate((e: HTMLImageElement) => ({ nw: e.naturalWidth, cw: e.clientWidth }));
  const box = (await maps.locator('.rf-input .rf-box').first().boundingBox())!;
  const px = (nat.cw / nat.nw) * (nat.nw / 28); // one tile: the 28×28 digit enlarged by a whole factor
  assert.deepEqual([Math.round(box.height / px), Math.round(box.width / px)], rf);

  // The blocks: the input volume, one kernel, the filters and the output volume with this layer's numbers.
  const label = async (cls: string) => (await maps.locator(`.blk .${cls}`).allTextContents()).join(' ');
  assert.equal(await label('blk-in-label'), `input volume ${wIn}×${hIn}×${cIn}`);
  assert.equal(await label('blk-kernel-label'), `kernel ${win.axes[1].kernel}×${win.axes[0].kernel}×${cIn}`);
  assert.equal(await label('blk-filters-label'), `${cOut} filters ${cOut}×(${win.axes[1].kernel}×${win.axes[0].kernel}×${cIn})`);
  assert.equal(await label('blk-out-label'), `output volume ${wOut}×${hOut}×${cOut}`);
  await maps.locator('.rf-input').scrollIntoViewIfNeeded();
  await screenshot(page, 'receptive-field-step-mnist', 'docs/images');
});
