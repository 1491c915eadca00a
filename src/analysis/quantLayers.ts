import type { DType, Graph, Node } from '../ir/types';
import { findRule, type TensorState } from './registry';
import type { QuantLayer } from './types';

/**
 * Which nodes form one quantised layer, in the three forms exporters write:
 * - QDQ: DequantizeLinear(s) → Conv (or any op) → QuantizeLinear: the op is the layer, its input
 *   dequantisers (of weights and activations) and its output quantiser belong to it;
 * - integer (ONNX Runtime's dynamic quantisation): DynamicQuantizeLinear → ConvInteger/MatMulInteger
 *   → Cast → Mul(scale): the integer op is the layer, the dynamic quantiser and the rescaling its tail;
 * - QOperator: QLinearConv, QLinearMatMul, QGemm, QLinearAdd … are the layers, with the QuantizeLinear
 *   that makes their data input and the DequantizeLinear that reads their output, where they serve them alone.
 * A node joins a layer only when it feeds (or is fed by) that layer alone, so nothing is hidden that
 * another layer reads. Also returns the constant tensors that only rescale (per-channel weight scales
 * multiplied with DynamicQuantizeLinear's scale): quantisation metadata, never parameters.
 */

const Q_OPS = new Set(['QuantizeLinear']);
const DQ_OPS = new Set(['DequantizeLinear']);
const INTEGER = new Set(['ConvInteger', 'MatMulInteger']);
const DYNAMIC_Q = new Set(['DynamicQuantizeLinear']);
/** Operators that are quantised layers by themselves; value: input positions of data and weight. */
const QOPERATOR: Record<string, { data: number; weight?: number }> = {
  QLinearConv: { data: 0, weight: 3 }, QLinearMatMul: { data: 0, weight: 3 }, QGemm: { data: 0, weight: 3 },
  QLinearAdd: { data: 0, weight: 3 }, QLinearMul: { data: 0, weight: 3 }, QLinearConcat: { data: 2 },
  QLinearSigmoid: { data: 0 }, QLinearLeakyRelu: { data: 0 }, QLinearSoftmax: { data: 0 }, QLinearAveragePool: { data: 0 },
  QLinearGlobalAveragePool: { data: 0 }, QLinearReduceMean: { data: 0 }, QLinearWhere: { data: 1 },
  MatMulIntegerToFloat: { data: 0, weight: 1 }, DynamicQuantizeMatMul: { data: 0, weight: 1 },
};

const isQuantDomain = (n: Node) => n.domain === '' || n.domain === 'ai.onnx' || n.domain === 'com.microsoft';

/** The float operator a node computes: its rule's twin for a quantised operator, else itself. */
const twinOf = (n: Node): string => findRule(n.domain, n.opType)?.twin ?? n.opType;

/** The type a quantised layer is marked with: its stored weights' ('int8'), else its activations'. */
export function quantMark(l: QuantLayer): string {
  return l.weightDtype ?? l.activationDtype ?? 'quantised';
}

const quantised = (n: Node) => Q_OPS.has(n.opType) || DQ_OPS.has(n.opType) || INTEGER.has(n.opType) || DYNAMIC_Q.has(n.opType) || n.opType in QOPERATOR;

