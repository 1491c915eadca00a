/**
 * IR -> ONNX bytes (lowering Keras/TF.js models for inference, round-trip tests, generated models),
 * and exposing intermediate tensors of an ONNX file as extra graph outputs (inference capture).
 */
import type { AttrType, AttrValue, Dim, Graph, Model, Node, TensorData, ValueInfo } from '../../ir/types';
import { ModelError } from '../../ir/types';
import { onnxFromDtype } from './dtypes';
import { decodeModelProto } from './decode';
import { quote } from './graph';
import * as protobuf from 'protobufjs';
import { AttrKind, ModelProtoType } from './schema';

// The writer builds plain objects shaped like the messages; protobufjs encodes plain objects.
type Msg = Record<string, unknown>;

const KIND: Record<AttrType, number> = {
  float: AttrKind.FLOAT, int: AttrKind.INT, string: AttrKind.STRING, tensor: AttrKind.TENSOR, graph: AttrKind.GRAPH,
  sparse_tensor: AttrKind.SPARSE_TENSOR, type_proto: AttrKind.TYPE_PROTO, floats: AttrKind.FLOATS, ints: AttrKind.INTS,
  strings: AttrKind.STRINGS, tensors: AttrKind.TENSORS, graphs: AttrKind.GRAPHS, sparse_tensors: AttrKind.SPARSE_TENSORS,
  type_protos: AttrKind.TYPE_PROTOS,
};

/** Attributes ONNX defines as float even when their value happens to be whole (alpha=1.0). Used
 * only when a node carries no attributeTypes (nodes built by hand or lowered from Keras). */
const FLOAT_ATTRS = new Set([
  'alpha', 'beta', 'gamma', 'epsilon', 'momentum', 'bias', 'lambd', 'scale', 'ratio', 'spatial_scale',
  'value_float', 'value_floats', 'threshold', 'fmod_float', 'extrapolation_value', 'cubic_coeff_a', 'seed',
  'mean', 'low', 'high', 'min', 'max', 'scales', 'coefficients', 'clip', 'activation_alpha', 'activation_beta',
]);

/** A JS number as an int64 field value. Numbers at or beyond ±2^63 (INT64_MAX read as a double is
 * exactly 2^63, e.g. Slice's "to the end") are clamped to the int64 range, so they write back as
 * INT64_MAX/MIN instead of wrapping around to the other sign. */
function int64(v: number): number | protobuf.Long {
  if (Number.isSafeInteger(v)) return v;
  const LongCtor = protobuf.util.Long as unknown as { fromNumber(n: number): protobuf.Long } | undefined;
  return LongCtor ? LongCtor.fromNumber(v) : v;
}

function isTensor(v: unknown): v is TensorData {
  return typeof v === 'object' && v !== null && typeof (v as TensorData).bytes === 'function' && 'dtype' in v;
}
function isGraph(v: unknown): v is Graph {
  return typeof v === 'object' && v !== null && Array.isArray((v as Graph).nodes) && (v as Graph).initializers instanceof Map;
}

function inferAttrType(name: string, v: AttrValue, where: string): AttrType {
  if (typeof v === 'boolean') return 'int';
  if (typeof v === 'number') return FLOAT_ATTRS.has(name) || !Number.isInteger(v) ? 'float' : 'int';
  if (typeof v === 'string') return 'string';
  if (isTensor(v)) return 'tensor';
  if (isGraph(v)) return 'graph';
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'number')) return FLOAT_ATTRS.has(name) || !v.every((x) => Number.isInteger(x)) ? 'floats' : 'ints';
    if (v.every((x) => typeof x === 'string')) return 'strings';
    if (v.every(isTensor)) return 'tensors';
    if (v.every(isGraph)) return 'graphs';
  }
  throw new ModelError('attribute value cannot be stored in ONNX (nested object or mixed list)', where);
}

export function tensorProto(t: TensorData, name = t.name): Msg {
  const m: Msg = { name, dims: t.dims, data_type: onnxFromDtype(t.dtype) };
  if (t.missing) return m;
  if (t.dtype === 'string') {
    m.string_data = (t.strings?.() ?? []).map((s) => Buffer.from(s, 'utf8'));
    return m;
  }
  // External data is inlined: the result must run without the original folder beside it.
  m.raw_data = t.bytes();
  return m;
}

