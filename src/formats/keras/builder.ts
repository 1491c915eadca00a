import type { AttrValue, Dim, Node, ValueInfo } from '../../ir/types';
import { rangeOf, type JsonNode } from '../json/tree';
import { irDType, dtypeName } from './attrs';

/** The graph being assembled from layer configs (Keras, TF.js, ConvLens JSON share it). */
export class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly warnings: string[] = [];
  /** Output shapes the file records (Keras 3 tensor shapes and build_config, `output_shape` in a
   * config), by tensor name: the analysis checks inference against them and takes them where no
   * rule can infer (a custom layer). */
  readonly declared = new Map<string, ValueInfo>();
  private readonly ids = new Set<string>();

  /** A node id not used yet: `base`, else `base#2`, `base#3`... */
  uniqueId(base: string): string {
    let id = base || 'layer';
    for (let k = 2; this.ids.has(id); k++) id = `${base}#${k}`;
    this.ids.add(id);
    return id;
  }

  addNode(n: Omit<Node, 'id' | 'outputs'> & { id?: string }, at?: JsonNode): Node {
    const id = this.uniqueId(n.id ?? [...n.scope, n.name].join('/'));
    const node: Node = { ...n, id, outputs: [id], domain: n.domain };
    if (at) node.source = rangeOf(at);
    this.nodes.push(node);
    return node;
  }

  /** Records the shape the file gives tensor `name` (batch first), unless one is recorded already. */
  declare(name: string, shape: AttrValue | undefined, tag: string): void {
    if (this.declared.has(name) || !Array.isArray(shape) || shape.length === 0) return;
    if (!shape.every((d) => d === null || typeof d === 'number' || typeof d === 'string')) return;
    this.declared.set(name, { name, dtype: 'float32', shape: shape.map((d, i) => dimOf(d, i, tag)) });
  }

  addInput(name: string, shape: Dim[] | null, attrs: Record<string, AttrValue>, at?: JsonNode): string {
    const id = this.uniqueId(name);
    const vi: ValueInfo = { name: id, dtype: irDType(dtypeName(attrs.dtype)), shape };
    if (at) vi.source = rangeOf(at);
    this.inputs.push(vi);
    return id;
  }
}

function dimOf(d: AttrValue, i: number, tag: string): Dim {
  if (typeof d === 'number' && Number.isInteger(d) && d >= 0) return d;
  if (typeof d === 'string' && d !== '') return d;
  return i === 0 ? 'N' : `${tag}_${i}`;
}

/** The full input shape (batch first) a layer config declares, if any: Keras 2 batch_input_shape,
 * Keras 3 batch_shape, input_shape (batch omitted), or Keras 3 build_config.input_shape. */
export function declaredInputShape(attrs: Record<string, AttrValue>, tag: string, buildShape?: AttrValue): Dim[] | null {
  const pick = (v: AttrValue | undefined, addBatch: boolean): Dim[] | null => {
    if (!Array.isArray(v)) return null;
    const full = addBatch ? [null, ...v] : v;
    return full.map((d, i) => dimOf(d as AttrValue, i, tag));
  };
  return pick(attrs.batch_input_shape, false) ?? pick(attrs.batch_shape, false) ?? pick(attrs.input_shape, true) ?? pick(buildShape, false);
}

/** A symbol-safe tag for naming a tensor's unknown dims. */
export function dimTag(name: string): string {
  const t = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(t) ? t : `_${t}`;
}
