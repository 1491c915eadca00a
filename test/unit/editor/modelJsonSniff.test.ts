import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { looksLikeModelJson } from '../../../src/editor/modelJsonSniff';
import { corpus } from '../../helpers/corpus';

test('Keras JSON files from the corpus are recognised from their first 4 KB', () => {
  for (const f of ['mnist_cnn.json', 'resnet50.json', 'inception_v3.json', 'xception.json']) {
    const head = readFileSync(corpus('keras-json', f), 'utf8').slice(0, 4096);
    assert.ok(looksLikeModelJson(head), f);
  }
});

test('a TF.js model.json is recognised', () => {
  assert.ok(looksLikeModelJson('{"format":"layers-model","generatedBy":"keras v2.4","modelTopology":{"class_name":"Sequential"}}'));
});

test('ConvLens JSON zoo models are recognised', () => {
  const dir = join(__dirname, '..', '..', '..', 'media', 'samples', 'zoo');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  assert.ok(files.length > 0);
  for (const f of files) assert.ok(looksLikeModelJson(readFileSync(join(dir, f), 'utf8')), f);
});

test('ordinary JSON files are not', () => {
  for (const f of ['package.json', 'tsconfig.json']) assert.equal(looksLikeModelJson(readFileSync(f, 'utf8')), false, f);
  assert.equal(looksLikeModelJson('{"class_name": "Dense"}'), false);
});
