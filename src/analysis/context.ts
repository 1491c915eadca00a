import type { AttrValue, Dim, DType, Graph, Node, Shape, TensorData } from '../ir/types';
import { InferError, type RuleContext, type TensorState } from './registry';
import { schemaDefault } from './schema';
import type { WarningKind } from './types';

/** What a node's context reports to: the engine inferring its graph. */
export interface ContextHost {
  warn(kind: WarningKind, node: string, message: string): void;
  /** Absent where subgraphs cannot be analysed. */
  inferSubgraph?(owner: Node, graph: Graph, inputs: (TensorState | null)[]): (TensorState | null)[];
}

/**
 * The RuleContext a rule sees for one node. A class (methods on the prototype), not an object of
 * closures: the engine makes one per node and keeps it for counting, so on a 10,000-node graph
 * twenty closures per node were most of the analysis' garbage.
 */
class NodeContext implements RuleContext {
  constructor(
    readonly node: Node,
    readonly opset: number,
    readonly inputs: (TensorState | null)[],
    private readonly host: ContextHost,
  ) {
    if (!host.inferSubgraph) this.inferSubgraph = undefined;
  }

  private nameOf(i: number): string {
    return this.node.inputs[i] || `#${i}`;
  }

  input(i: number): TensorState {
    const s = this.inputs[i];
    if (!s) throw new InferError(`${this.node.opType} needs input ${i}, which is missing`);
    return s;
  }

  shape(i: number): Shape {
    const s = this.input(i);
    if (s.shape === null) throw new InferError(`input '${this.nameOf(i)}' has an unknown shape`, 'cannot-infer', true);
    return s.shape;
  }

  dtype(i: number): DType {
    return this.inputs[i]?.dtype ?? 'undefined';
  }

  value(i: number): number[] | undefined {
    return this.inputs[i]?.value;
  }

  shapeValue(i: number): Dim[] | undefined {
    const s = this.inputs[i];
    return s?.dims ?? s?.value;
  }

  attr(name: string): AttrValue | undefined {
    return this.node.attributes[name];
  }

  /** The schema's default for an absent attribute (the node's operator version); a required or
   * default-less attribute that is absent fails, naming it. */
  private schemaValue(name: string, kind: string): AttrValue {
    const d = schemaDefault(this.node, this.opset, name);
    if (d === undefined) return this.fail(`${this.node.opType} needs attribute '${name}' (${kind}), which is missing and has no default`);
    return d;
  }

  int(name: string, dflt?: number): number {
    const v = this.node.attributes[name];
    if (v === undefined || v === null) return dflt ?? this.asInt(name, this.schemaValue(name, 'an integer'));
    return this.asInt(name, v);
  }

  private asInt(name: string, v: AttrValue): number {
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    return this.fail(`attribute '${name}' should be an integer`);
  }

  ints(name: string, dflt?: number[]): number[] | undefined {
    const v = this.node.attributes[name] ?? dflt ?? schemaDefault(this.node, this.opset, name);
    if (v === undefined || v === null) return undefined;
    if (Array.isArray(v) && allNumbers(v)) return v as number[];
    if (typeof v === 'number') return [v];
    return this.fail(`attribute '${name}' should be a list of integers`);
  }

  float(name: string, dflt?: number): number {
    const v = this.node.attributes[name] ?? dflt ?? this.schemaValue(name, 'a number');
    if (typeof v === 'number') return v;
    return this.fail(`attribute '${name}' should be a number`);
  }

  str(name: string, dflt?: string): string {
    const v = this.node.attributes[name] ?? dflt ?? this.schemaValue(name, 'a string');
    if (typeof v === 'string') return v;
    return this.fail(`attribute '${name}' should be a string`);
  }

  tensorAttr(name: string): TensorData | undefined {
    const v = this.node.attributes[name];
    return isTensorData(v) ? v : undefined;
  }

  warn(kind: WarningKind, message: string): void {
    this.host.warn(kind, this.node.id, message);
  }

  fail(message: string, kind?: WarningKind): never {
    throw new InferError(message, kind);
  }

  inferSubgraph?(attrName: string, subInputs: (TensorState | null)[]): (TensorState | null)[] {
    const g = this.node.subgraphs?.[attrName] ?? asGraph(this.node.attributes[attrName]);
    if (!g) return this.fail(`subgraph '${attrName}' is missing`);
    return (this.host as Required<ContextHost>).inferSubgraph(this.node, g, subInputs);
  }
}

/** Builds the RuleContext a rule sees for one node. */
export function makeContext(node: Node, opset: number, inputs: (TensorState | null)[], host: ContextHost): RuleContext {
  return new NodeContext(node, opset, inputs, host);
}

function allNumbers(v: readonly unknown[]): boolean {
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'number') return false;
  return true;
}

export function isTensorData(v: AttrValue | undefined): v is TensorData {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as TensorData).values === 'function';
}

function asGraph(v: AttrValue | undefined): Graph | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Array.isArray((v as Graph).nodes) ? (v as Graph) : undefined;
}

const BYTES: Partial<Record<DType, number>> = {
  float32: 4, float16: 2, bfloat16: 2, float64: 8, int8: 1, uint8: 1, int16: 2, uint16: 2,
  int32: 4, uint32: 4, int64: 8, uint64: 8, bool: 1, complex64: 8, complex128: 16,
  float8e4m3fn: 1, float8e4m3fnuz: 1, float8e5m2: 1, float8e5m2fnuz: 1, float8e8m0: 1,
  uint4: 0.5, int4: 0.5, float4e2m1: 0.5, uint2: 0.25, int2: 0.25,
};

/** Bytes per element (strings and unknown types count 0: their size is not fixed). */
export function dtypeBytes(t: DType): number {
  return BYTES[t] ?? 0;
}

export function isFloat(t: DType): boolean {
  return t.startsWith('float') || t === 'bfloat16' || t.startsWith('complex');
}

export function isInteger(t: DType): boolean {
  return /^u?int(8|16|32|64|4|2)$/.test(t);
}

/** Shapes checked by rules: normalises a possibly negative axis against the rank. */
export function normAxis(ctx: RuleContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) ctx.fail(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}
