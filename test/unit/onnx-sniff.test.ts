/** Format sniffing: JSON top-level keys, ONNX's first protobuf tag, and the reader registry. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { corpus } from '../helpers/corpus';
import { contentKind, jsonTopLevelKeys, looksLikeOnnx, sniffHint } from '../../src/formats/sniff';
import { readModelBytes, registerReader, registeredReaders } from '../../src/formats/index';

test('JSON top-level keys come from the first megabyte, nested values skipped', () => {
  const text = '\ufeff {"class_name": "Model", "config": {"layers": [{"name": "a\\"b", "x": [1, {"y": 2}]}]}, "keras_version": "2.1", "k\\u00e9y": null}';
  assert.deepEqual(jsonTopLevelKeys(Buffer.from(text)), ['class_name', 'config', 'keras_version', 'kéy']);
  assert.deepEqual(jsonTopLevelKeys(Buffer.from('[1, 2]')), []);
  assert.deepEqual(jsonTopLevelKeys(Buffer.from('{"a": "unterminated')), ['a']);
  const keras = readFileSync(corpus('keras-json', 'resnet50.json'));
  assert.deepEqual(jsonTopLevelKeys(keras), ['keras_version', 'class_name', 'config']);
});

test('content kinds and the ONNX first-tag check', () => {
  assert.equal(contentKind(new Uint8Array(0)), 'empty');
  assert.equal(contentKind(Buffer.from('  {"a":1}')), 'json');
  assert.equal(contentKind(Buffer.from('hello')), 'text');
  const onnx = readFileSync(corpus('real', 'mnist_c_cxx.onnx'));
  assert.equal(contentKind(onnx), 'binary');
  assert.equal(looksLikeOnnx(onnx), true);
  assert.equal(looksLikeOnnx(Buffer.from([0x0f, 0x01])), false); // field 1 with wire type 7
  assert.equal(looksLikeOnnx(Buffer.from([0x3a, 0x7f, 0x00])), false); // graph longer than the data
  assert.equal(sniffHint(onnx, '/x/Model.ONNX').extension, '.onnx');
});

test('a registered reader is chosen by its sniff and gets the path and folder', async () => {
  const before = registeredReaders().length;
  registerReader({
    name: 'test-json',
    sniff: (_b, _p, hint) => hint.kind === 'json' && hint.jsonKeys.includes('testModel'),
    read: (_b, ctx) => ({ format: 'convlens', producer: `test ${ctx.folder}`, opsets: {}, metadata: {}, readWarnings: [],
      graph: { name: 'g', nodes: [], inputs: [], outputs: [], valueInfo: new Map(), initializers: new Map() } }),
  });
  assert.equal(registeredReaders().length, before + 1);
  const m = await readModelBytes(Buffer.from('{"testModel": 1}'), '/tmp/models/m.onnx');
  assert.equal(m.producer, 'test /tmp/models');
  assert.match(m.readWarnings.join(' '), /\.onnx extension but holds JSON/);
  await assert.rejects(readModelBytes(Buffer.from('{"other": 1}'), '/tmp/m.json'), /top-level keys: other/);
});
