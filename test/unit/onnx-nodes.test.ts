/**
 * The direct NodeProto decoder (src/formats/onnx/nodes.ts): it must give the same IR nodes as
 * protobufjs + convertGraph on every ONNX file of the corpus, fall back to protobufjs on what it does
 * not handle, and record each top-level node's byte range in the file (Node.source), also when the
 * file is read as a skeleton.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { corpusRoot } from '../helpers/corpus';
import { resnet50File } from '../helpers/generate';
import { decodeModelProto } from '../../src/formats/onnx/decode';
import { convertGraph } from '../../src/formats/onnx/graph';
import { decodeGraphNodes, findGraph } from '../../src/formats/onnx/nodes';
import { readOnnx, readOnnxFile } from '../../src/formats/onnx/reader';
import { ModelProtoType, type NodeProto } from '../../src/formats/onnx/schema';
import { encodeModel } from '../../src/formats/onnx/writer';
import * as protobuf from 'protobufjs';
import type { Model, Node } from '../../src/ir/types';

function onnxFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...onnxFiles(p));
    else if (e.endsWith('.onnx')) out.push(p);
  }
  return out.sort();
}

/** The nodes as protobufjs decodes them, through the same conversion. */
function protobufjsNodes(bytes: Uint8Array): Node[] {
  const proto = decodeModelProto(bytes, 'x');
  return convertGraph(proto.graph!, { warnings: [] }, 'x: ').nodes;
}

/** Node fields without source and without subgraph/tensor objects (compared by their content below). */
function plain(n: Node): unknown {
  const { source: _source, subgraphs, attributes, ...rest } = n;
  const attrs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attributes)) {
    attrs[k] = v !== null && typeof v === 'object' && !Array.isArray(v) && 'values' in v && typeof v.values === 'function'
      ? { dims: (v as { dims: number[] }).dims, values: Array.from((v as { values(): ArrayLike<number> }).values()) }
      : v !== null && typeof v === 'object' && !Array.isArray(v) && 'nodes' in v ? `graph with ${(v as { nodes: unknown[] }).nodes.length} nodes` : v;
  }
  return { ...rest, attributes: attrs, subgraphs: subgraphs ? Object.keys(subgraphs) : undefined };
}

const NodeProtoType = protobuf.Root.fromJSON(ModelProtoType.root.toJSON()).lookupType('onnx.NodeProto');

function checkSource(fileBytes: Uint8Array, n: Node): void {
  assert.ok(n.source, `${n.id} has a source range`);
  const { offset, length } = n.source!;
  const proto = NodeProtoType.decode(fileBytes.subarray(offset, offset + length)) as unknown as NodeProto;
  assert.equal(proto.op_type, n.opType, `${n.id}: bytes ${offset}..${offset + length} hold its NodeProto`);
  assert.equal(proto.name, n.name);
  assert.deepEqual(proto.input, n.inputs);
  assert.deepEqual(proto.output, n.outputs);
}

test('every corpus ONNX file: the direct decoder gives the nodes protobufjs gives, each with its byte range', () => {
  const files = onnxFiles(join(corpusRoot, 'onnx-backend')).concat(onnxFiles(join(corpusRoot, 'real')));
  assert.ok(files.length > 100, `corpus has ${files.length} ONNX files`);
  let nodes = 0;
  for (const f of files) {
    const bytes = readFileSync(f);
    const g = findGraph(bytes);
    assert.ok(g, `${f}: graph found`);
    // The direct path was taken (it throws rather than falling back when called alone).
    assert.equal(decodeGraphNodes(bytes, g!.start, g!.end).length, protobufjsNodes(bytes).length, f);
    const model = readOnnx(bytes, { path: f });
    const expected = protobufjsNodes(bytes);
    assert.deepEqual(model.graph.nodes.map(plain), expected.map(plain), f);
    for (const n of model.graph.nodes) checkSource(bytes, n);
    // Subgraph nodes are not given ranges (their bytes are decoded by protobufjs).
    for (const n of model.graph.nodes) for (const sg of Object.values(n.subgraphs ?? {})) for (const s of sg.nodes) assert.equal(s.source, undefined);
    nodes += model.graph.nodes.length;
  }
  assert.ok(nodes > 1000, `${nodes} nodes compared`);
});

test('int64 attributes (negative, beyond 2^32) and float lists decode as protobufjs decodes them', () => {
  const model: Model = {
    format: 'onnx', producer: 'test', opsets: { '': 13 }, metadata: {}, readWarnings: [],
    graph: {
      name: 'g', valueInfo: new Map(), initializers: new Map(),
      inputs: [{ name: 'x', dtype: 'float32', shape: [1, 3, 8, 8] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: null }],
      nodes: [{
        id: 'n', name: 'n', opType: 'Custom', domain: 'test.domain', inputs: ['x', ''], outputs: ['y'], scope: [],
        attributes: { big: [-1, -2, 2 ** 40, -(2 ** 40), 2 ** 53 - 1, 0], one: -7, f: 0.1, fs: [1e-5, -2.5, 3], s: 'héllo', ss: ['a', 'b'] },
        attributeTypes: { big: 'ints', one: 'int', f: 'float', fs: 'floats', s: 'string', ss: 'strings' },
      }],
    },
  };
  const bytes = encodeModel(model);
  const read = readOnnx(bytes);
  assert.deepEqual(read.graph.nodes.map(plain), protobufjsNodes(bytes).map(plain));
  assert.deepEqual(read.graph.nodes[0].attributes.big, [-1, -2, 2 ** 40, -(2 ** 40), 2 ** 53 - 1, 0]);
  assert.equal(read.graph.nodes[0].attributes.one, -7);
  assert.deepEqual(read.graph.nodes[0].attributes.fs, [1e-5, -2.5, 3]);
  assert.equal(read.graph.nodes[0].attributes.s, 'héllo');
  assert.equal(read.graph.nodes[0].domain, 'test.domain');
  assert.deepEqual(read.graph.nodes[0].inputs, ['x', '']);
  checkSource(bytes, read.graph.nodes[0]);
});

test('invalid UTF-8 in a node name falls back to protobufjs, which refuses it with the byte', () => {
  const model: Model = {
    format: 'onnx', producer: 'test', opsets: { '': 13 }, metadata: {}, readWarnings: [],
    graph: {
      name: 'g', valueInfo: new Map(), initializers: new Map(),
      inputs: [{ name: 'x', dtype: 'float32', shape: [1] }], outputs: [{ name: 'y', dtype: 'float32', shape: [1] }],
      nodes: [{ id: 'ZZZZ', name: 'ZZZZ', opType: 'Relu', domain: '', inputs: ['x'], outputs: ['y'], scope: [], attributes: {} }],
    },
  };
  const bytes = Buffer.from(encodeModel(model));
  const at = bytes.indexOf('ZZZZ');
  bytes[at + 1] = 0xff; // not UTF-8
  assert.throws(() => readOnnx(bytes), /protobuf decoding failed at byte \d+/);
});

test('skeleton read (generated ResNet-50, ~100 MB): node ranges are offsets in the file, not in the skeleton', () => {
  const path = resnet50File();
  const model = readOnnxFile(path);
  const file = readFileSync(path);
  assert.equal(model.graph.nodes.length, 175);
  for (const n of model.graph.nodes) checkSource(file, n);
  // And they are the ranges the whole-file read gives.
  const whole = readOnnx(file, { path });
  assert.deepEqual(model.graph.nodes.map((n) => n.source), whole.graph.nodes.map((n) => n.source));
});
