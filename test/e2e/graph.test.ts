import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot, type CodeServer } from './harness/codeServer';
import { openSession, type Session } from './harness/session';
import { openFromExplorer, runCommand, screenshot } from './harness/browser';
import { errorFrame, graphFrame } from './harness/graph';
import { loadModelBytes, loadModelFile } from '../../src/editor/modelLoader';
import { formatCount, formatShape } from '../../webview/common/format';
import { corpus } from '../helpers/corpus';

/**
 * The packaged VSIX installed in a real VS Code (code-server), driven like a user: open models from
 * the explorer, see the graph drawn with the shapes and totals our own pipeline computes.
 */
let session: Session;
let cs: CodeServer;
let page: Page;
let folder: string;

const FILES: Record<string, string> = {
  'mnist_c_cxx.onnx': join(repoRoot, 'media', 'samples', 'mnist_c_cxx.onnx'),
  'version-RFB-320.onnx': corpus('real', 'Ultraface_version-RFB-320.onnx'),
  'image_classifier32.onnx': corpus('real', 'image_classifier32.onnx'),
  'mnist_cnn.json': corpus('keras-json', 'mnist_cnn.json'),
  'lenet5.json': join(repoRoot, 'media', 'samples', 'zoo', 'lenet5.json'),
};

before(async () => {
  session = await openSession({
    name: 'e2e-last',
    copy: FILES,
    write: { 'broken.onnx': Buffer.from([0x08, 0x07, 0x12, 0xff, 0xff, 0xff, 0x01]) },
  });
  ({ cs, page, folder } = session);
});

after(async () => {
  await session?.close();
});

/** What our own pipeline (reader + analysis + view graph) says the view must show. */
async function expected(name: string) {
  const r = await loadModelFile(join(folder, name));
  assert.ok(r.ok, !r.ok ? r.error : '');
  return r.graph;
}

test('opening the sample .onnx from the explorer draws its graph with true shapes and totals', { timeout: 120_000 }, async () => {
  const want = await expected('mnist_c_cxx.onnx');
  await openFromExplorer(page, 'mnist_c_cxx.onnx');
  const { frame, report } = await graphFrame(page, 'mnist_c_cxx.onnx');
  assert.ok(report.nodes >= want.nodes.length / 2, `drew ${report.nodes} boxes for ${want.nodes.length} nodes`);
  assert.ok(report.edges > 0);
  const summary = await frame.locator('#cl-summary').innerText();
  for (const t of want.inputs) assert.ok(summary.includes(`${t.name} ${formatShape(t.shape, false)}`), `summary lacks input ${t.name}: ${summary}`);
  for (const t of want.outputs) assert.ok(summary.includes(`${t.name} ${formatShape(t.shape, false)}`), `summary lacks output ${t.name}: ${summary}`);
  assert.ok(summary.includes(formatCount(want.totals.params)), `summary lacks params ${formatCount(want.totals.params)}: ${summary}`);

  // Find the first convolution and read its details: the output shape CNTK's MNIST has, 8 maps of 28×28.
  const conv = want.nodes.find((n) => n.op === 'Conv')!;
  await frame.locator('#cl-search').fill(conv.name);
  await frame.locator('#cl-search').press('Enter');
  const details = frame.locator('#cl-details');
  await details.waitFor({ state: 'visible', timeout: 10_000 });
  const text = await details.innerText();
  assert.match(text, /Conv/);
  assert.ok(text.includes(formatShape(want.tensors[conv.outputs[0]].shape, false)), `details lack the output shape: ${text}`);
  assert.ok(text.includes('1×8×28×28'), text);
  await frame.locator('#cl-search').fill('');
  await screenshot(page, 'graph-mnist', 'docs/images');

  // "Reveal source" on a binary model shows the node as ONNX text beside the graph.
  await details.getByText('Reveal source').click();
  const source = page.locator('.monaco-editor .view-lines').filter({ hasText: `= Conv<` }).first();
  await source.waitFor({ timeout: 20_000 });
  assert.match((await source.innerText()).replace(/\u00a0/g, ' '), new RegExp(`${conv.outputs[0]} = Conv<`)); // Monaco renders spaces as NBSP
  await runCommand(page, 'View: Close Editor');
});

test('the walkthrough command opens the bundled sample in the graph editor', { timeout: 120_000 }, async () => {
  await runCommand(page, 'ConvLens: Open the Sample Model');
  // It is the sample inside the installed extension (not the workspace copy) that was read.
  const loadedSample = () => cs.logs(/convlens\.convlens[\\/]ConvLens\.log$/).some((l) => l.text.includes(`loaded ${cs.extensionsDir}`) && l.text.includes('media/samples/mnist_c_cxx.onnx'));
  const deadline = Date.now() + 20_000;
  while (!loadedSample()) {
    if (Date.now() > deadline) await screenshot(page, 'walkthrough-failed');
    assert.ok(Date.now() < deadline, 'the sample in the extension folder was not loaded');
    await page.waitForTimeout(250);
  }
  await runCommand(page, 'View: Close Editor');
});

