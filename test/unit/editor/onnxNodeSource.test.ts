import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadModelFile } from '../../../src/editor/modelLoader';
import { emptyRegistrations, installVscodeMock } from '../../helpers/vscodeMock';

// nodeText is pure, but its module imports vscode: load it with the stand-in in place.

test('an ONNX node reads as ONNX text with its tensors, shapes and figures', async () => {
  const restore = installVscodeMock(emptyRegistrations());
  try {
    const { nodeText } = require('../../../src/editor/onnxNodeSource') as typeof import('../../../src/editor/onnxNodeSource');
    const r = await loadModelFile(join(__dirname, '..', '..', '..', 'media', 'samples', 'mnist_c_cxx.onnx'));
    assert.ok(r.ok);
    const conv = r.graph.nodes.find((n) => n.op === 'Conv')!;
    const text = nodeText(conv, (t) => { const i = r.graph.tensors[t]; return `${i.dtype}[${i.shape!.join(', ')}]`; }, '/m/mnist.onnx');
    const lines = text.split('\n');
    assert.equal(lines[0], '# Convolution28 in /m/mnist.onnx');
    assert.match(lines[1], /^Convolution28_Output_0 = Conv<.*kernel_shape = \[5, 5\].*>\(Input3, Parameter5\)$/);
    assert.ok(lines.includes('# out Convolution28_Output_0: float32[1, 8, 28, 28]'), text);
    assert.ok(lines.includes(`# params 200, MACs ${conv.macs}`), text);
  } finally {
    restore();
  }
});

test('a malformed convlens-node: URI reads as a one-line message, not an exception', () => {
  const restore = installVscodeMock(emptyRegistrations());
  try {
    const vscode = require('vscode') as typeof import('vscode');
    delete require.cache[require.resolve('../../../src/editor/onnxNodeSource')]; // bind it to this test's stand-in
    const { registerOnnxNodeSource, NODE_SCHEME } = require('../../../src/editor/onnxNodeSource') as typeof import('../../../src/editor/onnxNodeSource');
    let provider: import('vscode').TextDocumentContentProvider | undefined;
    (vscode.workspace as { registerTextDocumentContentProvider: unknown }).registerTextDocumentContentProvider = (scheme: string, p: typeof provider) => {
      assert.equal(scheme, NODE_SCHEME);
      provider = p;
      return { dispose() {} };
    };
    const panels = { graphOf: () => undefined, onDidRequestRevealSource: () => ({ dispose() {} }) };
    registerOnnxNodeSource(panels as never).dispose();
    assert.ok(provider);
    for (const query of ['', 'not json', '{"model":', 'null', '42', '{"model":3,"node":"Conv"}', '{"node":"Conv"}']) {
      const text = provider.provideTextDocumentContent({ query } as never, {} as never) as string;
      assert.equal(typeof text, 'string', query);
      assert.equal(text.split('\n').length, 1, `${query}: ${text}`);
      assert.match(text, /^\/\/ This is not a ConvLens node link \(.+\); reveal the node again from the graph\.$/, query);
    }
  } finally {
    restore();
  }
});
