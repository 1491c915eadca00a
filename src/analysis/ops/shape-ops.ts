import type { Dim, Shape } from '../../ir/types';
import { dimEquals, floorDiv, mul, numel } from '../dims';
import { normAxis } from '../context';
import { registerRule, type RuleContext } from '../registry';
import { broadcastShapes, NONE, PASS } from './common';
import { broadcastOffsets, byIndex, dimsOf, elems, outShape, rowStrides } from './kernels';

/** The evaluator of ops that only re-view their input: the elements stay as they are. */
const sameElements = (ctx: RuleContext) => [elems(ctx, 0)];

/**
 * Ops that move or re-view data without arithmetic (ai.onnx): Shape, Size, Reshape, Flatten,
 * Squeeze, Unsqueeze, Transpose, Expand, Tile. All count 0 MACs. Their shape-valued inputs are
 * operator arguments ('config'), never weights.
 */

function product(dims: Dim[]): Dim {
  return dims.reduce<Dim>((acc, d) => mul(acc, d), 1);
}

/** Which dims the input and output share (so that symbolic ones cancel before dividing). */
function withoutCommon(a: Dim[], b: Dim[]): [Dim[], Dim[]] {
  const rest = [...b];
  const left: Dim[] = [];
  for (const d of a) {
    const j = rest.findIndex((r) => typeof d === 'string' && dimEquals(d, r));
    if (j >= 0) rest.splice(j, 1);
    else left.push(d);
  }
  return [left, rest];
}

registerRule('', ['Shape'], {
  // opset 15 adds start/end (negative counts from the back, clamped).
  infer: (ctx) => {
    const x = ctx.shape(0);
    const r = x.length;
    const clamp = (v: number) => Math.min(r, Math.max(0, v < 0 ? v + r : v));
    const dims = x.slice(clamp(ctx.int('start')), clamp(ctx.int('end', r)));
    const value = dims.every((d) => typeof d === 'number') ? (dims as number[]) : undefined;
    return [{ dtype: 'int64', shape: [dims.length], value, dims }];
  },
});

registerRule('', ['Size'], {
  infer: (ctx) => {
    const n = product(ctx.shape(0));
    return [{ dtype: 'int64', shape: [], value: typeof n === 'number' ? [n] : undefined, dims: [n] }];
  },
});

export function reshapeTarget(ctx: RuleContext, x: Shape, target: Dim[], allowZero: boolean): Shape {
  const out: Dim[] = target.map((d, i) => {
    if (d === 0 && !allowZero) {
      if (i >= x.length) ctx.fail(`shape entry ${i} is 0 (copy) but the input has rank ${x.length}`);
      return x[i];
    }
    return d;
  });
  const minus = out.reduce<number[]>((acc, d, i) => (d === -1 ? [...acc, i] : acc), []);
  if (minus.length > 1) ctx.fail(`the target shape [${target.join(', ')}] has more than one -1`);
  if (minus.length === 1) {
    const others = out.filter((_, i) => i !== minus[0]);
    const [num, den] = withoutCommon(x, others);
    const total = product(num);
    const part = product(den);
    if (typeof total === 'number' && typeof part === 'number') {
      if (part === 0 || total % part !== 0) {
        ctx.fail(`cannot reshape ${x.length ? `[${x.join(', ')}]` : 'a scalar'} (${numel(x)} elements) into [${target.join(', ')}]`);
      }
      out[minus[0]] = total / part;
    } else {
      out[minus[0]] = floorDiv(total, part);
    }
  } else {
    const a = numel(x);
    const b = numel(out);
    if (a !== null && b !== null && a !== b) {
      ctx.fail(`cannot reshape [${x.join(', ')}] (${a} elements) into [${out.join(', ')}] (${b} elements)`);
    }
  }
  return out;
}

registerRule('', ['Reshape'], {
  storedInput: 0,
  // opset 1–4: shape attribute; 5+: shape input; 14+: allowzero.
  infer: (ctx) => {
    const x = ctx.shape(0);
    const target = ctx.ints('shape') ?? ctx.shapeValue(1);
    if (!target) return ctx.fail(`the target shape '${ctx.node.inputs[1]}' is not a constant the analysis can fold`);
    const shape = reshapeTarget(ctx, x, target, ctx.int('allowzero') === 1);
    return [{ dtype: ctx.dtype(0), shape }];
  },
  evaluate: sameElements,
  roles: () => ['data', 'config'],
});

