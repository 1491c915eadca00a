import type { AttrValue, Dim, DType, Node, Shape, TensorData } from '../../ir/types';
import { findRule, InferError, type OpRule, type OutputState, type RuleContext, type TensorState } from '../registry';
import type { WarningKind } from '../types';

/**
 * A quantised operator computes what its float twin computes, on other input positions: QLinearConv
 * reads x, w, B at 0, 3, 8 where Conv reads them at 0, 1, 2. Its rule hands the float rule a view of
 * its own context with the inputs picked (and, for channels-last variants, re-laid out), so that the
 * window arithmetic, MAC formula and lints stay in one place (conv.ts, pool.ts, dense.ts …).
 */
class PickedContext implements RuleContext {
  readonly node: Node;
  readonly inputs: (TensorState | null)[];
  constructor(private readonly base: RuleContext, picks: readonly number[], states?: (TensorState | null)[]) {
    this.node = { ...base.node, inputs: picks.map((i) => base.node.inputs[i] ?? '') };
    this.inputs = states ?? picks.map((i) => base.inputs[i] ?? null);
  }

  get opset(): number {
    return this.base.opset;
  }

  input(i: number): TensorState {
    const s = this.inputs[i];
    if (!s) throw new InferError(`${this.base.node.opType} needs its input '${this.node.inputs[i] || `#${i}`}', which is missing`);
    return s;
  }

  shape(i: number): Shape {
    const s = this.input(i);
    if (s.shape === null) throw new InferError(`input '${this.node.inputs[i]}' has an unknown shape`, 'cannot-infer', true);
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
    return this.base.attr(name);
  }
  int(name: string, dflt: number): number {
    return this.base.int(name, dflt);
  }
  ints(name: string, dflt?: number[]): number[] | undefined {
    return this.base.ints(name, dflt);
  }
  float(name: string, dflt: number): number {
    return this.base.float(name, dflt);
  }
  str(name: string, dflt: string): string {
    return this.base.str(name, dflt);
  }
  tensorAttr(name: string): TensorData | undefined {
    return this.base.tensorAttr(name);
  }
  warn(kind: WarningKind, message: string): void {
    this.base.warn(kind, message);
  }
  fail(message: string, kind?: WarningKind): never {
    return this.base.fail(message, kind);
  }
}

/** The context with only the inputs at `picks`, in that order (absent positions stay absent). */
export function pickInputs(ctx: RuleContext, picks: readonly number[], states?: (TensorState | null)[]): RuleContext {
  return new PickedContext(ctx, picks, states);
}

/** The float operator's rule, which a quantised rule delegates to (registered before this family). */
export function floatRule(opType: string): OpRule {
  const r = findRule('', opType);
  if (!r) throw new Error(`the ${opType} rule is not registered before the quantised operators`);
  return r;
}

/** NHWC → NCHW and back, for the com.microsoft ops with channels_last = 1. */
export function toChannelsFirst(s: Shape): Shape {
  return s.length < 3 ? s : [s[0], s[s.length - 1], ...s.slice(1, -1)];
}
export function toChannelsLast(s: Shape): Shape {
  return s.length < 3 ? s : [s[0], ...s.slice(2), s[1]];
}

/** Output states of the float rule with the dtype replaced (the quantised op's own output type). */
export function withDtype(outs: OutputState[], dtype: DType): OutputState[] {
  return outs.map((o) => ({ dtype, shape: o.shape }));
}
