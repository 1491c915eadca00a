import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GraphPanels } from '../../src/editor/graphPanel';
import { decodeGraph } from '../../src/protocol/graphEncoding';

/** Runs inside VS Code's extension host (loaded by @vscode/test-electron): the extension as a user meets it. */
async function until<T>(what: string, f: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension<{ graphPanels: GraphPanels }>('convlens.convlens');
  assert.ok(ext, 'ConvLens is not installed in the test instance');
  const api = await ext.activate();
  const samples = path.join(ext.extensionPath, 'media', 'samples');

  // The .onnx custom editor.
  const onnx = vscode.Uri.file(path.join(samples, 'mnist_c_cxx.onnx'));
  await vscode.commands.executeCommand('convlens.openSample');
  const tab = await until('the sample tab', () => vscode.window.tabGroups.activeTabGroup.activeTab);
  assert.ok(tab.input instanceof vscode.TabInputCustom && tab.input.viewType === 'convlens.graph', 'the sample did not open in the ConvLens graph editor');
  const graph = await until('the sample graph', () => api.graphPanels.graphOf(onnx));
  assert.equal(graph.format, 'onnx');
  const nodes = (await decodeGraph(graph.encoded)).nodes;
  assert.equal(nodes.filter((n) => n.op === 'Conv').length, 2);

  // The side graph of a ConvLens JSON file.
  const json = vscode.Uri.file(path.join(samples, 'zoo', 'lenet5.json'));
  await vscode.window.showTextDocument(json);
  await vscode.commands.executeCommand('convlens.openGraphToSide', json);
  const side = await until('the side graph', () => api.graphPanels.graphOf(json));
  assert.equal(side.format, 'convlens');
  assert.ok(api.graphPanels.hasSidePanel(json));
  console.log('integration: 2 checks passed');
}
