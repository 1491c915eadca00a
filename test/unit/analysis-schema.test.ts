/**
 * The ONNX operator metadata (src/analysis/schema.ts, generated from ONNX's own schemas) against the
 * rules and against ONNX's own test models: every rule's op has a schema, every attribute a rule
 * reads exists in that op's schema, ONNX's backend test models (valid by construction) raise no
 * attribute warning, and a node with a required attribute missing, an unknown attribute or a value
 * the schema does not allow gets a one-line message naming the node and the attribute.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AttrValue, Model, Node } from '../../src/ir/types';
import { analyze } from '../../src/analysis/analyze';
import { makeContext } from '../../src/analysis/context';
import { registeredOps } from '../../src/analysis/registry';
import { opSchema, opVersions, schemaDefault } from '../../src/analysis/schema';
import { readOnnxFile } from '../../src/formats/onnx/reader';
import { corpus } from '../helpers/corpus';
import '../../src/analysis/ops/index';

const DEBIAN = '/usr/share/libonnx-testdata/data/node';

/** ONNX's node test models: Debian's libonnx-testdata (onnx 1.12) and the shared corpus (newer opsets). */
function backendModels(): string[] {
  const roots = [corpus('onnx-backend', 'node'), ...(existsSync(DEBIAN) ? [DEBIAN] : [])];
  return roots.flatMap((r) => readdirSync(r).map((f) => join(r, f, 'model.onnx')).filter((p) => existsSync(p)));
}

test('every ONNX op with a shape rule has a schema', () => {
  assert.deepEqual(registeredOps('').filter((op) => opVersions(op).length === 0), []);
});

test('every attribute a rule reads exists in its op schema, and ONNX test models raise no attribute warning', () => {
  const host = { warn: () => undefined };
  const proto = Object.getPrototypeOf(makeContext({ id: '', name: '', opType: '', domain: '', attributes: {}, inputs: [], outputs: [], scope: [] }, 0, [], host));
  const reads = new Map<string, Set<string>>();
  const originals: Record<string, (this: { node: Node }, name: string, ...rest: unknown[]) => unknown> = {};
  for (const m of ['attr', 'int', 'ints', 'float', 'str', 'tensorAttr']) {
    originals[m] = proto[m];
    proto[m] = function (this: { node: Node }, name: string, ...rest: unknown[]) {
      if (this.node.domain === '') {
        const s = reads.get(this.node.opType) ?? new Set<string>();
        s.add(name);
        reads.set(this.node.opType, s);
      }
      return originals[m].call(this, name, ...rest);
    };
  }
  const files = backendModels();
  const warnings: string[] = [];
  try {
    for (const f of files) {
      let model: Model;
      try {
        model = readOnnxFile(f);
      } catch {
        continue; // a few Debian test models use types the reader refuses; reading is tested elsewhere
      }
      for (const w of analyze(model).warnings) if (w.kind === 'invalid-attribute') warnings.push(`${f}: ${w.message}`);
    }
  } finally {
    for (const m of Object.keys(originals)) proto[m] = originals[m];
  }
  assert.ok(files.length > 80, `only ${files.length} test models`);
  assert.ok(reads.size > 40, `rules read attributes of only ${reads.size} ops`);
  const unknown: string[] = [];
  for (const [op, names] of reads) {
    for (const name of names) if (!opVersions(op).some((v) => v.attrs[name])) unknown.push(`${op}.${name}`);
  }
  assert.deepEqual(unknown, [], 'attributes read by rules that no version of the op defines');
  assert.deepEqual(warnings, []);
});

test('defaults come from the schema of the node opset, newer attributes default as their first version says', () => {
  const n = (opType: string, attributes: Record<string, AttrValue> = {}): Node => ({ id: 'n', name: 'n', opType, domain: '', attributes, inputs: [], outputs: [], scope: [] });
  assert.equal(schemaDefault(n('LeakyRelu'), 16, 'alpha'), 0.01);
  assert.equal(schemaDefault(n('Shape'), 13, 'start'), 0);
  assert.equal(schemaDefault(n('Split'), 18, 'axis'), 0);
  assert.equal(opSchema('', 'Split', 18)?.since, 18);
  assert.deepEqual(opSchema('', 'Split', 18)?.inputs, ['input', 'split?']);
  assert.equal(opSchema('', 'ReduceMean', 17)?.attrs.axes?.t, 'ints');
  assert.equal(opSchema('', 'ReduceMean', 18)?.attrs.axes, undefined);
  assert.deepEqual(opSchema('', 'Pad', 19)?.attrs.mode?.v, ['constant', 'reflect', 'edge', 'wrap']);
  assert.equal(opSchema('', 'Conv', 11)?.attrs.auto_pad?.d, 'NOTSET');
  assert.equal(opSchema('com.microsoft', 'QLinearAdd', 1), undefined);
});

function oneNode(opType: string, attributes: Record<string, AttrValue>, opset: number): Model {
  return {
    format: 'onnx', producer: 'test', opsets: { '': opset }, metadata: {}, readWarnings: [],
    graph: {
      name: 'g', valueInfo: new Map(), initializers: new Map(), outputs: [],
      inputs: [{ name: 'x', dtype: 'float32', shape: [1, 3, 8, 8] }, { name: 's', dtype: 'int64', shape: [1] }],
      nodes: [{ id: 'bad', name: 'bad', opType, domain: '', attributes, inputs: ['x', 's'], outputs: ['y'], scope: [] }],
    },
  };
}

const attributeWarnings = (m: Model) => analyze(m).warnings.filter((w) => w.kind === 'invalid-attribute').map((w) => `${w.node}: ${w.message}`);

test('a required attribute missing, an unknown attribute and a value outside the allowed ones each get one line', () => {
  assert.deepEqual(attributeWarnings(oneNode('BitShift', {}, 13)), ["bad: BitShift node 'bad': required attribute 'direction' is missing (BitShift-11)"]);
  assert.deepEqual(attributeWarnings(oneNode('Pad', { mode: 'mirror' }, 13)), ["bad: Pad node 'bad': attribute 'mode' is 'mirror'; Pad-13 allows 'constant', 'reflect', 'edge'"]);
  assert.deepEqual(attributeWarnings(oneNode('Pad', { mode: 'wrap' }, 19)), []);
  assert.deepEqual(attributeWarnings(oneNode('Gather', { axes: 1 }, 13)), ["bad: Gather node 'bad': attribute 'axes' is not defined for Gather-13 (it has axis)"]);
  assert.deepEqual(attributeWarnings(oneNode('Shape', { start: 1 }, 13)), ["bad: Shape node 'bad': attribute 'start' is not defined for Shape-13 (it has no attributes)"]);
  for (const m of [oneNode('BitShift', {}, 13), oneNode('Gather', { axes: 1 }, 13)]) {
    for (const w of attributeWarnings(m)) assert.ok(!w.includes('\n'));
  }
});
