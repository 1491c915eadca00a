import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { openSession, type Session } from './harness/session';
import { openFromExplorer, runCommand, screenshot } from './harness/browser';
import { graphFrame } from './harness/graph';
import { loadModelFile } from '../../src/editor/modelLoader';
import type { ViewGraph } from '../../src/protocol/viewModel';
import { formatCount, formatShape } from '../../webview/common/format';
import { corpus } from '../helpers/corpus';
import { withInputDims } from '../helpers/dynamicInputs';

/**
 * The input size a user picks, in the packaged extension in code-server: a SqueezeNet whose height
 * and width are symbolic opens at the stated default sizes; setting 480×640 in the graph view draws
 * concrete shapes on every edge and the MACs our analysis computes at that size; the choice is
 * there again when the model is reopened, and Run feeds it without asking.
 */
let session: Session;
const MODEL = 'squeezenet-dynamic.onnx';

before(async () => {
  session = await openSession({
    name: 'e2e-input-size-last',
    write: { [MODEL]: Buffer.from(await withInputDims(corpus('onnx-backend', 'light', 'light_squeezenet.onnx'), ['N', 3, 'height', 'width'])) },
  });
});

after(async () => {
  await session?.close();
});

/** What our own pipeline computes for the model at `dimValues` (undefined: no choice). */
async function expected(dimValues?: Record<string, number>): Promise<ViewGraph> {
  const r = await loadModelFile(join(session.folder, MODEL), { dimValues });
  assert.ok(r.ok, !r.ok ? r.error : '');
  return r.graph;
}

async function waitForSummary(frame: Frame, text: string): Promise<void> {
  try {
    await frame.waitForFunction((t) => document.getElementById('cl-summary')?.innerText.includes(t), text, { timeout: 60_000, polling: 200 });
  } catch {
    await screenshot(session.page, 'e2e-input-size-failed');
    assert.fail(`the header never showed "${text}": ${await frame.locator('#cl-summary').innerText()}`);
  }
}

/** The drawn edges' labels by tensor, and the labels the analysis' shapes give them. */
async function edgeLabels(frame: Frame, want: ViewGraph): Promise<{ drawn: string[]; expected: string[] }> {
  const edges: { tensor: string; label: string }[] = await frame.evaluate(() => (window as any).convlens.debug.display.edges.map((e: { tensor: string; label: string }) => ({ tensor: e.tensor, label: e.label })));
  return { drawn: edges.map((e) => `${e.tensor}: ${e.label}`), expected: edges.map((e) => `${e.tensor}: ${formatShape(want.tensors[e.tensor]?.shape, true)}`) };
}

async function setDim(frame: Frame, dim: string, value: number): Promise<void> {
  const field = frame.locator(`#cl-input-sizes input[data-dim="${dim}"]`);
  await field.fill(String(value));
  await field.press('Enter');
}

test('setting a dynamic model\'s input size in the graph view draws concrete shapes and the MACs at that size; it is kept and Run uses it', { timeout: 300_000 }, async () => {
  const { page } = session;
  const atDefaults = await expected();
  const at480 = await expected({ height: 480, width: 640 });
  assert.notEqual(atDefaults.totals.macs, at480.totals.macs);

  await openFromExplorer(page, MODEL);
  let { frame } = await graphFrame(page, MODEL);
  // Opened: symbolic shapes, figures at the stated defaults.
  await waitForSummary(frame, `${formatCount(atDefaults.totals.macs)} at N=1, height=224, width=224 (default sizes)`);
  assert.equal(await frame.locator('#cl-input-sizes input[data-dim="height"]').inputValue(), '224');
  assert.match(await frame.locator('#cl-input-sizes').innerText(), /default/);
  const symbolic = await edgeLabels(frame, atDefaults);
  assert.ok(symbolic.drawn.some((l) => l.includes('height')), 'the edges show symbolic dims before a size is chosen');

  // The user sets 480 × 640.
  await setDim(frame, 'height', 480);
  await waitForSummary(frame, 'height=480');
  await setDim(frame, 'width', 640);
  await waitForSummary(frame, `${formatCount(at480.totals.macs)} at N=1, height=480, width=640 (N default)`);
  assert.ok((await frame.locator('#cl-summary').innerText()).includes(`${at480.inputs[0].name} 1×3×480×640`));
  // Every edge carries the concrete shape the analysis computes at 480 × 640.
  await frame.waitForFunction(() => (window as any).convlens.debug.display.edges.every((e: { label: string }) => !/height|width/.test(e.label)), undefined, { timeout: 20_000 });
  const concrete = await edgeLabels(frame, at480);
  assert.ok(concrete.drawn.length > 50, `${concrete.drawn.length} edges`);
  assert.deepEqual(concrete.drawn, concrete.expected);
  // The first convolution's details read its concrete output.
  const conv = at480.nodes.find((n) => n.op === 'Conv')!;
  await frame.locator('#cl-search').fill(conv.name);
  await frame.locator('#cl-search').press('Enter');
  const details = frame.locator('#cl-details');
  await details.waitFor({ state: 'visible', timeout: 10_000 });
  assert.ok((await details.innerText()).includes(formatShape(at480.tensors[conv.outputs[0]].shape, false)), await details.innerText());
  await frame.locator('#cl-search').fill('');
  await page.keyboard.press('Escape');

  // Pictures of the control at a narrow and a wide panel (sidebar hidden: the editor is the page's width).
  await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
  for (const width of [850, 1650]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(800);
    const inner = await frame.evaluate(() => window.innerWidth);
    await screenshot(page, `input-size-panel-${inner}px`);
  }
  await page.setViewportSize({ width: 1600, height: 1000 });
  await runCommand(page, 'View: Toggle Primary Side Bar Visibility');

  // Reopened, the model is at the chosen size again.
  await runCommand(page, 'View: Close Editor');
  await openFromExplorer(page, MODEL);
  ({ frame } = await graphFrame(page, MODEL));
  await waitForSummary(frame, `${formatCount(at480.totals.macs)} at N=1, height=480, width=640`);
  assert.equal(await frame.locator('#cl-input-sizes input[data-dim="width"]').inputValue(), '640');

  // Run feeds 640 × 480 without asking (no input box opens).
  await frame.locator('#cl-pattern').selectOption('gradient');
  await frame.locator('#cl-run').click();
  await frame.waitForFunction(() => ['done', 'error'].includes(document.getElementById('cl-inference')?.dataset.status ?? ''), undefined, { timeout: 120_000, polling: 250 });
  assert.equal(await page.locator('.quick-input-widget:visible').count(), 0, 'Run asked for a size');
  assert.equal(await frame.locator('#cl-inference').getAttribute('data-status'), 'done', await frame.locator('#cl-inf-status').innerText());
  // The input as fed, C × H×W: 480 rows of 640.
  assert.match((await frame.locator('#cl-inf-status').getAttribute('title')) ?? '', /3 × 480×640/);

  // "Defaults" forgets the choice: symbolic again.
  await frame.locator('#cl-dim-reset').click();
  await waitForSummary(frame, `${formatCount(atDefaults.totals.macs)} at N=1, height=224, width=224 (default sizes)`);
  await runCommand(page, 'View: Close Editor');
});
