import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from './harness/codeServer';
import { openSession, type Session } from './harness/session';
import { openFromExplorer, screenshot } from './harness/browser';
import { graphFrame } from './harness/graph';
import { loadModelFile } from '../../src/editor/modelLoader';
import { formatShape } from '../../webview/common/format';

/**
 * The web build (package.json `browser`) in a real browser extension host: code-server is VS Code's web
 * workbench, and `remote.extensionKind: ui` makes it run our extension where a UI extension runs when
 * there is no desktop: in the page's web-worker extension host, from the `browser` entry, as on
 * vscode.dev. The MNIST sample opened there is drawn with the shapes the desktop pipeline computes.
 */
let session: Session;
let page: Page;

before(async () => {
  session = await openSession({
    name: 'e2e-web-extension',
    copy: { 'mnist_c_cxx.onnx': join(repoRoot, 'media', 'samples', 'mnist_c_cxx.onnx') },
    settings: { 'remote.extensionKind': { 'convlens.convlens': ['ui'] } },
  });
  page = session.page;
});

after(async () => {
  await session?.close();
});

test('in the web worker extension host, the MNIST sample opens with its shapes on the edges', { timeout: 180_000 }, async () => {
  await openFromExplorer(page, 'mnist_c_cxx.onnx');
  const { frame, report } = await graphFrame(page, 'mnist_c_cxx.onnx', 120_000);
  const r = await loadModelFile(join(session.folder, 'mnist_c_cxx.onnx'));
  assert.ok(r.ok);
  assert.ok(report.edges > 0);
  const summary = await frame.locator('#cl-summary').innerText();
  for (const t of r.graph.inputs) assert.ok(summary.includes(`${t.name} ${formatShape(t.shape, false)}`), summary);
  // It ran in the browser: the web build logged it there, and the Node extension host never activated it.
  const webLogs = session.cs.logs(/ConvLens/).map((l) => l.text).join('\n');
  const nodeHost = session.cs.logs(/remoteexthost\.log$/).map((l) => l.text).join('\n');
  // It is listed there (installed on the server) but never activated there.
  assert.doesNotMatch(nodeHost, /_doActivateExtension convlens\.convlens/i, 'the Node extension host activated ConvLens');
  await screenshot(page, 'web-extension-mnist');
  assert.ok(webLogs.includes('(web)') || webLogs === '', webLogs);
});
