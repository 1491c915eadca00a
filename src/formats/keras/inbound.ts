import { ModelError } from '../../ir/types';
import { items, num, prop, str, value, type JsonNode, type JsonValue } from '../json/tree';

/** One tensor a layer call reads: output `tensor` of call `node` of layer `layer`. */
export interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
  /** The JSON of the reference, for diagnostics on a missing layer. */
  at: JsonNode;
  /** The tensor's shape as the file records it (Keras 3 `__keras_tensor__` config.shape, batch first). */
  shape?: JsonValue;
}

/** One call of a layer (a Keras "node"): the tensors it reads, in order. */
export interface LayerCall {
  refs: TensorRef[];
  at: JsonNode;
}

/** [name, node, tensor(, kwargs)] as written by Keras 1/2 and in input_layers/output_layers. */
export function refFromTriple(n: JsonNode, where: string): TensorRef {
  const parts = items(n);
  const layer = str(parts[0]);
  if (layer === undefined) throw new ModelError(`expected [layer_name, node_index, tensor_index], found ${n.type}`, where);
  return { layer, node: num(parts[1]) ?? 0, tensor: num(parts[2]) ?? 0, at: n };
}

/** Collects Keras 3 `__keras_tensor__` references from call args, in order (lists for Add/Concatenate). */
function collectKerasTensors(n: JsonNode | undefined, out: TensorRef[], where: string, depth: number): void {
  if (!n || depth > 8) return;
  if (n.type === 'array') {
    for (const c of items(n)) collectKerasTensors(c, out, where, depth + 1);
    return;
  }
  if (n.type !== 'object') return;
  if (str(prop(n, 'class_name')) === '__keras_tensor__') {
    const hist = prop(prop(n, 'config'), 'keras_history');
    if (!hist) throw new ModelError('a __keras_tensor__ without keras_history', where);
    const shape = value(prop(prop(n, 'config'), 'shape'));
    out.push({ ...refFromTriple(hist, where), at: n, ...(Array.isArray(shape) ? { shape } : {}) });
    return;
  }
}

/**
 * The calls of a layer from its `inbound_nodes`, in either form:
 * - Keras 1/2 (and TF.js): [[ [name, node, tensor, {kwargs}], ... ], ...]
 * - Keras 3: [{ args: [...keras tensors or lists of them], kwargs: {...} }, ...]
 */
export function parseInboundNodes(inbound: JsonNode | undefined, where: string): LayerCall[] {
  if (!inbound) return [];
  if (inbound.type !== 'array') throw new ModelError(`inbound_nodes should be a list, found ${inbound.type}`, where);
  const calls: LayerCall[] = [];
  for (const call of items(inbound)) {
    const refs: TensorRef[] = [];
    if (call.type === 'object') {
      collectKerasTensors(prop(call, 'args'), refs, where, 0);
    } else if (call.type === 'array') {
      const parts = items(call);
      // A single reference written flat ([name, 0, 0, {}]) rather than as a list of references.
      if (parts.length > 0 && parts[0].type === 'string') refs.push(refFromTriple(call, where));
      else for (const r of parts) refs.push(refFromTriple(r, where));
    } else {
      throw new ModelError(`an inbound node should be a list or an object, found ${call.type}`, where);
    }
    calls.push({ refs, at: call });
  }
  return calls;
}

/** input_layers / output_layers: a list of triples, or (Keras 3, one tensor) a single triple. */
export function parseEndpoints(n: JsonNode | undefined, where: string): TensorRef[] {
  if (!n) return [];
  if (n.type !== 'array') throw new ModelError(`expected a list of [layer_name, node_index, tensor_index], found ${n.type}`, where);
  const parts = items(n);
  if (parts.length > 0 && parts[0].type === 'string') return [refFromTriple(n, where)];
  return parts.map((p) => refFromTriple(p, where));
}
