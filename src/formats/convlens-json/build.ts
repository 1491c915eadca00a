import type { AttrValue, Dim, Model, Node } from '../../ir/types';
import { toAttr } from '../keras/attrs';
import { irDType } from '../keras/attrs';
import { items, keys, num, prop, propNode, rangeOf, str, value, type JsonNode } from '../json/tree';
import type { JsonProblem } from '../json/problems';
import { canonicalType, closestType } from './layerTypes';

/**
 * ConvLens JSON -> IR (domain 'keras'). The format (docs/convlens-json.md):
 *   { "input": [H, W, C] | {"name", "shape"}, "inputs": [{"name", "shape"}...],
 *     "layers": [{ "type": "Conv2D", "name"?: "c1", "inputs"?: ["a", "b"], ...Keras attributes }],
 *     "outputs"?: ["name"...] }
 * Layers take the previous layer as input unless they name `inputs`. Building never throws:
 * every problem is reported at its JSON range and the rest of the model is still built.
 */

/** A string that names a layer or input (in `inputs` or `outputs`), for go-to-definition. */
export interface NameRef {
  name: string;
  at: JsonNode;
}

export interface ConvLensBuild {
  model: Model;
  problems: JsonProblem[];
  refs: NameRef[];
  /** Where each layer or input name is defined (its `name` value, else the layer object). */
  definitions: Map<string, JsonNode>;
}

const RESERVED = new Set(['type', 'name', 'inputs', 'comment', 'description', '//']);

interface Entry {
  node: Node;
  at: JsonNode;
  inputRefs: NameRef[] | null;
}

export function buildConvLens(root: JsonNode, path?: string): ConvLensBuild {
  const problems: JsonProblem[] = [];
  const refs: NameRef[] = [];
  const definitions = new Map<string, JsonNode>();
  const err = (message: string, at: JsonNode, node?: string): void => {
    problems.push({ severity: 'error', message, range: rangeOf(at), node });
  };
  const model: Model = {
    format: 'convlens', producer: 'ConvLens JSON', opsets: {}, metadata: {}, path, readWarnings: [],
    graph: { name: str(prop(root, 'name')) ?? '', nodes: [], inputs: [], outputs: [], valueInfo: new Map(), initializers: new Map() },
  };
  if (root.type !== 'object') {
    err(`a ConvLens model is a JSON object with "input" and "layers", found ${root.type}`, root);
    return { model, problems, refs, definitions };
  }
  const desc = str(prop(root, 'description'));
  if (desc) model.docString = desc;
  const dtype = irDType(str(prop(root, 'dtype')));
  const batch = prop(root, 'batch');
  const batchDim: Dim = num(batch) ?? 'N';

  // Inputs.
  const inputSpecs: { name: string; shape: JsonNode | undefined; at: JsonNode; nameAt?: JsonNode }[] = [];
  const single = prop(root, 'input');
  const many = prop(root, 'inputs');
  if (single) {
    if (single.type === 'array') inputSpecs.push({ name: 'input', shape: single, at: single });
    else if (single.type === 'object') inputSpecs.push({ name: str(prop(single, 'name')) ?? 'input', shape: prop(single, 'shape'), at: single, nameAt: prop(single, 'name') });
    else err('"input" should be a shape such as [224, 224, 3] or {"name": "image", "shape": [224, 224, 3]}', single);
  }
  if (many) {
    if (many.type !== 'array') err('"inputs" should be a list of {"name", "shape"}', many);
    for (const i of items(many)) {
      const name = str(prop(i, 'name'));
      if (!name) err('each model input needs a "name"', i);
      inputSpecs.push({ name: name ?? `input${inputSpecs.length}`, shape: prop(i, 'shape'), at: i, nameAt: prop(i, 'name') });
    }
  }
  if (inputSpecs.length === 0) err('the model needs an "input" shape (without the batch axis), e.g. "input": [224, 224, 3]', propNode(root, 'layers') ?? root);
  for (const s of inputSpecs) {
    const dims = items(s.shape).map((d) => (d.type === 'number' && Number.isInteger(d.value) && (d.value as number) > 0 ? (d.value as number) : d.type === 'string' ? String(d.value) : null));
    if (!s.shape || s.shape.type !== 'array' || dims.some((d) => d === null)) {
      err(`input '${s.name}' needs "shape": a list of positive integers without the batch axis, e.g. [224, 224, 3]`, s.shape ?? s.at);
    }
    if (definitions.has(s.name)) err(`the name '${s.name}' is used twice`, s.nameAt ?? s.at);
    definitions.set(s.name, s.nameAt ?? s.at);
    model.graph.inputs.push({ name: s.name, dtype, shape: s.shape?.type === 'array' && !dims.some((d) => d === null) ? [batchDim, ...(dims as Dim[])] : null, source: rangeOf(s.at) });
  }

  // Layers.
  const layerList = prop(root, 'layers');
  if (!layerList || layerList.type !== 'array') {
    err('the model needs "layers": a list of layer objects', layerList ?? root);
    return { model, problems, refs, definitions };
  }
  const entries: Entry[] = [];
  const usedIds = new Set(model.graph.inputs.map((i) => i.name));
  let previous: string | undefined = model.graph.inputs[0]?.name;
  for (const [index, l] of items(layerList).entries()) {
    if (l.type !== 'object') {
      err(`layer ${index} should be an object such as {"type": "Conv2D", "filters": 64, "kernel_size": 3}, found ${l.type}`, l);
      continue;
    }
    const typeNode = prop(l, 'type');
    const written = str(typeNode);
    let opType = written ?? '';
    if (!written) err(`layer ${index} needs a "type" (a Keras layer class such as "Conv2D")`, typeNode ?? l);
    else {
      const canon = canonicalType(written);
      if (canon) opType = canon;
      else {
        const near = closestType(written);
        problems.push({ severity: 'warning', message: `unknown layer type '${written}'${near ? ` (did you mean '${near}'?)` : ''}; it is drawn but not analysed`, range: rangeOf(typeNode!) });
      }
    }
    const nameNode = prop(l, 'name');
    if (nameNode && nameNode.type !== 'string') err('"name" should be a string', nameNode);
    let name = str(nameNode) ?? '';
    if (name && definitions.has(name)) err(`the name '${name}' is already used; names must be unique`, nameNode!);
    let id = name || `${(opType || 'layer').toLowerCase()}_${index}`;
    for (let k = 2; usedIds.has(id); k++) id = `${name || (opType || 'layer').toLowerCase()}_${index}#${k}`;
    usedIds.add(id);
    if (!name) name = id;
    if (!definitions.has(name)) definitions.set(name, nameNode ?? l);

    const attributes: Record<string, AttrValue> = {};
    for (const k of keys(l)) {
      if (RESERVED.has(k)) continue;
      const v = value(prop(l, k));
      if (v !== undefined) attributes[k] = toAttr(v);
    }
    let inputRefs: NameRef[] | null = null;
    const insNode = prop(l, 'inputs');
    if (insNode) {
      inputRefs = [];
      const list = insNode.type === 'string' ? [insNode] : insNode.type === 'array' ? items(insNode) : [];
      if (insNode.type !== 'string' && insNode.type !== 'array') err('"inputs" should be a list of layer names', insNode);
      for (const r of list) {
        const n = str(r);
        if (n === undefined) err('each entry of "inputs" should be a layer name (a string)', r);
        else inputRefs.push({ name: n, at: r });
      }
      refs.push(...inputRefs);
    }
    const node: Node = {
      id, name, opType: opType || 'Unknown', domain: 'keras', attributes,
      inputs: inputRefs ? [] : previous ? [previous] : [], outputs: [id], scope: [], source: rangeOf(l),
    };
    if (!inputRefs && !previous) err(`layer '${name}' has no input: give the model an "input" shape`, l, id);
    entries.push({ node, at: l, inputRefs });
    previous = id;
  }

  // Resolve names to tensors (a layer's output tensor is its id).
  const tensorOf = new Map<string, string>();
  for (const i of model.graph.inputs) tensorOf.set(i.name, i.name);
  for (const e of entries) tensorOf.set(e.node.name, e.node.id);
  for (const e of entries) {
    if (!e.inputRefs) continue;
    for (const r of e.inputRefs) {
      const t = tensorOf.get(r.name);
      if (t === undefined) err(`'${r.name}' is not the name of a layer or input`, r.at, e.node.id);
      else if (t === e.node.id) err(`layer '${e.node.name}' reads its own output`, r.at, e.node.id);
      else e.node.inputs.push(t);
    }
  }
  cycles(entries, err);
  model.graph.nodes = entries.map((e) => e.node);

  // Outputs.
  const outs = prop(root, 'outputs');
  const outNames: { name: string; at?: JsonNode }[] = [];
  if (outs) {
    const list = outs.type === 'string' ? [outs] : items(outs);
    for (const o of list) {
      const n = str(o);
      if (n === undefined) err('each entry of "outputs" should be a layer name', o);
      else {
        outNames.push({ name: n, at: o });
        refs.push({ name: n, at: o });
      }
    }
  } else if (entries.length) {
    outNames.push({ name: entries[entries.length - 1].node.name });
  }
  for (const o of outNames) {
    const t = tensorOf.get(o.name);
    if (t === undefined) err(`output '${o.name}' is not the name of a layer`, o.at ?? root);
    else model.graph.outputs.push({ name: t, dtype, shape: null });
  }
  return { model, problems, refs, definitions };
}

