import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { repoRoot } from './harness/codeServer';
import { openSession, type Session } from './harness/session';
import { frameWaiter, openFromExplorer, screenshot } from './harness/browser';
import { graphFrame } from './harness/graph';
import { loadModelFile } from '../../src/editor/modelLoader';
import { formatShape } from '../../webview/common/format';
import { runWaitsForTrust } from '../../src/editor/trustText';

/**
 * Restricted Mode in a real VS Code (code-server with workspace trust on, the packaged VSIX): a model
 * in a folder nobody has trusted opens with its graph and true shapes; Run waits for trust and says so
 * in the panel; trusting the folder through the panel's Manage Workspace Trust button and VS Code's
 * trust editor lets the same run go on by itself, and it reads the digit as 3.
 */
let session: Session;
let page: Page;
let folder: string;
const MODEL = 'mnist_c_cxx.onnx';

before(async () => {
  session = await openSession({ name: 'e2e-restricted-last', copy: { [MODEL]: join(repoRoot, 'media', 'samples', MODEL) }, workspaceTrust: true });
  ({ page, folder } = session);
});

after(async () => {
  await session?.close();
});

const waitFor = frameWaiter(() => page, 'e2e-restricted-failed');

const status = () => document.getElementById('cl-inference')?.dataset.status ?? '';

test('in Restricted Mode the graph shows with its shapes, Run waits for trust and says so, and goes on by itself once the folder is trusted', { timeout: 300_000 }, async () => {
  const want = await loadModelFile(join(folder, MODEL));
  assert.ok(want.ok, !want.ok ? want.error : '');
  // VS Code says the window is in Restricted Mode.
  await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30_000 });

  await openFromExplorer(page, MODEL);
  const { frame } = await graphFrame(page, MODEL);
  // Keep the tab (a preview tab is replaced by the next editor opened, here the trust editor).
  await page.locator('.tabs-container .tab', { hasText: MODEL }).first().dblclick();
  const summary = await frame.locator('#cl-summary').innerText();
  for (const t of [...want.graph.inputs, ...want.graph.outputs]) assert.ok(summary.includes(`${t.name} ${formatShape(t.shape, false)}`), `summary lacks ${t.name}: ${summary}`);
  const conv = want.graph.nodes.find((n) => n.op === 'Conv')!;
  await frame.locator('#cl-search').fill(conv.name);
  await frame.locator('#cl-search').press('Enter');
  const details = frame.locator('#cl-details');
  await details.waitFor({ state: 'visible', timeout: 10_000 });
  assert.ok((await details.innerText()).includes('1×8×28×28'), await details.innerText());
  await frame.locator('#cl-search').fill('');

  // Run waits for trust, in plain words, with the way to grant it.
  await frame.locator('#cl-pattern').selectOption('digit');
  await frame.locator('#cl-run').click();
  await waitFor(frame, () => document.getElementById('cl-inference')?.dataset.status === 'untrusted', 'Run did not say it waits for trust');
  assert.equal(await frame.locator('#cl-inf-status').innerText(), runWaitsForTrust(MODEL));
  const manage = frame.locator('#cl-manage-trust');
  assert.ok(await manage.isVisible());
  await page.waitForTimeout(1500);
  assert.equal(await frame.evaluate(status), 'untrusted', 'the run went on without trust');
  await screenshot(page, 'restricted-mode-run-waits', 'docs/images');

  // Trust the folder as a user does: the panel's button opens VS Code's trust editor.
  await manage.click();
  const trustEditor = page.locator('.workspace-trust-editor');
  await trustEditor.waitFor({ timeout: 30_000 });
  await trustEditor.getByRole('button', { name: /^Trust( Folder)?$/ }).first().click();
  await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ state: 'hidden', timeout: 30_000 });
  // The trust editor opens over the workbench; closing it shows the graph again.
  await trustEditor.click({ position: { x: 10, y: 10 } });
  await page.keyboard.press('Escape');
  await trustEditor.waitFor({ state: 'hidden', timeout: 20_000 });

  // The run that waited goes on by itself.
  const { frame: graph } = await graphFrame(page, MODEL);
  await waitFor(graph, () => ['done', 'error'].includes(document.getElementById('cl-inference')?.dataset.status ?? ''), 'the run did not go on after trust', '', 120_000);
  assert.equal(await graph.evaluate(status), 'done', await graph.locator('#cl-inf-status').innerText());
  assert.match(await graph.locator('#cl-inf-status').innerText(), /^ran on cpu in /);
  const top5 = await graph.locator('#cl-top5 li').allInnerTexts();
  assert.match(top5[0] ?? '', /^3 \d+(\.\d)?%$/, top5.join(' | '));
  assert.equal(await graph.locator('#cl-manage-trust').isVisible(), false);
  await page.locator('.notifications-toasts .notification-toast', { hasText: `ConvLens: ${MODEL}` }).waitFor({ state: 'hidden', timeout: 30_000 }).catch(() => undefined);
  await screenshot(page, 'restricted-mode-trusted-run', 'docs/images');
});
