/**
 * Quantises a float ONNX model's weights to 8 bits, in the three forms exporters write, for tests:
 * - 'qdq': DequantizeLinear(int8 weight, per output channel) → Conv/MatMul/Gemm, int32 biases
 *   behind DequantizeLinear, and QuantizeLinear → DequantizeLinear around each layer's activations
 *   (ONNX Runtime's quantize_static, QDQ format);
 * - 'integer': DynamicQuantizeLinear → ConvInteger/MatMulInteger → Cast → Mul(scales) (quantize_dynamic);
 * - 'qoperator': QuantizeLinear → QLinearConv/QLinearMatMul/com.microsoft QGemm/QLinearAdd →
 *   DequantizeLinear (quantize_static, QOperator format).
 * The values are a real symmetric quantisation of the weights (scale = max|w|/127); only shapes and
 * counts are under test. Every other node is kept as it is, in float.
 */
import { bytesOf, tensorFromBytes } from '../../src/ir/tensor';
import type { AttrValue, Graph, Model, Node, TensorData } from '../../src/ir/types';

export type QuantForm = 'qdq' | 'integer' | 'qoperator';

class Builder {
  readonly nodes: Node[] = [];
  private n = 0;
  constructor(readonly inits: Map<string, TensorData>) {}

  fresh(base: string): string {
    return `${base}__q${this.n++}`;
  }

  init(name: string, dtype: 'int8' | 'uint8' | 'int32' | 'float32' | 'int64', dims: number[], values: ArrayLike<number>): string {
    const a = dtype === 'int8' ? Int8Array.from(values) : dtype === 'uint8' ? Uint8Array.from(values)
      : dtype === 'int32' ? Int32Array.from(values) : dtype === 'int64' ? BigInt64Array.from(Array.from(values, BigInt)) : Float32Array.from(values);
    this.inits.set(name, tensorFromBytes(name, dtype, dims, bytesOf(a)));
    return name;
  }

  node(opType: string, inputs: string[], outputs: string[] | number, attributes: Record<string, AttrValue> = {}, domain = ''): string[] {
    const id = this.fresh(opType);
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(`${opType}_out`)) : outputs;
    this.nodes.push({ id, name: id, opType, domain, attributes, inputs, outputs: outs, scope: [] });
    return outs;
  }
}

/** Symmetric int8 quantisation of a float tensor, per slice of axis 0 or per tensor. */
function quantiseWeight(t: TensorData, perChannel: boolean): { q: number[]; scales: number[] } {
  const v = Array.from(t.values());
  const slices = perChannel ? t.dims[0] : 1;
  const per = v.length / slices;
  const scales: number[] = [];
  const q = new Array<number>(v.length);
  for (let c = 0; c < slices; c++) {
    let max = 0;
    for (let i = c * per; i < (c + 1) * per; i++) max = Math.max(max, Math.abs(v[i]));
    const s = max > 0 ? max / 127 : 1;
    scales.push(s);
    for (let i = c * per; i < (c + 1) * per; i++) q[i] = Math.max(-127, Math.min(127, Math.round(v[i] / s)));
  }
  return { q, scales };
}

const X_SCALE = 0.05;
const X_ZERO = 128;