/** Reports each cycle once, at the layers on it (Kahn's algorithm; what remains is cyclic). */
function cycles(entries: Entry[], err: (m: string, at: JsonNode, node?: string) => void): void {
  const byId = new Map(entries.map((e) => [e.node.id, e]));
  const indeg = new Map<string, number>();
  const users = new Map<string, string[]>();
  for (const e of entries) {
    const deps = e.node.inputs.filter((t) => byId.has(t));
    indeg.set(e.node.id, deps.length);
    for (const d of deps) users.set(d, [...(users.get(d) ?? []), e.node.id]);
  }
  const queue = [...indeg].filter(([, n]) => n === 0).map(([id]) => id);
  while (queue.length) {
    const id = queue.pop()!;
    for (const u of users.get(id) ?? []) {
      const n = indeg.get(u)! - 1;
      indeg.set(u, n);
      if (n === 0) queue.push(u);
    }
  }
  const left = new Set([...indeg].filter(([, n]) => n > 0).map(([id]) => id));
  // Layers downstream of a cycle are stuck too but not on it: peel off those nothing stuck reads.
  for (let peeled = true; peeled; ) {
    peeled = false;
    for (const id of left) {
      if (!(users.get(id) ?? []).some((u) => left.has(u))) {
        left.delete(id);
        peeled = true;
      }
    }
  }
  const stuck = [...left];
  if (stuck.length === 0) return;
  const names = stuck.slice(0, 6).map((id) => `'${byId.get(id)!.node.name}'`).join(' → ');
  for (const id of stuck) {
    const e = byId.get(id)!;
    // The cycle is cut so that analysis still terminates: the stuck layers lose their inputs.
    e.node.inputs = e.node.inputs.filter((t) => !stuck.includes(t));
    err(`layers ${names}${stuck.length > 6 ? ' …' : ''} read each other in a cycle`, prop(e.at, 'inputs') ?? e.at, id);
  }
}
