import type { AttrValue, Dim, Model, Node, TensorData } from '../../ir/types';
import { ModelError } from '../../ir/types';
import { base64Utf8 } from '../../common/text';
import { items, prop, rangeOf, str, value, type JsonNode, type JsonValue } from '../json/tree';
import { toAttr } from '../keras/attrs';

/**
 * TF.js graph models (format 'graph-model'): modelTopology is a TensorFlow GraphDef in JSON
 * ({node: [{name, op, input, attr}]}). Drawn as is in domain 'tf' (no shape rules): Placeholders
 * become graph inputs, Const nodes that the weightsManifest holds become initializers.
 */

/** 'x:1' -> 'x:1', 'x' -> 'x', '^ctrl' -> undefined (control dependencies are not data). */
function tensorName(input: string): string | undefined {
  if (input.startsWith('^')) return undefined;
  return input.endsWith(':0') ? input.slice(0, -2) : input;
}

/** A TensorFlow AttrValue in JSON ({i: '3'}, {list: {i: [...]}}, {shape: {dim: [...]}}...) as a plain value. */
function attrOf(v: JsonValue): AttrValue {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return toAttr(v ?? null);
  if ('i' in v) return Number(v.i);
  if ('f' in v) return Number(v.f);
  if ('b' in v) return Boolean(v.b);
  if ('type' in v) return String(v.type);
  if ('s' in v && typeof v.s === 'string') return base64Utf8(v.s);
  if ('shape' in v) return shapeOf(v.shape as JsonValue)?.map((d) => (typeof d === 'number' ? d : -1)) ?? [];
  if ('list' in v && v.list && typeof v.list === 'object' && !Array.isArray(v.list)) {
    const l = v.list as Record<string, JsonValue>;
    if (Array.isArray(l.i)) return l.i.map(Number);
    if (Array.isArray(l.f)) return l.f.map(Number);
    if (Array.isArray(l.s)) return l.s.map((s) => base64Utf8(String(s)));
    return [];
  }
  return toAttr(v);
}

function shapeOf(v: JsonValue | undefined): Dim[] | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  if ((v as Record<string, JsonValue>).unknownRank) return null;
  const dims = (v as Record<string, JsonValue>).dim;
  if (!Array.isArray(dims)) return [];
  return dims.map((d, i) => {
    const size = Number((d as Record<string, JsonValue>)?.size ?? -1);
    return size >= 0 ? size : i === 0 ? 'N' : `d${i}`;
  });
}

export function graphModelFromTopology(topology: JsonNode, weights: Map<string, TensorData>, path?: string): Model {
  const list = prop(topology, 'node');
  if (!list || list.type !== 'array') throw new ModelError('a graph-model modelTopology needs a "node" list (a TensorFlow GraphDef)', path);
  const model: Model = {
    format: 'tfjs', producer: 'TensorFlow.js (graph model)', opsets: {}, metadata: {}, path, readWarnings: [],
    graph: { name: '', nodes: [], inputs: [], outputs: [], valueInfo: new Map(), initializers: new Map() },
  };
  const consumed = new Set<string>();
  const ids = new Set<string>();
  for (const n of items(list)) {
    const name = str(prop(n, 'name'));
    const op = str(prop(n, 'op'));
    if (!name || !op) throw new ModelError('every graph node needs a name and an op', path);
    const attrsJson = value(prop(n, 'attr'));
    const attributes: Record<string, AttrValue> = {};
    if (attrsJson && typeof attrsJson === 'object' && !Array.isArray(attrsJson)) {
      for (const [k, v] of Object.entries(attrsJson)) if (k !== 'value') attributes[k] = attrOf(v);
    }
    if (op === 'Placeholder') {
      const shape = attrsJson && typeof attrsJson === 'object' && !Array.isArray(attrsJson) ? shapeOf((attrsJson.shape as Record<string, JsonValue> | undefined)?.shape) : null;
      model.graph.inputs.push({ name, dtype: 'float32', shape, source: rangeOf(n) });
      continue;
    }
    if (op === 'Const' && weights.has(name)) {
      model.graph.initializers.set(name, weights.get(name)!);
      continue;
    }
    const inputs = items(prop(n, 'input')).map((i) => tensorName(str(i) ?? '')).filter((i): i is string => i !== undefined);
    inputs.forEach((i) => consumed.add(i));
    const node: Node = { id: name, name, opType: op, domain: 'tf', attributes, inputs, outputs: [name], scope: name.split('/').slice(0, -1), source: rangeOf(n) };
    ids.add(name);
    model.graph.nodes.push(node);
  }
  // Extra outputs ('x:1') referenced by consumers.
  for (const c of consumed) {
    const m = /^(.*):(\d+)$/.exec(c);
    if (!m || !ids.has(m[1])) continue;
    const node = model.graph.nodes.find((n) => n.id === m[1])!;
    while (node.outputs.length <= Number(m[2])) node.outputs.push(`${node.id}:${node.outputs.length}`);
  }
  for (const n of model.graph.nodes) {
    if (n.opType === 'Const' || n.opType === 'NoOp') continue;
    if (!consumed.has(n.outputs[0])) model.graph.outputs.push({ name: n.outputs[0], dtype: 'float32', shape: null });
  }
  return model;
}
