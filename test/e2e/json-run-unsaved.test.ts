import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { repoRoot } from './harness/codeServer';
import { openSession, type Session } from './harness/session';
import { frameWaiter, openFromExplorer, runCommand, screenshot, webviewFrame } from './harness/browser';
import { graphFrame, runOnDigit } from './harness/graph';

/**
 * Inference runs what the user sees: a ConvLens JSON model edited in the editor and not saved (C1's
 * filters 6 -> 8) is lowered and run from the text on screen; the Feature Maps panel shows C1's output
 * with 8 channels, and the file on disk still says 6.
 */
let session: Session;
let page: Page;
let folder: string;
const MODEL = 'lenet5.json';

before(async () => {
  // Auto save off, as VS Code ships it (the test is about text that is not saved).
  session = await openSession({
    name: 'e2e-json-run-unsaved-last',
    copy: { [MODEL]: join(repoRoot, 'media', 'samples', 'zoo', MODEL) },
    settings: { 'files.autoSave': 'off' },
  });
  ({ page, folder } = session);
});

after(async () => {
  await session?.close();
});

const waitFor = frameWaiter(() => page, 'e2e-json-run-unsaved-failed');

test('a JSON model edited and not saved runs as edited: the Feature Maps panel shows the edited layer\'s output shape', { timeout: 300_000 }, async () => {
  const saved = readFileSync(join(folder, MODEL), 'utf8');
  const needle = '"name": "C1", "filters": 6';
  const at = saved.indexOf(needle) + needle.length - 1; // the '6'
  const before = saved.slice(0, at);
  const line = before.split('\n').length;
  const col = at - before.lastIndexOf('\n');

  await openFromExplorer(page, MODEL);
  const tab = page.locator('.tabs-container .tab', { hasText: MODEL }).first();
  await tab.click();
  await page.locator('.part.editor .monaco-editor.focused').first().waitFor({ timeout: 20_000 });
  // As a user: Go to the '6' of C1's filters, replace it with 8, and do not save.
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`:${line}:${col}`);
  await input.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  await page.keyboard.press('Delete');
  await page.keyboard.type('8');
  await page.locator('.tabs-container .tab.dirty', { hasText: MODEL }).waitFor({ timeout: 10_000 });

  await runCommand(page, 'ConvLens: Open Graph to the Side');
  const { frame: graph } = await graphFrame(page, MODEL);
  // The side graph shows the unsaved text: C1 has 8 output channels.
  await waitFor(graph, () => {
    const d = (window as unknown as { convlens: { debug: { graph: { nodes: { id: string; outputs: string[] }[]; tensors: Record<string, { shape: (number | string)[] | null }> } | null } } }).convlens.debug;
    const c1 = d.graph?.nodes.find((n) => n.id === 'C1');
    return !!c1 && d.graph!.tensors[c1.outputs[0]]?.shape?.[3] === 8;
  }, 'the side graph does not show C1 with 8 filters');

  // Run from the graph view, then open the feature maps on C1.
  await runOnDigit(graph, waitFor, 120_000);
  await graph.locator('#cl-search').fill('C1');
  await graph.locator('#cl-search').press('Enter');
  await graph.locator('#cl-feature-maps').click();
  const maps = await webviewFrame(page, '.tensor-list .tensor-item');
  await waitFor(maps, () => /\[/.test(document.querySelector('.layer h2')?.textContent ?? ''), 'the panel shows no layer');
  const title = await maps.locator('.layer h2').innerText();
  // C1 is a 5×5 'valid' convolution of the 32×32 input: 28×28, with the 8 filters typed, not the 6 saved.
  assert.match(title, /\[1, (8, 28, 28|28, 28, 8)\]/, title);
  const items = await maps.locator('.tensor-list .tensor-item').allInnerTexts();
  assert.ok(items.some((t) => /28×28×8|8×28×28/.test(t)), items.join(' | '));
  await screenshot(page, 'e2e-json-run-unsaved');
  // Nothing was saved.
  assert.ok(readFileSync(join(folder, MODEL), 'utf8').includes(needle), 'the file on disk changed');
});
