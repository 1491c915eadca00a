import * as ort from 'onnxruntime-node';
import type { AttrType, AttrValue, Model } from '../../src/ir/types';
import { tensorFromBytes } from '../../src/ir/tensor';
import { encodeModel } from '../../src/formats/onnx/writer';
import type { AttrSchema } from '../../src/analysis/schema';

/**
 * ONNX Runtime as a reader of ONNX's operator schemas: onnxruntime-node carries its own build of
 * ONNX's schemas and checks every node against them when a session is created, before any type
 * inference or kernel lookup: the input and output counts (its message names the schema version
 * it resolved, 'schema(::Pad:13)'), unknown attributes, attribute types, missing required ones.
 * These helpers make one-node models and return ORT's refusal, or null when it accepted the node.
 */

export interface Probe {
  op: string;
  opset: number;
  inputs: number;
  outputs: number;
  attrs?: Record<string, AttrValue>;
  types?: Record<string, AttrType>;
}

/** ORT's reason for refusing the one-node model (without the node's description), or null. */
export async function refusal(p: Probe): Promise<string | null> {
  const inputs = Array.from({ length: p.inputs }, (_, i) => ({ name: `i${i}`, dtype: 'float32' as const, shape: [2, 3] }));
  const outputs = Array.from({ length: p.outputs }, (_, i) => `o${i}`);
  const model: Model = {
    format: 'onnx', producer: 'schema-probe', opsets: { '': p.opset }, metadata: {}, readWarnings: [], irVersion: 11,
    graph: {
      name: 'probe', valueInfo: new Map(), initializers: new Map(), inputs,
      nodes: [{ id: 'n', name: 'n', opType: p.op, domain: '', attributes: p.attrs ?? {}, attributeTypes: p.types, inputs: inputs.map((i) => i.name), outputs, scope: [] }],
      outputs: outputs.map((name) => ({ name, dtype: 'undefined' as const, shape: null })),
    },
  };
  try {
    const s = await ort.InferenceSession.create(encodeModel(model), { logSeverityLevel: 4, graphOptimizationLevel: 'disabled' });
    await s.release();
    return null;
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    const at = msg.indexOf(', Error ');
    return at >= 0 ? msg.slice(at + ', Error '.length) : msg;
  }
}

export interface Arity { since: number; min: number; max: number }

const RANGE = /schema\(::\w+:(\d+)\) has (?:input|output) size \d+ not in range \[min=(\d+), max=(\d+)\]/;

/** The schema version ORT resolves for the op at this opset and its input (or output) count range;
 * 'none' when ORT has no such op there, or its refusal when it says neither. */
export async function arity(op: string, opset: number, side: 'input' | 'output', inputs = 0): Promise<Arity | 'none' | string> {
  let last = '';
  for (const n of [40, 0]) {
    const msg = await refusal(side === 'input' ? { op, opset, inputs: n, outputs: 1 } : { op, opset, inputs, outputs: n });
    if (msg === null) continue;
    if (/No Op registered for/.test(msg)) return 'none';
    const m = RANGE.exec(msg);
    if (m && msg.includes(`${side} size`)) return { since: Number(m[1]), min: Number(m[2]), max: Number(m[3]) };
    last = msg;
  }
  return last || 'accepted any count';
}

const EMPTY_GRAPH = { name: 'body', nodes: [], inputs: [], outputs: [], initializers: new Map(), valueInfo: new Map() };

/** A value of the attribute's type (what it is does not matter: ORT checks names and types first). */
export function sampleValue(a: AttrSchema): { value: AttrValue; type: AttrType } | null {
  switch (a.t) {
    case 'int': return { value: 1, type: 'int' };
    case 'ints': return { value: [1], type: 'ints' };
    case 'float': return { value: 1, type: 'float' };
    case 'floats': return { value: [1], type: 'floats' };
    case 'string': return { value: a.v?.[0] ?? 'x', type: 'string' };
    case 'strings': return { value: ['x'], type: 'strings' };
    case 'tensor': return { value: tensorFromBytes('t', 'float32', [], new Uint8Array(4)), type: 'tensor' };
    case 'graph': return { value: EMPTY_GRAPH, type: 'graph' };
    default: return null; // sparse_tensor, type_proto: not written by our writer as such
  }
}
