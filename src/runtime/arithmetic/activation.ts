import type { Node } from '../../ir/types';

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
