import type { HostTensor } from '../tensorView';
import { valueAt } from './tensor';
import type { Arithmetic, OutputAt } from './types';

export interface BatchNormInputs {
  nodeId: string;
  output: string;
  x: HostTensor;
  scale: HostTensor;
  bias: HostTensor;
  mean: HostTensor;
  variance: HostTensor;
  epsilon: number;
}

/** Inference BatchNormalization: y = (x − μ_c)/√(σ²_c + ε)·γ_c + β_c, with the running statistics. */
export function batchNormArithmetic(b: BatchNormInputs, at: OutputAt): Arithmetic {
  const c = at.channel;
  const x = valueAt(b.x, [at.batch ?? 0, c, ...at.pos]);
  const n = { x, mean: valueAt(b.mean, [c]), variance: valueAt(b.variance, [c]), epsilon: b.epsilon, scale: valueAt(b.scale, [c]), bias: valueAt(b.bias, [c]) };
  const total = ((n.x - n.mean) / Math.sqrt(n.variance + n.epsilon)) * n.scale + n.bias;
  return {
    kind: 'batchnorm', nodeId: b.nodeId, opType: 'BatchNormalization', input: b.x.name, output: b.output, at,
    blocks: [{ channel: c, values: [x], padding: [false], sum: total }], bias: null, batchNorm: n, total, stages: [],
  };
}
