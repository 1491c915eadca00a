import type { Dim } from '../ir/types';
import { numel } from './dims';
import { isFloat } from './context';
import type { OpRule, OutputState, RuleContext } from './registry';
import { castValues, FOLD_LIMIT } from './ops/common';

/**
 * Constant folding, one mechanism for every op: after a rule has inferred a node's output shapes,
 * its `evaluate` computes the outputs' elements when every present input's elements are known
 * (a constant's values, or a shape-valued tensor's possibly symbolic dims such as Shape(x) =
 * ['N', 3, 224, 224]) and every output is small. The size is checked on the inferred shapes before
 * anything is evaluated, so a ConstantOfShape of 10^12 elements stays a shape and is never built.
 * The results are rounded here to the output dtype (int truncation and wrap-around, float32
 * rounding, bool as 0/1), so evaluators compute in plain numbers.
 */
export function foldOutputs(rule: OpRule, ctx: RuleContext, outs: OutputState[]): void {
  if (!rule.evaluate || outs.length === 0) return;
  for (const o of outs) {
    if (o.value !== undefined || o.dims !== undefined) return; // the rule folded already (Shape, Size, Constant)
  }
  // Cheap checks first: most nodes read activations, and reading a lazily read initializer's
  // values costs a copy.
  const ins = ctx.inputs;
  for (const s of ins) {
    if (!s) continue;
    if (!s.shape || !allNumbers(s.shape) || s.dtype === 'string') return;
    if (!s.constant && s.dims === undefined) return;
  }
  for (const o of outs) {
    if (!o.shape || o.dtype === 'string') return;
    const n = numel(o.shape);
    if (n === null || n > FOLD_LIMIT) return;
  }
  for (const s of ins) if (s && s.dims === undefined && s.value === undefined) return;
  const folded = rule.evaluate(ctx, outs);
  for (let i = 0; i < outs.length; i++) {
    const elems = folded[i];
    const o = outs[i];
    if (!elems || elems.length !== numel(o.shape ?? [])) continue;
    if (allNumbers(elems)) o.value = castValues(elems, o.dtype);
    else if (!isFloat(o.dtype)) o.dims = elems;
  }
}

function allNumbers(xs: readonly Dim[]): xs is number[] {
  for (let i = 0; i < xs.length; i++) if (typeof xs[i] !== 'number') return false;
  return true;
}
