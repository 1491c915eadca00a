import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from './harness/codeServer';
import { openSession, type Session } from './harness/session';
import { openFromExplorer, runCommand, screenshot } from './harness/browser';
import { readFileSync } from 'node:fs';
import { saveTfjs, sequentialCnn } from '../unit/tfjs-fixtures';
import { graphFrame } from './harness/graph';
import { loadModelFile } from '../../src/editor/modelLoader';
import { formatShape } from '../../webview/common/format';

/**
 * The web build (package.json `browser`) in a real browser extension host: code-server is VS Code's web
 * workbench, and `remote.extensionKind: ui` makes it run our extension where a UI extension runs when
 * there is no desktop: in the page's web-worker extension host, from the `browser` entry, as on
 * vscode.dev. What is installed is the web VSIX (`npm run package`, `--target web`: no Node modules,
 * no native code), as vscode.dev would get it. The MNIST sample opened there is drawn with the shapes
 * the desktop pipeline computes, and a TF.js model's weight shard beside it is read through VS Code's
 * file system API.
 */
let session: Session;
let page: Page;

let tfjsModel: string;

before(async () => {
  tfjsModel = await saveTfjs(sequentialCnn());
  session = await openSession({
    name: 'e2e-web-extension',
    copy: { 'mnist_c_cxx.onnx': join(repoRoot, 'media', 'samples', 'mnist_c_cxx.onnx') },
    // A TF.js model and its weight shard (weights.bin beside model.json).
    write: { 'model.json': readFileSync(tfjsModel), 'weights.bin': readFileSync(join(tfjsModel, '..', 'weights.bin')) },
    vsix: 'web',
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

test('in the web build, a TF.js model\'s weight shard is read beside it: the graph the desktop draws, no weight missing', { timeout: 180_000 }, async () => {
  await openFromExplorer(page, 'model.json');
  await runCommand(page, 'Open Graph to the Side');
  const { frame } = await graphFrame(page, 'model.json', 120_000);
  const want = await loadModelFile(join(session.folder, 'model.json'));
  assert.ok(want.ok);
  const got = await frame.evaluate(() => {
    const g = (window as unknown as { convlens: { state: { graph: { totals: unknown; warnings: unknown } } } }).convlens.state.graph;
    return { totals: g.totals, warnings: g.warnings };
  });
  assert.deepEqual(got.warnings, want.graph.warnings, 'no "weights are missing" warning: the shard was read');
  assert.deepEqual(got.totals, want.graph.totals);
});
