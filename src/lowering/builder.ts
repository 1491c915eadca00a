import { ModelError, type AttrType, type AttrValue, type Node, type TensorData } from '../ir/types';
import { floatTensor, int64Tensor } from './tensors';

/**
 * Collects ONNX nodes and initializers while lowering. Keras tensors are channels-last; convolutions
 * and pooling run channels-first in ONNX, so each Keras tensor may exist in both layouts: 'cl' (named
 * as in Keras) and 'cf' (named '<name>:cf'). A Transpose is added the first time a layout is asked for.
 */
export type Layout = 'cl' | 'cf';

export class OnnxBuilder {
  readonly nodes: Node[] = [];
  readonly initializers = new Map<string, TensorData>();
  private readonly names = new Set<string>();
  private readonly layouts = new Map<string, { cl?: string; cf?: string; rank: number }>();
  private counter = 0;

  /** Keeps Keras tensor names for their channels-last ONNX tensors. */
  reserve(names: Iterable<string>): void {
    for (const n of names) this.names.add(n);
  }

  fresh(base: string): string {
    let n = base;
    while (this.names.has(n)) n = `${base}_${++this.counter}`;
    this.names.add(n);
    return n;
  }

  /** Records that Keras tensor `keras` of rank `rank` exists as ONNX tensor `onnx` in `layout`. */
  define(keras: string, rank: number, layout: Layout, onnx: string): void {
    const e = this.layouts.get(keras) ?? { rank };
    e[rank <= 2 ? 'cl' : layout] = onnx;
    if (rank <= 2) e.cf = onnx;
    this.layouts.set(keras, e);
    this.names.add(onnx);
  }

  rank(keras: string): number {
    const e = this.layouts.get(keras);
    if (!e) throw new ModelError(`tensor '${keras}' is used before it is produced`);
    return e.rank;
  }

  /** The layout a tensor already has (channels-first preferred), so elementwise ops add no transposes. */
  has(keras: string, layout: Layout): boolean {
    return this.layouts.get(keras)?.[layout] !== undefined;
  }

  /** The ONNX tensor holding Keras tensor `keras` in `layout`, transposing once if needed. */
  get(keras: string, layout: Layout): string {
    const e = this.layouts.get(keras);
    if (!e) throw new ModelError(`tensor '${keras}' is used before it is produced`);
    const have = e[layout];
    if (have) return have;
    const r = e.rank;
    const toCf = [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)];
    const toCl = [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];
    const src = layout === 'cf' ? e.cl! : e.cf!;
    const name = layout === 'cf' ? this.fresh(`${keras}:cf`) : keras;
    this.op('Transpose', [src], { perm: layout === 'cf' ? toCf : toCl }, name);
    e[layout] = name;
    return name;
  }

  /** Adds a node; returns its (single) output name. */
  op(opType: string, inputs: string[], attributes: Record<string, AttrValue> = {}, output?: string, types?: Record<string, AttrType>): string {
    const out = output ?? this.fresh(`${opType.toLowerCase()}_${this.nodes.length}`);
    this.names.add(out);
    const node: Node = { id: out, name: out, opType, domain: '', attributes, inputs, outputs: [out], scope: [] };
    if (types) node.attributeTypes = types;
    this.nodes.push(node);
    return out;
  }

  floatConst(base: string, dims: number[], data: Float32Array): string {
    const name = this.fresh(base);
    this.initializers.set(name, floatTensor(name, dims, data));
    return name;
  }

  intConst(base: string, values: number[]): string {
    const name = this.fresh(base);
    this.initializers.set(name, int64Tensor(name, values));
    return name;
  }
}
