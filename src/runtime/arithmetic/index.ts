import type { NodeWindow } from '../../analysis/window/geometry';
import type { Node } from '../../ir/types';
import type { HostTensor } from '../tensorView';
import { activationArithmetic, activationFn, ACTIVATIONS } from './activation';
import { batchNormArithmetic } from './batchnorm';
import { convArithmetic } from './conv';
import { dotArithmetic } from './dot';
import { poolArithmetic } from './pool';
import { strides } from './tensor';
import { agrees, type Arithmetic, type ArithmeticStage, type OutputAt } from './types';

export type { Arithmetic, OutputAt } from './types';
export { ARITHMETIC_OPS } from './types';

/** What the arithmetic needs from a run: the graph, the run's tensors and initializers, the analysis's window. */
export interface ArithmeticSource {
  node(id: string): Node | undefined;
  /** The nodes that read `tensor`. */
  consumers(tensor: string): Node[];
  isGraphOutput(tensor: string): boolean;
  /** A tensor of the run (captured) or an initializer. */
  tensor(name: string): HostTensor | undefined;
  /** An initializer (a constant of the model), not a run value. */
  constant(name: string): HostTensor | undefined;
  /** The analysis's window of `node` at the input spatial size of the run. */
  window(node: Node, inSpatial: number[]): NodeWindow | undefined;
}


const numAttr = (n: Node, name: string, dflt: number): number => (typeof n.attributes[name] === 'number' ? (n.attributes[name] as number) : dflt);

function need(src: ArithmeticSource, node: Node, name: string | undefined, what: string): HostTensor {
  const t = name ? src.tensor(name) : undefined;
  if (!t) throw new Error(`${node.name || node.id} (${node.opType}): its ${what} '${name ?? ''}' was not captured in the last run`);
  return t;
}

/** The layer's own arithmetic at `at`, before any following bias or activation. */
export function layerArithmetic(src: ArithmeticSource, node: Node, at: OutputAt, window?: NodeWindow): Arithmetic {
  const x = need(src, node, node.inputs[0], 'input');
  const output = node.outputs[0];
  const win = () => {
    const w = window ?? src.window(node, x.dims.slice(2));
    if (!w) throw new Error(`${node.name || node.id}: the analysis has no window for this ${node.opType}`);
    return w;
  };
  switch (node.opType) {
    case 'Conv':
      return convArithmetic({ nodeId: node.id, output, x, w: need(src, node, node.inputs[1], 'weight'), b: node.inputs[2] ? need(src, node, node.inputs[2], 'bias') : undefined, window: win(), group: numAttr(node, 'group', 1) }, at);
    case 'MaxPool': case 'AveragePool':
      return poolArithmetic({ nodeId: node.id, opType: node.opType, output, x, window: win(), countIncludePad: numAttr(node, 'count_include_pad', 0) === 1 }, at);
    case 'Gemm': case 'MatMul':
      return dotArithmetic({
        nodeId: node.id, opType: node.opType, output, a: x, b: need(src, node, node.inputs[1], 'second operand'),
        c: node.opType === 'Gemm' && node.inputs[2] ? need(src, node, node.inputs[2], 'bias') : undefined,
        transA: numAttr(node, 'transA', 0) === 1, transB: numAttr(node, 'transB', 0) === 1, alpha: numAttr(node, 'alpha', 1), beta: numAttr(node, 'beta', 1),
      }, at);
    case 'BatchNormalization':
      return batchNormArithmetic({
        nodeId: node.id, output, x, scale: need(src, node, node.inputs[1], 'scale γ'), bias: need(src, node, node.inputs[2], 'bias β'),
        mean: need(src, node, node.inputs[3], 'running mean μ'), variance: need(src, node, node.inputs[4], 'running variance σ²'), epsilon: numAttr(node, 'epsilon', 1e-5),
      }, at);
    default:
      if (ACTIVATIONS.has(node.opType)) return activationArithmetic(node, x, at, (name) => src.constant(name)?.data[0]);
      throw new Error(`${node.name || node.id}: the arithmetic view shows Conv, pooling, Gemm, MatMul and BatchNormalization, not ${node.opType}`);
  }
}

/** Where `at` sits in the layer's output tensor. */
function outputIndex(a: Arithmetic, rank: number): number[] {
  if (a.kind === 'dot' || (a.kind === 'activation' && a.at.pos.length === 0)) return rank === 1 ? [a.at.channel] : [a.at.batch ?? 0, a.at.channel];
  return [a.at.batch ?? 0, a.at.channel, ...a.at.pos];
}

/** The value of `t` at `index` of a tensor of rank index.length it is broadcast to (numpy rules). */
function broadcastValue(t: HostTensor, index: number[]): number {
  const s = strides(t.dims);
  const lead = index.length - t.dims.length;
  let off = 0;
  t.dims.forEach((d, k) => { off += (d === 1 ? 0 : index[lead + k]) * s[k]; });
  return t.data[off];
}

function runtimeAt(src: ArithmeticSource, tensor: string, index: number[]): number | null {
  const t = src.tensor(tensor);
  if (!t || t.dims.length !== index.length) return null;
  return t.data[index.reduce((o, v, k) => o + v * strides(t.dims)[k], 0)];
}

/**
 * One output value of `nodeId` at `at`, computed from what it reads, followed to the value shown: a
 * following Add of a constant (a bias kept as its own node, as in the MNIST sample) and a following
 * activation, when each is the only reader of the tensor before it. Every stage carries the runtime's value.
 */
export function arithmeticOf(src: ArithmeticSource, nodeId: string, at: OutputAt, window?: NodeWindow): Arithmetic {
  const node = src.node(nodeId);
  if (!node) throw new Error(`no node '${nodeId}' in this model`);
  const a = layerArithmetic(src, node, at, window);
  const out = src.tensor(a.output);
  const index = outputIndex(a, out?.dims.length ?? (a.kind === 'dot' ? 2 : 2 + at.pos.length));
  const magnitude = a.blocks.reduce((s, b) => s + (b.products ?? b.values).reduce((t, v) => t + Math.abs(v), 0), Math.abs(a.bias ?? 0));
  const stage = (kind: ArithmeticStage['kind'], n: Node, value: number, operand?: number): ArithmeticStage => {
    const runtime = runtimeAt(src, n.outputs[0], index);
    return { kind, op: n.opType, node: n.id, tensor: n.outputs[0], value, runtime, agree: runtime === null ? null : agrees(value, runtime, magnitude), ...(operand !== undefined ? { operand } : {}) };
  };
  const stages = [stage('sum', node, a.total)];
  let tensor = a.output;
  let value = a.total;
  for (let hop = 0; hop < 2 && a.kind !== 'activation'; hop++) {
    const readers = src.consumers(tensor);
    if (readers.length !== 1 || src.isGraphOutput(tensor)) break;
    const r = readers[0];
    if (r.opType === 'Add' && stages.length === 1) {
      const other = r.inputs.find((i) => i !== tensor);
      const c = other ? src.constant(other) : undefined;
      if (!c || c.dims.length > index.length) break;
      const operand = broadcastValue(c, index);
      value += operand;
      stages.push(stage('bias', r, value, operand));
    } else if (ACTIVATIONS.has(r.opType)) {
      value = activationFn(r, (name) => src.constant(name)?.data[0])(value);
      stages.push(stage('activation', r, value));
      break;
    } else break;
    tensor = r.outputs[0];
  }
  return { ...a, stages };
}
