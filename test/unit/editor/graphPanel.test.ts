import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyRegistrations, installVscodeMock } from '../../helpers/vscodeMock';

/** The graph registry against the `vscode` stand-in: only documents that have a view are loaded and kept. */
test('reloading a document no graph shows reads nothing and registers nothing', async () => {
  const restore = installVscodeMock(emptyRegistrations());
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const vscode = require('vscode') as typeof import('vscode');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { GraphPanels } = require('../../../src/editor/graphPanel') as typeof import('../../../src/editor/graphPanel');
    const loads: string[] = [];
    const source = { load: async (uri: { toString(): string }) => (loads.push(uri.toString()), { ok: false as const, error: 'not a model', millis: 0 }) };
    const log = { info() {}, warn() {}, error() {} };
    const panels = new GraphPanels(vscode.Uri.file('/ext'), source as never, log as never);
    const uri = vscode.Uri.file('/work/notes.json');
    await panels.reload(uri);
    assert.deepEqual(loads, []);
    assert.equal(panels.has(uri), false);
    assert.deepEqual(panels.documents(), []);
    panels.dispose();
  } finally {
    restore();
  }
});

test('the active model is the one whose graph webview has focus, before the active tab and text editor', () => {
  const restore = installVscodeMock(emptyRegistrations());
  try {
    const vscode = require('vscode') as typeof import('vscode');
    delete require.cache[require.resolve('../../../src/editor/graphPanel')]; // bind it to this test's stand-in
    const { GraphPanels, activeModelUri } = require('../../../src/editor/graphPanel') as typeof import('../../../src/editor/graphPanel');
    const window = vscode.window as unknown as Record<string, unknown>;
    // A webview panel has focus: its tab is a webview tab, and VS Code reports no active text editor.
    window.tabGroups = { activeTabGroup: { activeTab: { input: {} } } };
    window.activeTextEditor = undefined;
    const source = { load: async () => ({ ok: false as const, error: 'not read in this test', millis: 0 }) };
    const log = { info() {}, warn() {}, error() {} };
    const panels = new GraphPanels(vscode.Uri.file('/ext'), source as never, log as never);
    const fakePanel = () => ({
      active: false, iconPath: undefined as unknown,
      webview: { options: {}, html: '', cspSource: 'vscode-resource:', asWebviewUri: (u: unknown) => u, onDidReceiveMessage: () => ({ dispose() {} }), postMessage: async () => true },
      onDidDispose: () => ({ dispose() {} }),
      dispose() {},
    });
    const a = vscode.Uri.file('/work/a.json'), b = vscode.Uri.file('/work/b.json');
    const pa = fakePanel(), pb = fakePanel();
    panels.attach(a, pa as never, true);
    panels.attach(b, pb as never, true);
    assert.equal(activeModelUri(panels), undefined, 'no graph has focus and there is no text editor');
    pb.active = true;
    assert.equal(activeModelUri(panels)?.toString(), b.toString());
    pb.active = false;
    pa.active = true;
    assert.equal(activeModelUri(panels)?.toString(), a.toString());
    // With no graph focused, the text editor's document is the model.
    pa.active = false;
    window.activeTextEditor = { document: { uri: vscode.Uri.file('/work/c.json') } };
    assert.equal(activeModelUri(panels)?.toString(), vscode.Uri.file('/work/c.json').toString());
    panels.dispose();
  } finally {
    restore();
  }
});
