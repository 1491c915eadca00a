/** GraphProto -> IR Graph (nodes, inputs, outputs, value_info, initializers; subgraphs recursively). */
import type { AttrType, AttrValue, Graph, Node, TensorData, ValueInfo } from '../../ir/types';
import { ModelError } from '../../ir/types';
import { scopeFromName } from '../../ir/scope';
import { convertAttribute } from './attributes';
import type { AttributeProto, GraphProto, NodeProto } from './schema';
import { AttributeProtoType } from './schema';
import type { DecodedNode } from './nodes';
import { convertSparseTensor, convertTensor, type TensorContext } from './tensor';
import { convertValueInfo } from './valueInfo';
import type { FileSlice } from './skeleton';

/** Quotes a name for a message: JSON-style (so newlines stay on one line), at most 80 characters. */
export function quote(name: string): string {
  const q = JSON.stringify(name.length > 80 ? `${name.slice(0, 77)}...` : name);
  return `'${q.slice(1, -1)}'`;
}

/**
 * Node ids: the node's name when it is non-empty and unique in the graph; otherwise
 * `${opType}_${index}` (index = position in the graph), with a suffix if even that is taken.
 */
function nodeIds(nodes: readonly { name: string; op_type: string }[]): string[] {
  const count = new Map<string, number>();
  for (const n of nodes) if (n.name) count.set(n.name, (count.get(n.name) ?? 0) + 1);
  // The set of taken ids is only built when some node needs a generated one (rare in large graphs).
  let taken: Set<string> | undefined;
  const ids = new Array<string>(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    if (n.name && count.get(n.name) === 1) { ids[i] = n.name; continue; }
    if (!taken) {
      taken = new Set<string>();
      for (const [name, c] of count) if (c === 1) taken.add(name);
      for (let k = 0; k < i; k++) taken.add(ids[k]);
    }
    let id = `${n.op_type || 'Node'}_${i}`;
    for (let k = 2; taken.has(id); k++) id = `${n.op_type || 'Node'}_${i}_${k}`;
    taken.add(id);
    ids[i] = id;
  }
  return ids;
}

/**
 * `skipped`: raw_data payloads left in the file by the skeleton reader, by initializer index (main graph only).
 * `decoded`: the graph's nodes as nodes.ts decoded them (main graph only; g.node is then empty), with
 * their byte ranges in the file, which become Node.source.
 */
export function convertGraph(g: GraphProto, ctx: TensorContext, where: string, skipped?: Map<number, FileSlice>, decoded?: DecodedNode[]): Graph {
  const initializers = new Map<string, TensorData>();
  for (let i = 0; i < g.initializer.length; i++) {
    const t = g.initializer[i];
    const w = `${where}initializer ${quote(t.name || `#${i}`)}`;
    if (!t.name) throw new ModelError('initializer has no name', w);
    initializers.set(t.name, convertTensor(t, ctx, w, skipped?.get(i)));
  }
  for (let i = 0; i < g.sparse_initializer.length; i++) {
    const s = g.sparse_initializer[i];
    const name = s.values?.name ?? '';
    const w = `${where}sparse initializer ${quote(name || `#${i}`)}`;
    if (!name) throw new ModelError('sparse initializer has no name', w);
    initializers.set(name, convertSparseTensor(s, ctx, w));
  }

  const inputs: ValueInfo[] = [];
  for (const v of g.input) {
    if (!initializers.has(v.name)) inputs.push(convertValueInfo(v, `${where}input`, ctx.warnings));
  }
  const outputs = g.output.map((v) => convertValueInfo(v, `${where}output`, ctx.warnings));
  const valueInfo = new Map<string, ValueInfo>();
  for (const v of g.value_info) valueInfo.set(v.name, convertValueInfo(v, `${where}value_info`, ctx.warnings));

  const protos: readonly (NodeProto | DecodedNode)[] = decoded ?? g.node;
  const ids = nodeIds(protos);
  const nodes = new Array<Node>(protos.length);
  for (let i = 0; i < protos.length; i++) nodes[i] = convertNode(protos[i], ids[i], ctx, where);

  const graph: Graph = { name: g.name, nodes, inputs, outputs, valueInfo, initializers };
  if (g.doc_string) graph.docString = g.doc_string;
  return graph;
}

function isDecoded(n: NodeProto | DecodedNode): n is DecodedNode {
  return (n as DecodedNode).length !== undefined;
}

function convertNode(n: NodeProto | DecodedNode, id: string, ctx: TensorContext, where: string): Node {
  const w = (): string => `${where}node ${quote(id)} (${n.op_type || 'no op_type'})`;
  if (!n.op_type) throw new ModelError('node has no op_type', w());
  const attributes: Record<string, AttrValue> = {};
  const attributeTypes: Record<string, AttrType> = {};
  let subgraphs: Record<string, Graph> | undefined;
  for (const item of n.attribute) {
    if (item.name !== undefined && 'value' in item) {
      // Plain attributes nodes.ts already converted.
      attributes[item.name] = item.value;
      attributeTypes[item.name] = item.type;
      continue;
    }
    const a: AttributeProto = 'raw' in item && item.raw ? item.proto ?? decodeAttribute(item.raw, w) : (item as AttributeProto);
    const aw = (): string => `${w()} attribute ${quote(a.name)}`;
    // Subgraph contents are named relative to their parent so messages say where they are.
    const { value, type } = convertAttribute(a, ctx, (sub, subWhere) => convertGraph(sub, ctx, `${subWhere}: `), aw);
    attributes[a.name] = value;
    if (type) attributeTypes[a.name] = type;
    if (type === 'graph') (subgraphs ??= {})[a.name] = value as Graph;
    else if (type === 'graphs') (value as Graph[]).forEach((sg, i) => ((subgraphs ??= {})[`${a.name}[${i}]`] = sg));
  }
  const domain = n.domain === 'ai.onnx' ? '' : n.domain;
  const scope = scopeFromName(n.name);
  // source is given in the literal, not added after: an added property costs each node a property array.
  const node: Node = isDecoded(n) && n.offset >= 0
    ? { id, name: n.name, opType: n.op_type, domain, attributes, attributeTypes, inputs: n.input, outputs: n.output, scope, source: { offset: n.offset, length: n.length } }
    : { id, name: n.name, opType: n.op_type, domain, attributes, attributeTypes, inputs: n.input, outputs: n.output, scope };
  if (subgraphs) node.subgraphs = subgraphs;
  if (n.doc_string) node.docString = n.doc_string;
  return node;
}

function decodeAttribute(raw: Uint8Array, where: () => string): AttributeProto {
  try {
    return AttributeProtoType.decode(raw) as unknown as AttributeProto;
  } catch (e) {
    throw new ModelError(`attribute cannot be decoded: ${e instanceof Error ? e.message : String(e)}`, where());
  }
}