/** Parses a typeName such as 'seq(tensor(float32))' or 'map(int64,tensor(float32))' back into a TypeProto. */
function typeFromName(name: string, shape: ValueInfo['shape']): Msg {
  const m = /^(\w+)\((.*)\)$/.exec(name);
  if (!m) return {};
  const [, kind, inner] = m;
  if (kind === 'tensor' || kind === 'sparse_tensor') {
    const t: Msg = { elem_type: onnxFromDtype(inner as ValueInfo['dtype']) };
    if (shape) t.shape = shapeProto(shape);
    return { [kind === 'tensor' ? 'tensor_type' : 'sparse_tensor_type']: t };
  }
  if (kind === 'seq') return { sequence_type: { elem_type: typeFromName(inner, shape) } };
  if (kind === 'optional') return { optional_type: { elem_type: typeFromName(inner, shape) } };
  if (kind === 'map') {
    const comma = inner.indexOf(',');
    return { map_type: { key_type: onnxFromDtype(inner.slice(0, comma) as ValueInfo['dtype']), value_type: typeFromName(inner.slice(comma + 1), shape) } };
  }
  return {};
}

function shapeProto(shape: Dim[]): Msg {
  return { dim: shape.map((d) => (typeof d === 'number' ? { dim_value: d } : d === '?' || d === '' ? {} : { dim_param: d })) };
}

export function valueInfoProto(v: ValueInfo): Msg {
  const m: Msg = { name: v.name };
  if (v.typeName) m.type = typeFromName(v.typeName, v.shape);
  else if (v.dtype !== 'undefined' || v.shape) {
    const t: Msg = { elem_type: onnxFromDtype(v.dtype) };
    if (v.shape) t.shape = shapeProto(v.shape);
    m.type = { tensor_type: t };
  }
  if (v.docString) m.doc_string = v.docString;
  return m;
}

function attributeProto(name: string, v: AttrValue, type: AttrType, where: string, ctx: WriteContext): Msg {
  const a: Msg = { name, type: KIND[type] };
  const list = (x: AttrValue): AttrValue[] => (Array.isArray(x) ? x : [x]);
  switch (type) {
    case 'float': a.f = Number(v); break;
    case 'int': a.i = int64(Number(v)); break;
    case 'string': a.s = Buffer.from(String(v), 'utf8'); break;
    case 'floats': a.floats = list(v).map(Number); break;
    case 'ints': a.ints = list(v).map((x) => int64(Number(x))); break;
    case 'strings': a.strings = list(v).map((s) => Buffer.from(String(s), 'utf8')); break;
    case 'tensor': case 'sparse_tensor':
      // Sparse tensors were densified on read; they are written back dense.
      a.type = AttrKind.TENSOR;
      a.t = tensorProto(v as TensorData);
      break;
    case 'tensors': case 'sparse_tensors': a.type = AttrKind.TENSORS; a.tensors = list(v).map((t) => tensorProto(t as TensorData)); break;
    case 'graph': a.g = graphProto(v as Graph, `${where}: `, ctx); break;
    case 'graphs': a.graphs = list(v).map((g, i) => graphProto(g as Graph, `${where}[${i}]: `, ctx)); break;
    case 'type_proto': a.tp = typeFromName(String(v), null); break;
    case 'type_protos': a.type_protos = list(v).map((s) => typeFromName(String(s), null)); break;
  }
  return a;
}

function nodeProto(n: Node, where: string, ctx: WriteContext): Msg {
  const w = `${where}node ${quote(n.id)} (${n.opType})`;
  const attribute: Msg[] = [];
  for (const [name, value] of Object.entries(n.attributes)) {
    if (value === null || value === undefined) continue;
    const aw = `${w} attribute ${quote(name)}`;
    if (typeof value === 'object' && !Array.isArray(value) && !isTensor(value) && !isGraph(value) && 'ref_attr_name' in value) {
      attribute.push({ name, ref_attr_name: String(value.ref_attr_name), type: KIND[n.attributeTypes?.[name] ?? 'int'] });
      continue;
    }
    attribute.push(attributeProto(name, value, n.attributeTypes?.[name] ?? inferAttrType(name, value, aw), aw, ctx));
  }
  const m: Msg = { input: n.inputs, output: n.outputs, name: n.name, op_type: n.opType, attribute };
  if (n.domain) m.domain = n.domain;
  if (n.docString) m.doc_string = n.docString;
  return m;
}

