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

/** Ops that pass scores through unchanged in value (only their shape): looked through to find who made them. */
const RESHAPING = new Set(['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Identity', 'Transpose']);

/** The op that made the scores in `tensor`, looking through reshapes. */
export function scoreSource(producers: Map<string, { opType: string; inputs: string[] }>, tensor: string): string {
  let n = producers.get(tensor);
  for (let hops = 0; n && RESHAPING.has(n.opType) && hops < 8; hops++) n = producers.get(n.inputs[0]);
  return n?.opType ?? '';
}

/** Fewer than this many scores are not read as classes unless a softmax made them (a 4-channel pool is no classifier). */
export const MIN_LOGIT_CLASSES = 5;

/** A pooled feature vector ([1, C, 1, 1]) holds features, not class scores. */
const POOLS = new Set(['GlobalAveragePool', 'GlobalMaxPool', 'AveragePool', 'MaxPool', 'ReduceMean', 'ReduceMax']);

/**
 * A classifier's output: class scores ([1, K], [K], [1, K, 1, 1]: no spatial extent) made by a softmax,
 * or logits over at least MIN_LOGIT_CLASSES classes made by anything but a pooling (DenseNet's 1×1 Conv
 * head is a classifier; a global pool's channels are features). Detectors' outputs ([1, 4420, 2] scores,
 * boxes) and feature maps are not.
 */
export function isClassifierOutput(dims: number[], producerOp: string): boolean {
  const k = classCount(dims);
  if (k === null) return false;
  if (producerOp === 'Softmax' || producerOp === 'LogSoftmax') return true;
  return k >= MIN_LOGIT_CLASSES && !POOLS.has(producerOp);
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