export function quantiseModel(float: Model, form: QuantForm): Model {
  const g = float.graph;
  const inits = new Map(g.initializers);
  const b = new Builder(inits);
  const producer = new Map<string, Node>();
  for (const n of g.nodes) for (const o of n.outputs) producer.set(o, n);
  /** The initializer behind a weight input: itself, or the data of a Reshape of an initializer. */
  const stored = (name: string): TensorData | undefined => {
    const direct = g.initializers.get(name);
    if (direct) return direct;
    const p = producer.get(name);
    return p?.opType === 'Reshape' ? g.initializers.get(p.inputs[0]) : undefined;
  };

  const actScale = b.init('act_scale', 'float32', [], [X_SCALE]);
  const actZero = b.init('act_zero', 'uint8', [], [X_ZERO]);
  const quantise = (x: string) => b.node('QuantizeLinear', [x, actScale, actZero], 1)[0];
  const dequantise = (x: string, out?: string) => b.node('DequantizeLinear', [x, actScale, actZero], out ? [out] : 1)[0];
  /** An int8 weight behind DequantizeLinear, laid out as the float one (a Reshape kept as it is). */
  const dqWeight = (name: string, perChannel: boolean): string => {
    const t = stored(name) as TensorData;
    const { q, scales } = quantiseWeight(t, perChannel);
    const wq = b.init(`${t.name}_quantized`, 'int8', t.dims, q);
    const ws = b.init(`${t.name}_scale`, 'float32', perChannel ? [scales.length] : [], scales);
    const wz = b.init(`${t.name}_zero_point`, 'int8', perChannel ? [scales.length] : [], scales.map(() => 0));
    const deq = b.node('DequantizeLinear', [wq, ws, wz], 1, perChannel ? { axis: 0 } : {})[0];
    const p = producer.get(name);
    return g.initializers.has(name) || !p ? deq : b.node('Reshape', [deq, p.inputs[1]], 1)[0];
  };
  const int32Bias = (name: string, wScales: number[]): { q: string; scale: string } => {
    const t = g.initializers.get(name) as TensorData;
    const v = Array.from(t.values());
    const s = v.map((_, i) => X_SCALE * wScales[wScales.length === 1 ? 0 : i]);
    return { q: b.init(`${name}_quantized`, 'int32', t.dims, v.map((x, i) => Math.round(x / s[i]))), scale: b.init(`${name}_scale`, 'float32', [s.length], s) };
  };

  for (const n of g.nodes) {
    const w = n.inputs[1];
    const weighted = (n.opType === 'Conv' || n.opType === 'MatMul' || n.opType === 'Gemm') && w && stored(w) && (n.opType !== 'Gemm' || !n.attributes.transA);
    const constAdd = form === 'qoperator' && n.opType === 'Add' && g.initializers.has(n.inputs[1]) && !g.initializers.has(n.inputs[0]);
    if (!weighted && !constAdd) {
      // The Reshape that lays out a quantised weight is rebuilt behind its DequantizeLinear.
      if (!(n.opType === 'Reshape' && g.initializers.has(n.inputs[0]) && consumersAreWeighted(g, n))) b.nodes.push(n);
      continue;
    }
    if (form === 'qdq') qdq(n);
    else if (form === 'integer') integer(n);
    else qoperator(n);
  }

  function qdq(n: Node): void {
    const x = dequantise(quantise(n.inputs[0]));
    const perChannel = n.opType === 'Conv';
    const inputs = [x, dqWeight(n.inputs[1], perChannel)];
    if (n.inputs[2]) {
      const t = stored(n.inputs[1]) as TensorData;
      const { q, scale } = int32Bias(n.inputs[2], quantiseWeight(t, perChannel).scales);
      inputs.push(b.node('DequantizeLinear', [q, scale, ''], 1, { axis: 0 })[0]);
    }
    const y = b.node(n.opType, inputs, 1, n.attributes)[0];
    dequantise(quantise(y), n.outputs[0]);
  }

  function integer(n: Node): void {
    if (n.opType === 'Gemm') {
      b.nodes.push(n); // ONNX Runtime's dynamic quantiser leaves Gemm in float
      return;
    }
    const t = stored(n.inputs[1]) as TensorData;
    const perChannel = n.opType === 'Conv';
    const { q, scales } = quantiseWeight(t, perChannel);
    const [xq, xs, xz] = b.node('DynamicQuantizeLinear', [n.inputs[0]], 3);
    const wq = b.init(`${t.name}_quantized`, 'int8', t.dims, q);
    const wz = b.init(`${t.name}_zero_point`, 'int8', [], [0]);
    let wIn = wq;
    const p = producer.get(n.inputs[1]);
    if (!g.initializers.has(n.inputs[1]) && p) wIn = b.node('Reshape', [wq, p.inputs[1]], 1)[0];
    const op = n.opType === 'Conv' ? 'ConvInteger' : 'MatMulInteger';
    const attrs = op === 'ConvInteger' ? n.attributes : {};
    const acc = b.node(op, [xq, wIn, xz, wz], 1, attrs)[0];
    const f = b.node('Cast', [acc], 1, { to: 1 })[0];
    // Per-channel scales laid out to broadcast over N, C, H, W: [C, 1, 1].
    const ws = b.init(`${t.name}_scale`, 'float32', perChannel ? [scales.length, 1, 1] : [], scales);
    const s = b.node('Mul', [xs, ws], 1)[0];
    if (!n.inputs[2]) {
      b.node('Mul', [f, s], [n.outputs[0]]);
      return;
    }
    const y = b.node('Mul', [f, s], 1)[0];
    const shape = b.init(b.fresh('bias_shape'), 'int64', [3], [-1, 1, 1]);
    const bias = b.node('Reshape', [n.inputs[2], shape], 1)[0];
    b.node('Add', [y, bias], [n.outputs[0]]);
  }

  function qoperator(n: Node): void {
    const xq = quantise(n.inputs[0]);
    const yScale = actScale;
    const yZero = actZero;
    if (n.opType === 'Add') {
      const t = g.initializers.get(n.inputs[1]) as TensorData;
      const v = Array.from(t.values());
      const max = Math.max(1e-6, ...v.map(Math.abs));
      const bs = b.init(`${t.name}_scale`, 'float32', [], [max / 127]);
      const bz = b.init(`${t.name}_zero_point`, 'uint8', [], [128]);
      const bq = b.init(`${t.name}_quantized`, 'uint8', t.dims, v.map((x) => Math.round(x / (max / 127)) + 128));
      const y = b.node('QLinearAdd', [xq, actScale, actZero, bq, bs, bz, yScale, yZero], 1, {}, 'com.microsoft')[0];
      dequantise(y, n.outputs[0]);
      return;
    }
    const t = stored(n.inputs[1]) as TensorData;
    const perChannel = n.opType === 'Conv';
    const { q, scales } = quantiseWeight(t, perChannel);
    let wq = b.init(`${t.name}_quantized`, 'int8', t.dims, q);
    const p = producer.get(n.inputs[1]);
    if (!g.initializers.has(n.inputs[1]) && p) {
      // QLinearMatMul needs its weight as an initializer of the laid-out shape: Reshape keeps the data order.
      const dims = (p.inputs[1] && g.initializers.get(p.inputs[1])?.values()) as ArrayLike<number>;
      wq = b.init(`${t.name}_quantized_laid_out`, 'int8', Array.from(dims), q);
      inits.delete(`${t.name}_quantized`);
    }
    const ws = b.init(`${t.name}_scale`, 'float32', perChannel ? [scales.length] : [], scales);
    const wz = b.init(`${t.name}_zero_point`, 'int8', perChannel ? [scales.length] : [], scales.map(() => 0));
    let y: string;
    if (n.opType === 'Conv') {
      const inputs = [xq, actScale, actZero, wq, ws, wz, yScale, yZero];
      if (n.inputs[2]) inputs.push(int32Bias(n.inputs[2], scales).q);
      y = b.node('QLinearConv', inputs, 1, n.attributes)[0];
    } else if (n.opType === 'MatMul') {
      y = b.node('QLinearMatMul', [xq, actScale, actZero, wq, ws, wz, yScale, yZero], 1)[0];
    } else {
      const c = n.inputs[2] ? int32Bias(n.inputs[2], scales).q : '';
      const { alpha, transB } = n.attributes;
      y = b.node('QGemm', [xq, actScale, actZero, wq, ws, wz, c, yScale, yZero], 1, { ...(alpha !== undefined ? { alpha } : {}), ...(transB !== undefined ? { transB } : {}) }, 'com.microsoft')[0];
    }
    dequantise(y, n.outputs[0]);
  }

  // Float initializers no node reads any more (the weights now stored as int8) are dropped.
  const read = new Set(b.nodes.flatMap((n) => n.inputs));
  for (const name of [...inits.keys()]) if (!read.has(name)) inits.delete(name);
  const graph: Graph = { ...g, nodes: b.nodes, initializers: inits, valueInfo: new Map() };
  const opsets: Record<string, number> = { ...float.opsets, '': Math.max(13, float.opsets[''] ?? 13) };
  if (form === 'qoperator') opsets['com.microsoft'] = 1;
  return { ...float, graph, opsets, irVersion: 7 };
}

/** True when every reader of the Reshape's output is a layer whose weight the quantiser rebuilds. */
function consumersAreWeighted(g: Graph, reshape: Node): boolean {
  const out = reshape.outputs[0];
  const readers = g.nodes.filter((n) => n.inputs.includes(out));
  return readers.length > 0 && readers.every((n) => (n.opType === 'MatMul' || n.opType === 'Gemm' || n.opType === 'Conv') && n.inputs[1] === out);
}