test('a face detector with dilated branches draws every node', { timeout: 120_000 }, async () => {
  const want = await expected('version-RFB-320.onnx');
  await openFromExplorer(page, 'version-RFB-320.onnx');
  const { frame, report } = await graphFrame(page, 'version-RFB-320.onnx');
  assert.ok(report.nodes >= 50, `${report.nodes} boxes`);
  const summary = await frame.locator('#cl-summary').innerText();
  assert.ok(summary.includes(formatCount(want.totals.macs)), `summary lacks MACs ${formatCount(want.totals.macs)}: ${summary}`);
  await screenshot(page, 'graph-ultraface', 'docs/images');
});

test('re-exporting an open .onnx file reloads its graph', { timeout: 120_000 }, async () => {
  const target = join(folder, 'image_classifier32.onnx');
  await openFromExplorer(page, 'image_classifier32.onnx');
  const first = await graphFrame(page, 'image_classifier32.onnx');
  const mnist = await expected('mnist_c_cxx.onnx');
  const before = await expected('image_classifier32.onnx');
  assert.notEqual(before.nodes.length, mnist.nodes.length);
  copyFileSync(FILES['mnist_c_cxx.onnx'], target); // another model written over the open file
  const deadline = Date.now() + 30_000;
  for (;;) {
    const summary = await first.frame.locator('#cl-summary').innerText();
    if (summary.includes('CNTK')) break; // the sample's producer
    assert.ok(Date.now() < deadline, `the graph was not reloaded after the file changed: ${summary}`);
    await page.waitForTimeout(250);
  }
});

test('a Keras JSON file gets its graph beside the text from the editor-title button', { timeout: 120_000 }, async () => {
  const want = await expected('mnist_cnn.json');
  await openFromExplorer(page, 'mnist_cnn.json');
  const button = page.locator('.editor-actions [aria-label="Open Graph to the Side"]').first();
  await button.waitFor({ timeout: 20_000 });
  await button.click();
  const { frame } = await graphFrame(page, 'mnist_cnn.json');
  const summary = await frame.locator('#cl-summary').innerText();
  assert.match(summary, /KERAS/);
  assert.ok(summary.includes(formatCount(want.totals.params)), summary);
  await screenshot(page, 'graph-keras-side', 'docs/images');
});

test('editing a ConvLens JSON model updates its side graph as the user types', { timeout: 120_000 }, async () => {
  const before = await expected('lenet5.json');
  const text = readFileSync(join(folder, 'lenet5.json'), 'utf8');
  const edited = text.replace('"filters": 6,', '"filters": 8,');
  assert.notEqual(edited, text);
  const after = await loadModelBytes(Buffer.from(edited), join(folder, 'lenet5.json'));
  assert.ok(after.ok && after.graph.totals.params !== before.totals.params);

  await openFromExplorer(page, 'lenet5.json');
  await page.locator('.editor-actions [aria-label="Open Graph to the Side"]').first().click();
  const { frame } = await graphFrame(page, 'lenet5.json');
  const params = () => frame.locator('#cl-summary').innerText();
  assert.ok((await params()).includes(formatCount(before.totals.params)), await params());

  // Find the first layer's filter count in the editor and type over it.
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+F');
  await page.keyboard.type('"filters": 6,');
  await page.keyboard.press('Escape');
  // The match is selected; step to just after its '6' and replace the digit (typing quotes would auto-close).
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('8');
  const want = formatCount(after.ok ? after.graph.totals.params : 0);
  const deadline = Date.now() + 20_000;
  while (!(await params()).includes(want)) {
    assert.ok(Date.now() < deadline, `the graph did not follow the edit: wanted params ${want}, shows ${await params()}`);
    await page.waitForTimeout(250);
  }
  await page.waitForTimeout(500); // let the editor repaint before the picture
  await screenshot(page, 'graph-convlens-json-live', 'docs/images');

  // Half an edit ('8x' is not JSON): the graph stays as it was, marked out of date with the line at fault;
  // the edit finished, the mark goes.
  await page.keyboard.type('x');
  const stale = frame.locator('#cl-stale');
  await stale.waitFor({ state: 'visible', timeout: 20_000 });
  assert.match(await stale.innerText(), /Out of date.*line \d+/s);
  assert.ok((await params()).includes(want), 'the last graph that read as a model stays');
  await screenshot(page, 'graph-convlens-json-stale');
  await page.keyboard.press('Backspace');
  await stale.waitFor({ state: 'hidden', timeout: 20_000 });
});

test('a file that is not a model shows what went wrong and where, in the panel', { timeout: 120_000 }, async () => {
  await openFromExplorer(page, 'broken.onnx');
  const { message } = await errorFrame(page, 'broken.onnx');
  assert.ok(message.length > 'broken.onnx'.length + 10, message);
  await screenshot(page, 'error-broken');
});

test('the extension host logged no error from ConvLens', () => {
  const host = cs.logs(/remoteexthost\.log$/).flatMap((l) => l.text.split('\n'));
  assert.ok(host.some((l) => /_doActivateExtension convlens\.convlens/.test(l)), 'ConvLens was never activated');
  const ours = host.filter((l) => /\[error\]/i.test(l) && /convlens/i.test(l));
  assert.deepEqual(ours, []);
  const channel = cs.logs(/convlens\.convlens[\\/]ConvLens\.log$/).flatMap((l) => l.text.split('\n'));
  assert.ok(channel.some((l) => /loaded .*mnist_c_cxx\.onnx/.test(l)), 'the ConvLens log has no load of the sample');
  assert.deepEqual(channel.filter((l) => /\[error\]/.test(l)), []);
});
