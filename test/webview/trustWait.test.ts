import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ViewGraph } from '../../src/protocol/viewModel';
import { runWaitsForTrust } from '../../src/editor/trustText';
import { corpusGraph } from './corpusGraphs';
import { pageErrors, posted, showGraph, startHarness, type Harness } from './harness';

/** The run row in Restricted Mode: the host's "waits for trust" message, a button to VS Code's trust editor, gone once the run starts. */
let h: Harness;
let mnist: ViewGraph;
before(async () => {
  mnist = await corpusGraph('real', 'mnist_c_cxx.onnx');
  h = await startHarness();
});
after(async () => h?.close());

test('a run waiting for trust says so in the run row and offers Manage Workspace Trust; the row goes back to normal when the run starts', async () => {
  const page = await h.open();
  await showGraph(page, mnist);
  const trustButton = page.locator('#cl-manage-trust');
  assert.equal(await trustButton.isVisible(), false, 'no trust button before a run waits');
  const message = runWaitsForTrust('mnist_c_cxx.onnx');
  await page.evaluate((m) => window.postMessage({ type: 'inferenceState', state: { status: 'untrusted', message: m } }, '*'), message);
  await page.waitForFunction(() => document.getElementById('cl-inference')?.dataset.status === 'untrusted');
  assert.equal(await page.locator('#cl-inf-status').innerText(), message);
  assert.equal(await trustButton.isVisible(), true);
  assert.equal((await trustButton.innerText()).trim(), 'Manage Workspace Trust');
  await trustButton.click();
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'manageTrust'));
  assert.equal((await posted(page)).filter((m) => m.type === 'manageTrust').length, 1);

  await page.evaluate(() => window.postMessage({ type: 'inferenceState', state: { status: 'running', message: 'loading the model' } }, '*'));
  await page.waitForFunction(() => document.getElementById('cl-inference')?.dataset.status === 'running');
  assert.equal(await trustButton.isVisible(), false);
  assert.deepEqual(pageErrors(page).filter((e) => !e.startsWith('Failed to load resource')), []); // the favicon
  await page.close();
});
