import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registeredOps } from '../../src/analysis/registry';
import '../../src/analysis/ops/index';

/** The README states what ConvLens supports; hold it to the code. */
const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

function listAfter(summary: RegExp): string[] {
  const m = new RegExp(summary.source + '[^\\n]*</summary>\\s*\\n\\s*\\n([^\\n]+)').exec(readme);
  assert.ok(m, `README has no list after ${summary}`);
  return m[1].split(', ').map((s) => s.trim());
}

test('the README lists exactly the ONNX operators that have a shape rule', () => {
  const ops = registeredOps('').sort();
  assert.deepEqual(listAfter(/Operators with a shape rule \(ONNX, /), ops);
  assert.ok(readme.includes(`(ONNX, ${ops.length})`) && readme.includes(`${ops.length} ONNX operators`));
});

test('the README lists exactly the com.microsoft operators that have a shape rule', () => {
  const ops = registeredOps('com.microsoft').sort();
  assert.deepEqual(listAfter(/Operators with a shape rule \(com\.microsoft, /), ops);
  assert.ok(readme.includes(`(com.microsoft, ${ops.length})`) && readme.includes(`${ops.length} com.microsoft quantised operators`));
});

test('the README lists exactly the Keras layer types that have a shape rule', () => {
  const ops = registeredOps('keras').sort();
  assert.deepEqual(listAfter(/Layer types with a shape rule \(Keras, TF\.js and ConvLens JSON, /), ops);
  assert.ok(readme.includes(`ConvLens JSON, ${ops.length})`) && readme.includes(`${ops.length} Keras layer types`));
});

test('every image and local link in the README exists', () => {
  for (const m of readme.matchAll(/\]\(((?!https?:)[^)#]+)\)/g)) assert.ok(existsSync(join(root, m[1])), m[1]);
});

test('every setting the README documents is contributed with that default', () => {
  const props = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).contributes.configuration.properties as Record<string, { default: unknown }>;
  const rows = [...readme.matchAll(/^\| `(convlens\.[\w.]+)` \| (`[^`]*`|empty) \|/gm)];
  assert.equal(rows.length, Object.keys(props).length);
  for (const [, key, def] of rows) {
    assert.ok(props[key], `${key} is not contributed`);
    const want = def === 'empty' ? '' : JSON.parse(def.slice(1, -1));
    assert.deepEqual(props[key].default, want, key);
  }
});
