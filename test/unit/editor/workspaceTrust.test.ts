import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyRegistrations, installVscodeMock } from '../../helpers/vscodeMock';
import { externalised } from '../../helpers/externalData';
import { spyOnFs } from '../../helpers/fsSpy';
import type { DocumentVersion, OpenReply } from '../../../src/protocol/modelService';
import type { ViewGraph } from '../../../src/protocol/viewModel';
import { ModelStore } from '../../../src/editor/modelStore';
import { readModelBytes, readModelFile } from '../../../src/formats/index';
import { siblingsRefused } from '../../../src/editor/trustText';
import { decodeGraph } from '../../../src/protocol/graphEncoding';

/**
 * Restricted Mode and virtual workspaces, against the `vscode` stand-in and the model worker's store on
 * this thread (so node:fs can be watched): a model at a non-file URI is read through workspace.fs only,
 * never at its path on the local disk, nor the files beside it; in Restricted Mode the opened file is
 * read and nothing beside it; a run waits for trust, says so, and starts once trust is granted.
 *
 * The virtual URI's path is a real local folder holding the model and its external data, so a read at
 * the path would succeed silently: only the spy on node:fs can tell, and the control shows it does.
 */
const tmp = mkdtempSync(join(tmpdir(), 'convlens-trust-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const modelPath = externalised(join(tmp, 'remote'), 'weights.bin', true);
const served = new Uint8Array(readFileSync(modelPath));

const graphOf = (reply: OpenReply): Promise<ViewGraph> => decodeGraph(reply.graph!.encoded);

/** The `vscode` stand-in, with workspace.fs serving `served` and a trust state the test sets. */
function setUp(trusted: boolean) {
  const restore = installVscodeMock(emptyRegistrations());
  const vscode = require('vscode') as typeof import('vscode');
  const workspace = vscode.workspace as unknown as Record<string, unknown>;
  const fsReads: string[] = [];
  workspace.fs = { readFile: async (uri: { toString(): string }) => (fsReads.push(uri.toString()), served) };
  workspace.isTrusted = trusted;
  const grants: (() => void)[] = [];
  workspace.onDidGrantWorkspaceTrust = (l: () => void) => (grants.push(l), { dispose() {} });
  const grant = () => {
    workspace.isTrusted = true;
    grants.forEach((l) => l());
  };
  for (const m of ['modelSource', 'workspaceTrust', 'inference']) delete require.cache[require.resolve(`../../../src/editor/${m}`)]; // bind them to this stand-in
  const { ModelSource } = require('../../../src/editor/modelSource') as typeof import('../../../src/editor/modelSource');
  const source = new ModelSource(vscode.Uri.file('/ext'), {} as never);
  return { vscode, restore, fsReads, grant, source };
}

test('a model at a non-file URI is read through workspace.fs only: neither its path nor the files beside it reach node:fs', async () => {
  const { vscode, restore, fsReads, source } = setUp(true);
  const spy = spyOnFs(tmp);
  try {
    const Uri = vscode.Uri as unknown as new (scheme: string, path: string) => import('vscode').Uri;
    const uri = new Uri('vscode-vfs', modelPath);
    const doc: DocumentVersion = await source.version(uri);
    assert.equal(doc.onlyThisFile, 'virtual');
    assert.deepEqual(fsReads, [uri.toString()]);
    const store = new ModelStore();
    const reply = await store.open(doc, false);
    assert.equal(reply.error, undefined);
    const graph = await graphOf(reply);
    assert.ok(graph.nodes.length > 20, `${graph.nodes.length} nodes`);
    const conv = graph.nodes.find((n) => n.op === 'Conv')!;
    assert.deepEqual(graph.tensors[conv.outputs[0]].shape, [1, 16, 120, 160], 'the first Conv of slim-320 (320×240 input, stride 2)');
    // Run gets the bytes VS Code served, not the file at the path.
    const low = await store.lowered(doc);
    assert.deepEqual(low.bytes, served);
    assert.deepEqual(spy.touched, [], 'the local disk was touched at the virtual path');
  } finally {
    spy.restore();
    restore();
  }
  // The external data is refused, saying why, and still without a look at the disk.
  const spy2 = spyOnFs(tmp);
  try {
    const model = await readModelBytes(served, modelPath, { refuseSiblings: siblingsRefused('virtual') });
    const ext = [...model.graph.initializers.values()].find((t) => t.external)!;
    assert.throws(() => ext.bytes(), /tensor data is in external file "weights\.bin", which is not read: files beside a model are not read in a virtual workspace/);
    assert.deepEqual(spy2.touched, []);
  } finally {
    spy2.restore();
  }
});

test('the control: the same model at a file URI is read at its path, so the spy sees what it watches', async () => {
  const { vscode, restore, fsReads, source } = setUp(true);
  const spy = spyOnFs(tmp);
  try {
    const doc = await source.version(vscode.Uri.file(modelPath));
    assert.equal(doc.onlyThisFile, undefined);
    const reply = await new ModelStore().open(doc, false);
    assert.equal(reply.error, undefined);
    assert.deepEqual(fsReads, []);
    assert.ok(spy.touched.some((t) => t.endsWith(`(${modelPath})`)), spy.touched.join(', '));
  } finally {
    spy.restore();
    restore();
  }
  // Trusted, the external data beside it is read.
  const model = await readModelFile(modelPath);
  const ext = [...model.graph.initializers.values()].find((t) => t.external)!;
  assert.ok(ext.bytes().byteLength > 0);
});

test('in Restricted Mode the opened file is read and nothing beside it; once trusted, the same file is a new version read with its siblings', async () => {
  const { vscode, restore, source, grant } = setUp(false);
  const spy = spyOnFs(join(tmp, 'remote', 'weights.bin'));
  try {
    const uri = vscode.Uri.file(modelPath);
    const doc = await source.version(uri);
    assert.equal(doc.onlyThisFile, 'untrusted');
    const store = new ModelStore();
    const reply = await store.open(doc, false);
    assert.equal(reply.error, undefined);
    assert.ok((await graphOf(reply)).nodes.some((n) => n.op === 'Conv'));
    assert.deepEqual(spy.touched, [], 'the external data file was looked at in Restricted Mode');
    const restricted = await readModelFile(modelPath, { refuseSiblings: siblingsRefused('untrusted') });
    assert.throws(() => [...restricted.graph.initializers.values()].find((t) => t.external)!.bytes(), /which is not read: files beside a model are read once the workspace is trusted \(Restricted Mode\)/);
    assert.deepEqual(spy.touched, []);

    grant();
    const trusted = await source.version(uri);
    assert.equal(trusted.onlyThisFile, undefined);
    assert.notEqual(trusted.version, doc.version, 'trusting must not reuse the restricted read');
  } finally {
    spy.restore();
    restore();
  }
});

test('Run in Restricted Mode waits and says so in the panel; granting trust re-reads the graphs, then the run starts by itself', async () => {
  const { vscode, restore, grant } = setUp(false);
  try {
    const { InferenceController } = require('../../../src/editor/inference') as typeof import('../../../src/editor/inference');
    const { TrustQueue } = require('../../../src/editor/workspaceTrust') as typeof import('../../../src/editor/workspaceTrust');
    const window = vscode.window as unknown as Record<string, unknown>;
    const events: string[] = [];
    const pickers: ((picked: undefined) => void)[] = [];
    window.showOpenDialog = () => (events.push('picker'), new Promise((resolve) => pickers.push(resolve)));
    const posted: { status: string; message?: string }[] = [];
    const model = vscode.Uri.file(modelPath);
    let onMessage: (e: { uri: unknown; message: { type: string } }) => void = () => undefined;
    const panels = {
      onDidReceiveMessage: (l: typeof onMessage) => ((onMessage = l), { dispose() {} }), onDidLoad: () => ({ dispose() {} }), documents: () => [model],
      post: (_uri: unknown, m: { state: { status: string; message?: string } }) => void posted.push(m.state),
      has: () => true,
    };
    const trust = new TrustQueue(async () => void events.push('reload'));
    const memento = { get: (_k: string, d: unknown) => d, update: async () => undefined };
    const log = { info() {}, warn() {}, error() {} };
    const c = new InferenceController(vscode.Uri.file('/ext'), panels as never, {} as never, memento as never, log as never, trust);

    assert.equal(await c.run(model, { kind: 'image' }), undefined);
    assert.deepEqual(events, [], 'nothing ran, nothing was asked');
    assert.equal(posted.length, 1);
    assert.equal(posted[0].status, 'untrusted');
    assert.match(posted[0].message!, /^Run waits for workspace trust: in Restricted Mode ConvLens shows model\.onnx's graph but runs no model/);
    assert.match(posted[0].message!, /Trust this folder and the run starts by itself\.$/);
    // A graph webview rebuilt (its tab shown again) is told again.
    onMessage({ uri: model, message: { type: 'ready' } });
    assert.deepEqual(posted.map((p) => p.status), ['untrusted', 'untrusted']);

    grant();
    for (let i = 0; i < 20 && pickers.length === 0; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(events, ['reload', 'picker'], 'the graphs were read again before the run went on');
    pickers[0](undefined);
    c.dispose();
    trust.dispose();
  } finally {
    restore();
  }
});

test('Run on a model in a virtual workspace is refused in one line that says why', async () => {
  const { vscode, restore } = setUp(true);
  try {
    const { InferenceController } = require('../../../src/editor/inference') as typeof import('../../../src/editor/inference');
    const { TrustQueue } = require('../../../src/editor/workspaceTrust') as typeof import('../../../src/editor/workspaceTrust');
    const window = vscode.window as unknown as Record<string, unknown>;
    const errors: string[] = [];
    window.showErrorMessage = async (m: string) => void errors.push(m);
    const posted: { status: string; message?: string }[] = [];
    const panels = { onDidReceiveMessage: () => ({ dispose() {} }), onDidLoad: () => ({ dispose() {} }), post: (_u: unknown, m: { state: { status: string } }) => void posted.push(m.state), has: () => true };
    const trust = new TrustQueue(async () => undefined);
    const c = new InferenceController(vscode.Uri.file('/ext'), panels as never, {} as never, { get: (_k: string, d: unknown) => d } as never, { info() {} } as never, trust);
    const Uri = vscode.Uri as unknown as new (scheme: string, path: string) => import('vscode').Uri;
    assert.equal(await c.run(new Uri('vscode-vfs', '/github/acme/models/net.onnx'), { kind: 'pattern', pattern: 'digit' }), undefined);
    assert.deepEqual(posted.map((p) => p.status), ['error']);
    assert.equal(posted[0].message, "Run needs the model on this computer's disk: net.onnx is in a virtual workspace (vscode-vfs:), where ConvLens shows the graph only.");
    assert.equal(errors.length, 1);
    c.dispose();
    trust.dispose();
  } finally {
    restore();
  }
});
