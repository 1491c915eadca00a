import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyRegistrations, installVscodeMock } from '../../helpers/vscodeMock';

/** The host side of sample inference against the `vscode` stand-in: one run at a time per window. */
test('a second run while the first waits for its sample image is refused; the run counts as going until the picker closes', async () => {
  const restore = installVscodeMock(emptyRegistrations());
  try {
    const vscode = require('vscode') as typeof import('vscode');
    delete require.cache[require.resolve('../../../src/editor/inference')]; // bind it to this test's stand-in
    const { InferenceController } = require('../../../src/editor/inference') as typeof import('../../../src/editor/inference');
    const window = vscode.window as unknown as Record<string, unknown>;
    const pickers: ((picked: undefined) => void)[] = [];
    const info: string[] = [];
    window.showOpenDialog = () => new Promise((resolve) => pickers.push(resolve));
    window.showInformationMessage = async (m: string) => void info.push(m);
    const panels = { onDidReceiveMessage: () => ({ dispose() {} }), onDidLoad: () => ({ dispose() {} }), post() {}, documents: () => [] };
    const memento = { get: (_k: string, d: unknown) => d, update: async () => undefined };
    const log = { info() {}, warn() {}, error() {} };
    const trust = { wait: () => false, has: () => false };
    const c = new InferenceController(vscode.Uri.file('/ext'), panels as never, {} as never, memento as never, log as never, trust as never);
    const model = vscode.Uri.file('/work/model.json');

    const first = c.run(model, { kind: 'image' });
    const second = c.run(model, { kind: 'image' });
    await new Promise((r) => setImmediate(r));
    assert.equal(pickers.length, 1, 'the second run opened a file picker of its own');
    assert.equal(await second, undefined);
    assert.equal(info.length, 1);
    assert.match(info[0], /a run of model\.json is in progress/);

    pickers[0](undefined); // the user closes the picker: the first run ends without running
    assert.equal(await first, undefined);
    const third = c.run(model, { kind: 'image' });
    await new Promise((r) => setImmediate(r));
    assert.equal(pickers.length, 2, 'a run after the picker closed is not refused');
    assert.equal(info.length, 1);
    pickers[1](undefined);
    assert.equal(await third, undefined);
    c.dispose();
  } finally {
    restore();
  }
});
