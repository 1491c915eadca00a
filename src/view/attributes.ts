import type { AttrValue, Graph, Node, TensorData } from '../ir/types';

/** Reading and printing IR attributes (ONNX attributes and Keras layer configs alike). */

function isTensor(v: unknown): v is TensorData {
  return typeof v === 'object' && v !== null && typeof (v as TensorData).bytes === 'function' && Array.isArray((v as TensorData).dims);
}
function isGraph(v: unknown): v is Graph {
  return typeof v === 'object' && v !== null && Array.isArray((v as Graph).nodes) && (v as Graph).valueInfo instanceof Map;
}

/** The first of `names` present on the node, as a list of numbers (a scalar becomes [n]). */
export function intsAttr(node: Node, ...names: string[]): number[] | undefined {
  for (const n of names) {
    const v = node.attributes[n];
    if (typeof v === 'number') return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
  }
  return undefined;
}

export function intAttr(node: Node, ...names: string[]): number | undefined {
  const v = intsAttr(node, ...names);
  return v && v.length === 1 ? v[0] : undefined;
}

export function strAttr(node: Node, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = node.attributes[n];
    if (typeof v === 'string') return v;
  }
  return undefined;
}

const MAX_LEN = 160;

/** One attribute as short text for the tooltip and the details panel. */
export function formatAttr(v: AttrValue): string {
  const s = formatInner(v, 0);
  return s.length > MAX_LEN ? s.slice(0, MAX_LEN - 1) + '…' : s;
}

function formatInner(v: AttrValue, depth: number): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (isTensor(v)) return `tensor ${v.dtype}[${v.dims.join('×')}]`;
  if (isGraph(v)) return `graph ${v.name || '(unnamed)'} (${v.nodes.length} nodes)`;
  if (Array.isArray(v)) {
    if (depth > 2) return '[…]';
    return '[' + (v as AttrValue[]).map((x) => formatInner(x, depth + 1)).join(', ') + ']';
  }
  if (depth > 2) return '{…}';
  const entries = Object.entries(v).filter(([, x]) => x !== null && x !== undefined);
  return '{' + entries.map(([k, x]) => `${k}: ${formatInner(x, depth + 1)}`).join(', ') + '}';
}

export function formatAttributes(node: Node): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(node.attributes)) {
    if (v === undefined) continue;
    out[k] = formatAttr(v);
  }
  return out;
}