export function findQuantLayers(graph: Graph, lookup: (name: string) => TensorState | undefined): { layers: QuantLayer[]; metadata: Set<string> } {
  if (!graph.nodes.some(quantised)) return { layers: [], metadata: new Set() };
  const producer = new Map<string, Node>();
  const consumers = new Map<string, Node[]>();
  for (const n of graph.nodes) {
    for (const o of n.outputs) if (o) producer.set(o, n);
    for (const i of n.inputs) {
      if (!i) continue;
      const list = consumers.get(i);
      if (list) list.push(n);
      else consumers.set(i, [n]);
    }
  }
  const is = (n: Node | undefined, ops: Set<string>): boolean => !!n && isQuantDomain(n) && ops.has(n.opType);
  const onlyReader = (t: string, n: Node) => (consumers.get(t) ?? []).length === 1 && consumers.get(t)?.[0] === n && !graph.outputs.some((o) => o.name === t);
  const dtype = (t: string | undefined): DType | undefined => (t ? lookup(t)?.dtype : undefined);
  const constant = (t: string) => !!lookup(t)?.constant;
  const claimed = new Set<string>();
  const layers: QuantLayer[] = [];
  const metadata = new Set<string>();

  const scales = new Set<string>();
  for (const n of graph.nodes) {
    if (is(n, DYNAMIC_Q) && n.outputs[1]) scales.add(n.outputs[1]);
    if (n.opType === 'Mul' && n.inputs.some((i) => scales.has(i))) {
      const others = n.inputs.filter((i) => !scales.has(i));
      for (const o of others) if (constant(o)) metadata.add(o);
      if (others.every((o) => constant(o))) scales.add(n.outputs[0]);
    }
  }

  for (const n of graph.nodes) {
    if (!isQuantDomain(n) || Q_OPS.has(n.opType) || DQ_OPS.has(n.opType) || DYNAMIC_Q.has(n.opType)) continue;
    // Constant-building nodes (a Reshape laying out a dequantised weight) belong to the layer reading them.
    if (n.outputs.every((o) => !o || constant(o))) continue;
    const q = QOPERATOR[n.opType];
    if (q) {
      const w = q.weight !== undefined ? n.inputs[q.weight] : undefined;
      // The QuantizeLinear that makes its data input and the DequantizeLinear that reads its output, where
      // they serve it alone (QuantizeLinear → QLinearConv → DequantizeLinear between float parts).
      const members: string[] = [];
      const x = n.inputs[q.data];
      const qx = x ? producer.get(x) : undefined;
      if (qx && is(qx, Q_OPS) && onlyReader(x, n) && !claimed.has(qx.id)) members.push(qx.id);
      const out = n.outputs[0];
      const next = out ? consumers.get(out) ?? [] : [];
      if (next.length === 1 && is(next[0], DQ_OPS) && onlyReader(out, next[0])) members.push(next[0].id);
      for (const m of members) claimed.add(m);
      layers.push({ anchor: n.id, op: twinOf(n), members, activationDtype: dtype(x), weightDtype: w && constant(w) ? dtype(w) : undefined });
      continue;
    }
    if (INTEGER.has(n.opType)) {
      layers.push(integerLayer(n));
      continue;
    }
    const members: string[] = [];
    let weightDtype: DType | undefined;
    let activationDtype: DType | undefined;
    for (const t of n.inputs) {
      const found = t ? dequantiserOf(t, n) : undefined;
      if (!found || claimed.has(found.dq.id)) continue;
      const stored = dtype(found.dq.inputs[0]);
      if (constant(t)) weightDtype ??= stored;
      else activationDtype ??= stored;
      members.push(...found.chain, found.dq.id);
      // The QuantizeLinear before an activation's DequantizeLinear, when no earlier layer took it as its
      // output quantiser (the one that quantises a float graph input, say).
      const qin = found.dq.inputs[0];
      const qp = qin ? producer.get(qin) : undefined;
      if (!constant(t) && qp && is(qp, Q_OPS) && onlyReader(qin, found.dq) && !claimed.has(qp.id)) members.push(qp.id);
    }
    if (members.length === 0) continue;
    const out = n.outputs[0];
    const next = out ? consumers.get(out) ?? [] : [];
    if (next.length === 1 && is(next[0], Q_OPS) && onlyReader(out, next[0])) {
      members.push(next[0].id);
      activationDtype ??= dtype(next[0].outputs[0]);
    }
    for (const m of members) claimed.add(m);
    layers.push({ anchor: n.id, op: twinOf(n), members, activationDtype, weightDtype });
  }
  return { layers, metadata };

  /** The DequantizeLinear behind input t of n (through layout ops such as Reshape for a constant
   * weight), with the nodes between; only when each tensor on the way is read by the next alone. */
  function dequantiserOf(t: string, n: Node): { dq: Node; chain: string[] } | undefined {
    const chain: string[] = [];
    let tensor = t;
    let reader = n;
    for (let step = 0; step < 8; step++) {
      if (!onlyReader(tensor, reader)) return undefined;
      const p = producer.get(tensor);
      if (!p) return undefined;
      if (is(p, DQ_OPS)) return { dq: p, chain };
      const at = findRule(p.domain, p.opType)?.storedInput;
      if (at === undefined || !constant(tensor)) return undefined;
      chain.push(p.id);
      reader = p;
      tensor = p.inputs[at];
    }
    return undefined;
  }

  /** ConvInteger/MatMulInteger with its DynamicQuantizeLinear and its Cast → Mul(scale) tail. */
  function integerLayer(n: Node): QuantLayer {
    const members: string[] = [];
    const dq = producer.get(n.inputs[0]);
    if (dq && is(dq, DYNAMIC_Q) && onlyReader(n.inputs[0], n) && !claimed.has(dq.id)) members.push(dq.id);
    let t = n.outputs[0];
    for (const op of ['Cast', 'Mul']) {
      const next = consumers.get(t) ?? [];
      if (next.length !== 1 || next[0].opType !== op || !onlyReader(t, next[0])) break;
      members.push(next[0].id);
      if (op === 'Mul') {
        // The Mul's other operand: the product of the scales, computed by a Mul only this one reads.
        const scale = next[0].inputs.find((i) => i !== t);
        const sp = scale ? producer.get(scale) : undefined;
        if (sp && sp.opType === 'Mul' && scale && onlyReader(scale, next[0]) && scales.has(scale)) members.push(sp.id);
      }
      t = next[0].outputs[0];
    }
    for (const m of members) claimed.add(m);
    const w = n.inputs[1];
    return { anchor: n.id, op: twinOf(n), members, activationDtype: dtype(n.inputs[0]), weightDtype: w && constant(w) ? dtype(w) : undefined };
  }
}
