import type { HostTensor } from '../tensorView';
import { valueAt } from './tensor';
import type { Arithmetic, OutputAt } from './types';

export interface DotInputs {
  nodeId: string;
  opType: 'Gemm' | 'MatMul';
  output: string;
  a: HostTensor;
  b: HostTensor;
  c?: HostTensor;
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  beta?: number;
}

/** The value of a broadcast tensor (numpy rules, right-aligned) at output [i, j]. */
function broadcastAt(t: HostTensor, i: number, j: number): number {
  const idx = [i, j].slice(2 - t.dims.length).map((v, k) => (t.dims[k] === 1 ? 0 : v));
  return t.dims.length === 0 ? t.data[0] : valueAt(t, idx);
}

/**
 * One output of a matrix product: Gemm y[i, j] = α·Σ_k A′[i, k]·B′[k, j] + β·C[i, j] (A′, B′ transposed
 * when asked); MatMul of two matrices (or a vector and a matrix) the same with α = 1 and no C.
 * `at.batch` is the row i, `at.channel` the column j.
 */
export function dotArithmetic(d: DotInputs, at: OutputAt): Arithmetic {
  const i = at.batch ?? 0;
  const j = at.channel;
  const a = d.a.dims.length === 1 ? { ...d.a, dims: [1, d.a.dims[0]] } : d.a;
  if (a.dims.length !== 2 || d.b.dims.length !== 2) throw new Error(`${d.nodeId}: the arithmetic view shows products of matrices (rank 2), not [${d.a.dims.join(', ')}] × [${d.b.dims.join(', ')}]`);
  const k = d.transA ? a.dims[0] : a.dims[1];
  const cols = d.transB ? d.b.dims[0] : d.b.dims[1];
  if (j < 0 || j >= cols) throw new Error(`${d.nodeId}: column ${j} out of 0…${cols - 1}`);
  const terms = Array.from({ length: k }, (_, t) => t);
  const values = terms.map((t) => valueAt(a, d.transA ? [t, i] : [i, t]));
  const weights = terms.map((t) => valueAt(d.b, d.transB ? [j, t] : [t, j]));
  const products = values.map((v, t) => v * weights[t]);
  const sum = products.reduce((s, p) => s + p, 0);
  const alpha = d.alpha ?? 1;
  const beta = d.beta ?? 1;
  const bias = d.c ? broadcastAt(d.c, i, j) : null;
  const total = alpha * sum + (bias === null ? 0 : beta * bias);
  return {
    kind: 'dot', nodeId: d.nodeId, opType: d.opType, input: d.a.name, output: d.output, at,
    blocks: [{ channel: -1, values, padding: values.map(() => false), weights, products, terms, sum }], bias,
    ...(alpha !== 1 ? { alpha } : {}), ...(bias !== null && beta !== 1 ? { beta } : {}), total, stages: [],
  };
}