interface WriteContext {
  /** IR versions before 4 require every initializer to be listed as a graph input too (IR.md). */
  initializersAsInputs: boolean;
}

function graphProto(g: Graph, where: string, ctx: WriteContext): Msg {
  const input = g.inputs.map(valueInfoProto);
  if (ctx.initializersAsInputs) {
    for (const [name, t] of g.initializers) input.push(valueInfoProto({ name, dtype: t.dtype, shape: t.dims }));
  }
  const m: Msg = {
    node: g.nodes.map((n) => nodeProto(n, where, ctx)),
    name: g.name,
    initializer: [...g.initializers.entries()].map(([name, t]) => tensorProto(t, name)),
    input,
    output: g.outputs.map(valueInfoProto),
    value_info: [...g.valueInfo.values()].map(valueInfoProto),
  };
  if (g.docString) m.doc_string = g.docString;
  return m;
}

/** The IR version ONNX pairs with an ai.onnx opset (onnx/docs/Versioning.md), for models without one. */
function irVersionForOpset(opset: number): number {
  const table: [number, number][] = [[8, 3], [9, 4], [10, 5], [11, 6], [14, 7], [18, 8], [20, 9], [22, 10], [23, 11]];
  for (const [maxOpset, ir] of table) if (opset <= maxOpset) return ir;
  return 12;
}

export function encodeModel(model: Model): Uint8Array {
  const opsetImport = Object.entries(model.opsets).map(([domain, version]) => ({ domain, version }));
  const irVersion = model.irVersion ?? irVersionForOpset(model.opsets[''] ?? 13);
  const graph = graphProto(model.graph, '', { initializersAsInputs: irVersion < 4 });
  const proto: Msg = {
    ir_version: irVersion,
    opset_import: opsetImport,
    producer_name: model.producer,
    graph,
    metadata_props: Object.entries(model.metadata).map(([key, value]) => ({ key, value })),
  };
  if (model.producerVersion) proto.producer_version = model.producerVersion;
  if (model.docString) proto.doc_string = model.docString;
  return ModelProtoType.encode(proto).finish();
}

/**
 * Adds `tensorNames` as outputs of the main graph, so a runtime returns those intermediate tensors.
 *
 * The original bytes are kept as they are and a second GraphProto holding only the new outputs is
 * appended as another ModelProto.graph field: protobuf merges repeated occurrences of a message field
 * (repeated fields are concatenated), so every parser sees the union. This costs one copy of the file
 * and no re-encoding of the weights. The new outputs carry elem_type and shape where the graph
 * declares them (value_info); otherwise they carry no type, which ONNX Runtime accepts and infers.
 */
export function withExtraOutputs(bytes: Uint8Array, tensorNames: string[]): Uint8Array {
  const proto = decodeModelProto(bytes, 'model');
  const g = proto.graph;
  if (!g) throw new ModelError('not an ONNX model: no graph');
  const existing = new Set(g.output.map((o) => o.name));
  const known = new Map<string, Msg | null>();
  for (const v of [...g.value_info, ...g.input]) known.set(v.name, v.type ? { name: v.name, type: v.type } : null);
  for (const n of g.node) for (const o of n.output) if (o && !known.has(o)) known.set(o, null);
  const outputs: Msg[] = [];
  for (const name of new Set(tensorNames)) {
    if (existing.has(name)) continue;
    if (!known.has(name)) throw new ModelError(`no tensor named ${quote(name)} is produced in the main graph`, 'withExtraOutputs');
    outputs.push(known.get(name) ?? { name });
  }
  if (outputs.length === 0) return bytes;
  const tail = ModelProtoType.encode({ graph: { output: outputs } }).finish();
  const out = new Uint8Array(bytes.byteLength + tail.byteLength);
  out.set(bytes, 0);
  out.set(tail, bytes.byteLength);
  return out;
}
