import type { AttrValue, Dim, DType, Node, Shape, TensorData } from '../../ir/types';
import { findRule, InferError, type OpRule, type OutputState, type RuleContext, type TensorState } from '../registry';
import { schemaDefault } from '../schema';
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
  /** twin: the float operator whose rule reads this context; an attribute the node leaves out and
   * its own schema gives no default for takes the twin's default (QLinearReduceMean has no
   * noop_with_empty_axes, which ReduceMean's rule reads: 0, as in ReduceMean). */
  constructor(private readonly base: RuleContext, picks: readonly number[], states?: (TensorState | null)[], private readonly twin?: string) {
    this.node = { ...base.node, inputs: picks.map((i) => base.node.inputs[i] ?? '') };
    this.inputs = states ?? picks.map((i) => base.inputs[i] ?? null);
  }

  private twinDefault(name: string): AttrValue | undefined {
    if (!this.twin || this.base.attr(name) !== undefined || schemaDefault(this.base.node, this.base.opset, name) !== undefined) return undefined;
    return schemaDefault({ ...this.base.node, domain: '', opType: this.twin }, this.base.opset, name);
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
  int(name: string, dflt?: number): number {
    const d = dflt ?? this.twinDefault(name);
    return this.base.int(name, typeof d === 'number' ? d : undefined);
  }
  ints(name: string, dflt?: number[]): number[] | undefined {
    const d = dflt ?? this.twinDefault(name);
    return this.base.ints(name, Array.isArray(d) && d.every((x) => typeof x === 'number') ? (d as number[]) : undefined);
  }
  float(name: string, dflt?: number): number {
    const d = dflt ?? this.twinDefault(name);
    return this.base.float(name, typeof d === 'number' ? d : undefined);
  }
  str(name: string, dflt?: string): string {
    const d = dflt ?? this.twinDefault(name);
    return this.base.str(name, typeof d === 'string' ? d : undefined);
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

const twins = new Map<string, OpRule>();

/** The float operator's rule, which a quantised rule delegates to (registered before this family);
 * each call reads the attribute defaults the quantised node lacks from the float operator's schema. */
export function floatRule(opType: string): OpRule {
  const cached = twins.get(opType);
  if (cached) return cached;
  const r = findRule('', opType);
  if (!r) throw new Error(`the ${opType} rule is not registered before the quantised operators`);
  const wrap = (ctx: RuleContext): RuleContext => new PickedContext(ctx, ctx.node.inputs.map((_, i) => i), [...ctx.inputs], opType);
  const { infer, macs, spatial, window } = r;
  const twin: OpRule = { ...r, infer: (ctx) => infer(wrap(ctx)) };
  if (macs) twin.macs = (ctx, outs) => macs(wrap(ctx), outs);
  if (spatial) twin.spatial = (ctx, outs) => spatial(wrap(ctx), outs);
  if (window) twin.window = (ctx, outs) => window(wrap(ctx), outs);
  twins.set(opType, twin);
  return twin;
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
