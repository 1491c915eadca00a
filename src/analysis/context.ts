import type { AttrValue, DType, Graph, Node, TensorData } from '../ir/types';
import { InferError, type RuleContext, type TensorState } from './registry';
import type { WarningKind } from './types';

/** Builds the RuleContext a rule sees for one node. */
export function makeContext(
  node: Node,
  opset: number,
  inputs: (TensorState | null)[],
  warn: (kind: WarningKind, message: string) => void,
  inferSubgraph?: (graph: Graph, inputs: (TensorState | null)[]) => (TensorState | null)[],
): RuleContext {
  const nameOf = (i: number): string => node.inputs[i] || `#${i}`;
  const ctx: RuleContext = {
    node,
    opset,
    inputs,
    input(i) {
      const s = inputs[i];
      if (!s) throw new InferError(`${node.opType} needs input ${i}, which is missing`);
      return s;
    },
    shape(i) {
      const s = ctx.input(i);
      if (s.shape === null) throw new InferError(`input '${nameOf(i)}' has an unknown shape`, 'cannot-infer', true);
      return s.shape;
    },
    dtype(i) {
      return inputs[i]?.dtype ?? 'undefined';
    },
    value(i) {
      return inputs[i]?.value;
    },
    shapeValue(i) {
      const s = inputs[i];
      return s?.dims ?? s?.value;
    },
    attr(name) {
      return node.attributes[name];
    },
    int(name, dflt) {
      const v = node.attributes[name];
      if (v === undefined || v === null) return dflt;
      if (typeof v === 'number') return v;
      if (typeof v === 'boolean') return v ? 1 : 0;
      return ctx.fail(`attribute '${name}' should be an integer`);
    },
    ints(name, dflt) {
      const v = node.attributes[name];
      if (v === undefined || v === null) return dflt;
      if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
      if (typeof v === 'number') return [v];
      return ctx.fail(`attribute '${name}' should be a list of integers`);
    },
    float(name, dflt) {
      const v = node.attributes[name];
      if (v === undefined || v === null) return dflt;
      if (typeof v === 'number') return v;
      return ctx.fail(`attribute '${name}' should be a number`);
    },
    str(name, dflt) {
      const v = node.attributes[name];
      if (v === undefined || v === null) return dflt;
      if (typeof v === 'string') return v;
      return ctx.fail(`attribute '${name}' should be a string`);
    },
    tensorAttr(name) {
      const v = node.attributes[name];
      return isTensorData(v) ? v : undefined;
    },
    warn,
    fail(message, kind) {
      throw new InferError(message, kind);
    },
  };
  if (inferSubgraph) {
    ctx.inferSubgraph = (attrName, subInputs) => {
      const g = node.subgraphs?.[attrName] ?? asGraph(node.attributes[attrName]);
      if (!g) return ctx.fail(`subgraph '${attrName}' is missing`);
      return inferSubgraph(g, subInputs);
    };
  }
  return ctx;
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
