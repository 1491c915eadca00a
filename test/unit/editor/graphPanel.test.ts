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
