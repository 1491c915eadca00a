import type { HostTensor } from './tensorView';

export interface Prediction {
  label: string;
  index: number;
  probability: number;
}

/**
 * Class count of a classifier output: [1, K], [1, K, 1, 1] or [K] with K ≥ 2; null when the tensor is
 * not shaped like class scores.
 */
export function classCount(dims: number[]): number | null {
  const big = dims.filter((d) => d !== 1);
  if (big.length !== 1 || big[0] < 2) return null;
  if (dims.length > 1 && dims[0] !== 1) return null;
  return big[0];
}

/** True when the values already are a probability distribution (non-negative, summing to 1). */
export function isDistribution(v: Float32Array): boolean {
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    if (!(v[i] >= 0)) return false;
    sum += v[i];
  }
  return Math.abs(sum - 1) < 1e-3;
}

export function softmax(v: Float32Array): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) if (v[i] > max) max = v[i];
  const out = new Float64Array(v.length);
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += out[i] = Math.exp(v[i] - max);
  for (let i = 0; i < v.length; i++) out[i] /= sum;
  return out;
}

/**
 * Top-k classes with probabilities (softmax applied unless the output already is a distribution).
 * Labels: `labels[i]` when given; 1001 scores with 1000 labels means index 0 is 'background'
 * (TensorFlow-slim models); otherwise the class index.
 */
export function topK(t: HostTensor, labels: string[] | null, k = 5): Prediction[] | null {
  const classes = classCount(t.dims);
  if (classes === null) return null;
  const probs = isDistribution(t.data) ? Float64Array.from(t.data) : softmax(t.data);
  const order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a] || a - b).slice(0, k);
  const offset = labels && classes === labels.length + 1 ? 1 : 0;
  return order.map((index) => ({
    index,
    probability: probs[index],
    label: labels && labels.length + offset === classes ? (index - offset < 0 ? 'background' : labels[index - offset]) : String(index),
  }));
}

/** Parses a labels file: one label per line, blank lines at the end ignored. */
export function parseLabels(text: string): string[] {
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  return lines.map((l) => l.trim());
}
