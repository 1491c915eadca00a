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

test("a graph view's input sizes are remembered per model and every later load of it is at them", async () => {
  const restore = installVscodeMock(emptyRegistrations());
  try {
    const vscode = require('vscode') as typeof import('vscode');
    delete require.cache[require.resolve('../../../src/editor/graphPanel')];
    const { GraphPanels } = require('../../../src/editor/graphPanel') as typeof import('../../../src/editor/graphPanel');
    const { InputSizeStore } = require('../../../src/editor/inputSizes') as typeof import('../../../src/editor/inputSizes');
    const loads: [string, Record<string, number> | undefined][] = [];
    const source = { load: async (uri: { toString(): string }, dims?: Record<string, number>) => (loads.push([uri.toString(), dims]), { ok: false as const, error: 'not read in this test', millis: 0 }) };
    const stored = new Map<string, unknown>();
    const memento = { get: (k: string, d?: unknown) => (stored.has(k) ? stored.get(k) : d), update: async (k: string, v: unknown) => void (v === undefined ? stored.delete(k) : stored.set(k, v)) };
    const log = { info() {}, warn() {}, error() {} };
    const panels = new GraphPanels(vscode.Uri.file('/ext'), source as never, log as never, new InputSizeStore(memento as never));
    let receive: (m: unknown) => void = () => undefined;
    const panel = {
      active: false, iconPath: undefined as unknown,
      webview: { options: {}, html: '', cspSource: 'vscode-resource:', asWebviewUri: (u: unknown) => u, onDidReceiveMessage: (f: (m: unknown) => void) => ((receive = f), { dispose() {} }), postMessage: async () => true },
      onDidDispose: () => ({ dispose() {} }),
      dispose() {},
    };
    const a = vscode.Uri.file('/work/a.onnx');
    panels.attach(a, panel as never);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(loads.at(-1), [a.toString(), undefined], 'no choice yet: symbolic shapes');
    receive({ type: 'setInputSizes', values: { height: 480, width: 640, bad: -3 } });
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(loads.at(-1), [a.toString(), { height: 480, width: 640 }]);
    await panels.reload(a); // the file changed on disk, or the window reloaded
    assert.deepEqual(loads.at(-1), [a.toString(), { height: 480, width: 640 }]);
    assert.deepEqual(new InputSizeStore(memento as never).get(vscode.Uri.file('/work/b.onnx')), undefined, 'another model keeps its own');
    receive({ type: 'setInputSizes', values: null });
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(loads.at(-1), [a.toString(), undefined]);
    assert.equal(stored.size, 0);
    panels.dispose();
  } finally {
    restore();
  }
});

test('a graph whose text no longer reads as a model is marked stale, also for a view that opens later, until the next graph', async () => {
  const restore = installVscodeMock(emptyRegistrations());
  try {
    const vscode = require('vscode') as typeof import('vscode');
    delete require.cache[require.resolve('../../../src/editor/graphPanel')];
    const { GraphPanels } = require('../../../src/editor/graphPanel') as typeof import('../../../src/editor/graphPanel');
    const digest = (title: string) => ({ title, format: 'convlens-json', nodeCount: 3, encoded: { encoding: 'json' as const, bytes: new Uint8Array() } });
    const source = { load: async () => ({ ok: true as const, graph: digest('v1'), millis: 0 }) };
    const log = { info() {}, warn() {}, error() {} };
    const panels = new GraphPanels(vscode.Uri.file('/ext'), source as never, log as never);
    const view = () => {
      const posted: { type: string; reason?: string }[] = [];
      let receive: (m: unknown) => void = () => undefined;
      const panel = {
        active: false, iconPath: undefined as unknown,
        webview: { options: {}, html: '', cspSource: 'vscode-resource:', asWebviewUri: (u: unknown) => u, onDidReceiveMessage: (f: (m: unknown) => void) => ((receive = f), { dispose() {} }), postMessage: async (m: { type: string }) => (posted.push(m), true) },
        onDidDispose: () => ({ dispose() {} }),
        dispose() {},
      };
      return { panel, posted, ready: () => receive({ type: 'ready' }) };
    };
    const uri = vscode.Uri.file('/work/net.json');
    const first = view();
    panels.attach(uri, first.panel as never);
    first.ready();
    await new Promise((r) => setTimeout(r, 10));
    assert.ok(first.posted.some((m) => m.type === 'showGraph'));
    panels.markStale(uri, 'line 7: value expected');
    panels.markStale(uri, 'line 7: value expected'); // the same state again (a hover, a second change event): said once
    assert.deepEqual(first.posted.filter((m) => m.type === 'graphStale'), [{ type: 'graphStale', reason: 'line 7: value expected' }]);
    // A view opened meanwhile (or rebuilt when its tab comes back) gets the graph and the mark.
    const second = view();
    panels.attach(uri, second.panel as never);
    second.ready();
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(second.posted.filter((m) => m.type === 'showGraph' || m.type === 'graphStale').map((m) => m.type), ['showGraph', 'graphStale']);
    // The text reads as a model again: the next graph clears the mark, and a later view is not told.
    panels.showModel(uri, digest('v2') as never);
    const third = view();
    panels.attach(uri, third.panel as never);
    third.ready();
    await new Promise((r) => setTimeout(r, 10));
    assert.ok(third.posted.some((m) => m.type === 'showGraph'));
    assert.equal(third.posted.filter((m) => m.type === 'graphStale').length, 0);
    panels.dispose();
  } finally {
    restore();
  }
});
