import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from './harness/codeServer';
import { openSession, type Session } from './harness/session';
import { openFromExplorer, screenshot } from './harness/browser';
import { graphFrame } from './harness/graph';
import { readModelFile } from '../../src/formats/index';

/**
 * The time overlay as a user gets it in code-server from the packaged VSIX: open the MNIST sample, run
 * it, choose "Colour by: Measured time"; the extension host asks the inference process to profile the
 * run, and the overlay panel lists the top layers with their times, every one a node of the model with
 * a time above zero.
 */
let session: Session;
let page: Page;
let folder: string;
const MODEL = 'mnist_c_cxx.onnx';

before(async () => {
  session = await openSession({ name: 'e2e-overlays', copy: { [MODEL]: join(repoRoot, 'media', 'samples', MODEL) } });
  ({ page, folder } = session);
});

after(async () => {
  await session?.close();
});

test('MNIST: run, colour by measured time, read the top 10 (model nodes, times > 0)', { timeout: 240_000 }, async () => {
  const model = await readModelFile(join(folder, MODEL));
  const ids = new Set(model.graph.nodes.map((n) => n.id));
  await openFromExplorer(page, MODEL);
  const { frame: graph } = await graphFrame(page, MODEL);
  await graph.locator('#cl-pattern').selectOption('digit');
  await graph.locator('#cl-run').click();
  await graph.waitForFunction(() => ['done', 'error'].includes(document.getElementById('cl-inference')?.dataset.status ?? ''), '', { timeout: 90_000, polling: 200 });
  assert.equal(await graph.locator('#cl-inference').getAttribute('data-status'), 'done', await graph.locator('#cl-inf-status').innerText());

  await graph.locator('#cl-overlay').selectOption('time');
  try {
    await graph.locator('#cl-overlay-top button').first().waitFor({ timeout: 90_000 });
  } catch (e) {
    await screenshot(page, 'e2e-overlays-failed');
    throw new Error(`no top-10 list: ${await graph.locator('#cl-overlay-panel').innerText().catch(() => '?')} (${(e as Error).message})`);
  }
  const rows = await graph.locator('#cl-overlay-top button').evaluateAll((els) => els.map((e) => ({ id: e.getAttribute('data-box')!, micros: Number(e.getAttribute('data-value')), text: (e as HTMLElement).innerText })));
  assert.ok(rows.length >= 5 && rows.length <= 10, JSON.stringify(rows));
  for (const r of rows) {
    assert.ok(ids.has(r.id), `${r.id} is a node of ${MODEL}`);
    assert.ok(r.micros > 0, `${r.id}: ${r.micros} µs`);
    assert.match(r.text, /\d+(\.\d+)? (µs|ms)$/, r.text);
  }
  // The two convolutions run the longest kernels of MNIST.
  assert.ok(rows.some((r) => model.graph.nodes.find((n) => n.id === r.id)?.opType === 'Conv'), JSON.stringify(rows));
  assert.match(await graph.locator('#cl-overlay-time-note').innerText(), /profiler/);
  assert.ok(Number(await graph.locator('#cl-stage').getAttribute('data-overlay-boxes')) >= rows.length);
  await screenshot(page, 'overlay-time-mnist', 'docs/images');
});
