import type { Node } from '../../ir/types';
import { histogram, tensorStats } from '../stats';
import type { HostTensor } from '../tensorView';
import { strides } from './tensor';
import type { Arithmetic, OutputAt } from './types';

/** Element-wise activations the arithmetic view applies after a layer, as ONNX defines them. */
export const ACTIVATIONS = new Set(['Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Clip', 'Elu', 'Selu', 'HardSigmoid', 'HardSwish', 'Softplus']);

const attr = (n: Node, name: string, dflt: number): number => {
  const v = n.attributes[name];
  return typeof v === 'number' ? v : dflt;
};

/** The activation `n` as a function of one number; Clip's bounds come from its inputs (opset ≥ 11) or attributes. */
export function activationFn(n: Node, constant: (name: string) => number | undefined): (x: number) => number {
  switch (n.opType) {
    case 'Relu': return (x) => Math.max(0, x);
    case 'LeakyRelu': { const a = attr(n, 'alpha', 0.01); return (x) => (x >= 0 ? x : a * x); }
    case 'Sigmoid': return (x) => 1 / (1 + Math.exp(-x));
    case 'Tanh': return Math.tanh;
    case 'Softplus': return (x) => Math.log1p(Math.exp(x));
    case 'Elu': { const a = attr(n, 'alpha', 1); return (x) => (x >= 0 ? x : a * (Math.exp(x) - 1)); }
    case 'Selu': { const a = attr(n, 'alpha', 1.67326319217681884765625); const g = attr(n, 'gamma', 1.05070102214813232421875); return (x) => g * (x > 0 ? x : a * (Math.exp(x) - 1)); }
    case 'HardSigmoid': { const a = attr(n, 'alpha', 0.2); const b = attr(n, 'beta', 0.5); return (x) => Math.max(0, Math.min(1, a * x + b)); }
    case 'HardSwish': return (x) => x * Math.max(0, Math.min(1, x / 6 + 0.5));
    case 'Clip': {
      const lo = (n.inputs[1] ? constant(n.inputs[1]) : undefined) ?? attr(n, 'min', -Infinity);
      const hi = (n.inputs[2] ? constant(n.inputs[2]) : undefined) ?? attr(n, 'max', Infinity);
      return (x) => Math.min(hi, Math.max(lo, x));
    }
    default: throw new Error(`${n.name || n.id}: ${n.opType} is not an activation the arithmetic view knows`);
  }
}

/** Points of the curve drawn over the input's range. */
const CURVE_POINTS = 97;

/** y = f(x) at one element, with f's curve over the input's range and the input's histogram. */
export function activationArithmetic(n: Node, x: HostTensor, at: OutputAt, constant: (name: string) => number | undefined): Arithmetic {
  const f = activationFn(n, constant);
  const index = [at.batch ?? 0, at.channel, ...at.pos];
  if (index.length !== x.dims.length) throw new Error(`${n.name || n.id}: output (${at.pos.join(', ')}) of channel ${at.channel} does not fit its input [${x.dims.join(', ')}]`);
  const s = strides(x.dims);
  const v = x.data[index.reduce((o, i, k) => o + i * s[k], 0)];
  const stats = tensorStats(x.data);
  const lo = Math.min(stats.min, v), hi = Math.max(stats.max, v);
  const xs = Array.from({ length: CURVE_POINTS }, (_, i) => lo + ((hi - lo) * i) / (CURVE_POINTS - 1));
  const total = f(v);
  return {
    kind: 'activation', nodeId: n.id, opType: n.opType, input: x.name, output: n.outputs[0], at,
    blocks: [{ channel: at.channel, values: [v], padding: [false], sum: total }], bias: null,
    activation: { x: v, curve: { x: xs, y: xs.map(f) }, histogram: histogram(x.data, 48, { min: lo, max: hi }) }, total, stages: [],
  };
}