registerRule('', ['Flatten'], {
  storedInput: 0,
  infer: (ctx) => {
    const x = ctx.shape(0);
    const axis = ctx.int('axis');
    const a = axis < 0 ? axis + x.length : axis;
    if (a < 0 || a > x.length) ctx.fail(`axis ${axis} is out of range for rank ${x.length}`);
    return [{ dtype: ctx.dtype(0), shape: [product(x.slice(0, a)), product(x.slice(a))] }];
  },
  evaluate: sameElements,
  spatial: () => NONE,
});

registerRule('', ['Squeeze'], {
  storedInput: 0,
  // axes: attribute before opset 13, input after; none given means every dim of size 1.
  infer: (ctx) => {
    const x = ctx.shape(0);
    const axesIn = ctx.ints('axes') ?? (ctx.inputs[1] ? ctx.value(1) ?? ctx.fail('the axes input is not a constant') : undefined);
    let keep: boolean[];
    if (axesIn) {
      const axes = axesIn.map((a) => normAxis(ctx, a, x.length));
      for (const a of axes) {
        if (typeof x[a] === 'number' && x[a] !== 1) ctx.fail(`cannot squeeze axis ${a} of size ${x[a]}`);
      }
      keep = x.map((_, i) => !axes.includes(i));
    } else {
      if (x.some((d) => typeof d !== 'number')) ctx.fail('Squeeze without axes on a shape with symbolic dims');
      keep = x.map((d) => d !== 1);
    }
    const shape = x.filter((_, i) => keep[i]);
    return [{ dtype: ctx.dtype(0), shape }];
  },
  evaluate: sameElements,
  roles: () => ['data', 'config'],
});

registerRule('', ['Unsqueeze'], {
  storedInput: 0,
  infer: (ctx) => {
    const x = ctx.shape(0);
    const axesIn = ctx.ints('axes') ?? ctx.value(1) ?? ctx.fail('the axes input is not a constant');
    const r = x.length + axesIn.length;
    const axes = axesIn.map((a) => normAxis(ctx, a, r));
    if (new Set(axes).size !== axes.length) ctx.fail(`axes [${axesIn.join(', ')}] repeat`);
    const shape: Shape = [];
    let j = 0;
    for (let i = 0; i < r; i++) shape.push(axes.includes(i) ? 1 : x[j++]);
    return [{ dtype: ctx.dtype(0), shape }];
  },
  evaluate: sameElements,
  roles: () => ['data', 'config'],
});

registerRule('', ['Transpose'], {
  storedInput: 0,
  infer: (ctx) => {
    const x = ctx.shape(0);
    const perm = ctx.ints('perm') ?? x.map((_, i) => x.length - 1 - i);
    if (perm.length !== x.length || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
      ctx.fail(`perm [${perm.join(', ')}] is not a permutation of ${x.length} axes`);
    }
    return [{ dtype: ctx.dtype(0), shape: perm.map((p) => x[p]) }];
  },
  evaluate: (ctx, outs) => {
    const x = dimsOf(ctx, 0);
    const v = elems(ctx, 0) ?? [];
    const perm = ctx.ints('perm') ?? x.map((_, i) => x.length - 1 - i);
    const st = rowStrides(x);
    return [byIndex(outShape(outs), (idx) => v[idx.reduce((off, k, a) => off + k * st[perm[a]], 0)])];
  },
});

registerRule('', ['Expand'], {
  // Bidirectional broadcast of the input with the given shape.
  infer: (ctx) => {
    const target = ctx.shapeValue(1) ?? ctx.fail('the shape input is not a constant the analysis can fold');
    return [{ dtype: ctx.dtype(0), shape: broadcastShapes(ctx, [ctx.shape(0), target]) }];
  },
  evaluate: (ctx, outs) => {
    const v = elems(ctx, 0) ?? [];
    return [broadcastOffsets(dimsOf(ctx, 0), outShape(outs)).map((off) => v[off])];
  },
  roles: () => ['data', 'config'],
  spatial: () => PASS,
});

registerRule('', ['Tile'], {
  infer: (ctx) => {
    const x = ctx.shape(0);
    const reps = ctx.shapeValue(1) ?? ctx.fail('the repeats input is not a constant the analysis can fold');
    if (reps.length !== x.length) ctx.fail(`repeats has ${reps.length} values for rank ${x.length}`);
    return [{ dtype: ctx.dtype(0), shape: x.map((d, i) => mul(d, reps[i])) }];
  },
  evaluate: (ctx, outs) => {
    const x = dimsOf(ctx, 0);
    const v = elems(ctx, 0) ?? [];
    const st = rowStrides(x);
    return [byIndex(outShape(outs), (idx) => v[idx.reduce((off, k, a) => off + (k % x[a]) * st[a], 0)])];
  },
  roles: () => ['data', 'config'],
});
