import type { Model, TensorData } from '../../ir/types';
import { elementCount } from '../../ir/tensor';
import * as l10n from '@vscode/l10n';
import { weightHistogram, weightStats, type WeightHistogram, type WeightStats } from './stats';

/**
 * One weight tensor of a model, summarised for the graph view's weight panel: its type, statistics and
 * histogram once, and its values a page at a time (only the page asked for crosses to the webview).
 */
export interface WeightSummary {
  name: string;
  dtype: string;
  dims: number[];
  stats: WeightStats;
  histogram: WeightHistogram;
}

export interface WeightPage {
  /** Index of the first value (in the flattened tensor, row-major). */
  offset: number;
  values: number[];
  /** Number of values in the whole tensor. */
  total: number;
}

/** Largest tensor summarised: 64 M elements (256 MB as float32) fits the model worker's heap. */
export const MAX_WEIGHT_ELEMENTS = 64 * 1024 * 1024;
export const PAGE_SIZE = 100;

/** A weight that is stored with the model: an initializer of the main graph or of a subgraph. */
export function findWeight(model: Model, name: string): TensorData | undefined {
  const direct = model.graph.initializers.get(name);
  if (direct) return direct;
  const stack = model.graph.nodes.flatMap((n) => Object.values(n.subgraphs ?? {}));
  while (stack.length) {
    const g = stack.pop()!;
    const t = g.initializers.get(name);
    if (t) return t;
    for (const n of g.nodes) stack.push(...Object.values(n.subgraphs ?? {}));
  }
  return undefined;
}

/** Throws a one-line message when the tensor cannot be summarised (no data, strings, too large). */
export function weightValues(t: TensorData): ArrayLike<number> {
  if (t.missing) throw new Error(l10n.t('{0}: the file holds no values for this weight', t.name));
  if (t.dtype === 'string') throw new Error(l10n.t('{0}: a string tensor has no numeric statistics', t.name));
  const n = elementCount(t.dims, t.name);
  if (n > MAX_WEIGHT_ELEMENTS) {
    throw new Error(l10n.t('{0}: {1} elements, more than the {2} whose statistics ConvLens computes', t.name, n.toLocaleString('en-US'), MAX_WEIGHT_ELEMENTS.toLocaleString('en-US')));
  }
  return t.values();
}

export function summarizeWeight(t: TensorData, values = weightValues(t)): WeightSummary {
  const stats = weightStats(values);
  return { name: t.name, dtype: t.dtype, dims: [...t.dims], stats, histogram: weightHistogram(values, stats) };
}

export function weightPage(values: ArrayLike<number>, offset: number, size = PAGE_SIZE): WeightPage {
  const from = Math.max(0, Math.min(Math.floor(offset), values.length));
  const to = Math.min(values.length, from + size);
  const out = new Array<number>(to - from);
  for (let i = from; i < to; i++) out[i - from] = values[i];
  return { offset: from, values: out, total: values.length };
}
