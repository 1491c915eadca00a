import type { Dim, Shape } from '../../ir/types';
import { add, ceilDiv, dimsConflict, floorDiv, maxDim, minDim, mul, sub } from '../dims';
import { normAxis } from '../context';
import { registerRule, type RuleContext } from '../registry';
import { PASS } from './common';
import { axisOf, byIndex, dimsOf, elems, nums, outShape, rowStrides, type Elems } from './kernels';

/** Ops that cut or join tensors (ai.onnx): Concat, Split, Slice, Pad. 0 MACs. Gather and Scatter: gather-ops.ts. */

registerRule('', ['Concat'], {
  infer: (ctx) => {
    const present = ctx.inputs.map((_, i) => i).filter((i) => ctx.inputs[i]);
    const shapes = present.map((i) => ctx.shape(i));
    const rank = shapes[0].length;
    const axis = normAxis(ctx, ctx.int('axis', 1), rank);
    let total: Dim = 0;
    for (const [k, s] of shapes.entries()) {
      if (s.length !== rank) ctx.fail(`input ${present[k]} has rank ${s.length}, input 0 has rank ${rank}`);
      for (let a = 0; a < rank; a++) {
        if (a !== axis && dimsConflict(s[a], shapes[0][a])) {
          ctx.fail(
            `input '${ctx.node.inputs[present[k]]}' has ${s[a]} along axis ${a} but '${ctx.node.inputs[present[0]]}' has ${shapes[0][a]}`,
            a === 1 ? 'channel-mismatch' : 'cannot-infer',
          );
        }
      }
      total = add(total, s[axis]);
    }
    return [{ dtype: ctx.dtype(present[0]), shape: shapes[0].map((d, a) => (a === axis ? total : d)) }];
  },
  evaluate: (ctx, outs) => {
    const present = ctx.inputs.map((_, i) => i).filter((i) => ctx.inputs[i]);
    const out = outShape(outs);
    const axis = axisOf(ctx.int('axis', 1), out.length);
    const parts = present.map((i) => ({ shape: dimsOf(ctx, i), v: elems(ctx, i) ?? [] }));
    const starts: number[] = [];
    let at = 0;
    for (const p of parts) {
      starts.push(at);
      at += p.shape[axis];
    }
    return [
      byIndex(out, (idx) => {
        let j = parts.length - 1;
        while (j > 0 && starts[j] > idx[axis]) j--;
        const p = parts[j];
        const st = rowStrides(p.shape);
        return p.v[idx.reduce((off, k, a) => off + (a === axis ? k - starts[j] : k) * st[a], 0)];
      }),
    ];
  },
  spatial: () => PASS,
});

registerRule('', ['Split'], {
  // Sizes from the 'split' attribute (< opset 13) or input 1; else equal parts, num_outputs (opset 18)
  // or the output count; with uneven sizes the last part is smaller (opset 18 rule).
  infer: (ctx) => {
    const x = ctx.shape(0);
    const axis = normAxis(ctx, ctx.int('axis', 0), x.length);
    const n = ctx.int('num_outputs', ctx.node.outputs.length);
    const given = ctx.ints('split') ?? (ctx.inputs[1] ? ctx.value(1) ?? ctx.fail('the split input is not a constant') : undefined);
    let sizes: Dim[];
    if (given) {
      if (given.length !== ctx.node.outputs.length) ctx.fail(`split has ${given.length} sizes for ${ctx.node.outputs.length} outputs`);
      const sum = given.reduce((s, v) => s + v, 0);
      if (typeof x[axis] === 'number' && sum !== x[axis]) ctx.fail(`split sizes sum to ${sum} but axis ${axis} has ${x[axis]}`);
      sizes = given;
    } else {
      const d = x[axis];
      const part = ctx.opset >= 18 ? ceilDiv(d, n) : floorDiv(d, n);
      sizes = new Array<Dim>(n).fill(part);
      if (typeof d === 'number' && typeof part === 'number') sizes[n - 1] = d - part * (n - 1);
    }
    return sizes.map((s) => ({ dtype: ctx.dtype(0), shape: x.map((d, a) => (a === axis ? s : d)) }));
  },
  evaluate: (ctx, outs) => {
    const x = dimsOf(ctx, 0);
    const v = elems(ctx, 0) ?? [];
    const axis = axisOf(ctx.int('axis', 0), x.length);
    const st = rowStrides(x);
    let at = 0;
    return outs.map((_, k) => {
      const o = outShape(outs, k);
      const from = at;
      at += o[axis];
      return byIndex(o, (idx) => v[idx.reduce((off, i, a) => off + (a === axis ? i + from : i) * st[a], 0)]);
    });
  },
  roles: () => ['data', 'config'],
  spatial: () => PASS,
});

/** Slice along one axis: clamped start/end per the ONNX spec; returns [start, count]. */
function sliceAxis(dim: number, start: number, end: number, step: number): [number, number] {
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  if (step > 0) {
    s = clamp(s, 0, dim);
    e = clamp(e, 0, dim);
    return [s, Math.max(0, Math.ceil((e - s) / step))];
  }
  s = clamp(s, 0, dim - 1);
  e = clamp(e, -1, dim - 1);
  return [s, Math.max(0, Math.ceil((e - s) / step))];
}

/** Ends at or beyond this mean "to the end" (exporters write INT_MAX or INT64_MAX). */
const TO_END = 2 ** 31 - 1;

/**
 * The length of a step-1 slice of a symbolic axis d, for the cases that need no assumption on d:
 *   x[s:]    -> d − s          (s ≥ 0; a valid model has d ≥ s)
 *   x[:e]    -> min(d, e)      (clamped as the spec clamps)
 *   x[s:e]   -> max(min(d, e) − s, 0), or 0 when e ≤ s
 * Negative starts or ends (counted from d's end) and other steps fail, saying why.
 */
function symbolicSlice(ctx: RuleContext, a: number, d: Dim, start: number, end: number, step: number): Dim {
  const why = (reason: string) => ctx.fail(`cannot slice symbolic axis ${a} (${d}) with start ${start}, end ${end}, step ${step}: ${reason}`);
  if (step !== 1) return why('only step 1 is worked out on a symbolic axis');
  if (start < 0 || end < 0) return why(`a negative ${start < 0 ? 'start' : 'end'} counts from the end of ${d}, whose size is not known`);
  if (end >= TO_END) return sub(d, start);
  if (end <= start) return 0;
  const upTo = minDim(d, end);
  return start === 0 ? upTo : maxDim(sub(upTo, start), 0);
}

/** Slice's starts, ends, axes and steps: attributes (opset 1–9) or inputs 1–4 (10+). */
function sliceArgs(ctx: RuleContext): { starts: number[]; ends: number[]; axes: number[]; steps: number[] } {
  const fromInput = ctx.attr('starts') === undefined;
  const need = (i: number, what: string) => ctx.value(i) ?? ctx.fail(`the ${what} input is not a constant the analysis can fold`);
  const starts = fromInput ? need(1, 'starts') : ctx.ints('starts') ?? ctx.fail('Slice has no starts');
  const ends = fromInput ? need(2, 'ends') : ctx.ints('ends') ?? ctx.fail('Slice has no ends');
  const axes = (fromInput ? (ctx.inputs[3] ? need(3, 'axes') : undefined) : ctx.ints('axes')) ?? starts.map((_, i) => i);
  const steps = (fromInput && ctx.inputs[4] ? need(4, 'steps') : undefined) ?? starts.map(() => 1);
  return { starts, ends, axes, steps };
}

registerRule('', ['Slice'], {
  infer: (ctx) => {
    const x = ctx.shape(0);
    const { starts, ends, axes, steps } = sliceArgs(ctx);
    const shape: Dim[] = [...x];
    for (let k = 0; k < axes.length; k++) {
      const a = normAxis(ctx, axes[k], x.length);
      if (steps[k] === 0) ctx.fail('a slice step is 0');
      const d = x[a];
      shape[a] = typeof d === 'number' ? sliceAxis(d, starts[k], ends[k], steps[k])[1] : symbolicSlice(ctx, a, d, starts[k], ends[k], steps[k]);
    }
    return [{ dtype: ctx.dtype(0), shape }];
  },
  evaluate: (ctx, outs) => {
    const x = dimsOf(ctx, 0);
    const v = elems(ctx, 0) ?? [];
    const { starts, ends, axes, steps } = sliceArgs(ctx);
    const from = x.map(() => 0);
    const step = x.map(() => 1);
    axes.forEach((raw, k) => {
      const a = axisOf(raw, x.length);
      from[a] = sliceAxis(x[a], starts[k], ends[k], steps[k])[0];
      step[a] = steps[k];
    });
    const st = rowStrides(x);
    return [byIndex(outShape(outs), (idx) => v[idx.reduce((off, i, a) => off + (from[a] + i * step[a]) * st[a], 0)])];
  },
  roles: () => ['data', 'config', 'config', 'config', 'config'],
  spatial: () => PASS,
});

registerRule('', ['Pad'], {
  // pads: attribute (< opset 11, also 'paddings' in opset 1) or input 1; opset 18 adds axes (input 3).
  infer: (ctx) => {
    const x = ctx.shape(0);
    const pads = ctx.ints('pads') ?? ctx.ints('paddings') ?? ctx.value(1) ?? ctx.fail('the pads input is not a constant the analysis can fold');
    const axesIn = ctx.inputs[3] ? ctx.value(3) ?? ctx.fail('the axes input is not a constant') : undefined;
    const axes = (axesIn ?? x.map((_, i) => i)).map((a) => normAxis(ctx, a, x.length));
    if (pads.length !== 2 * axes.length) ctx.fail(`pads has ${pads.length} values for ${axes.length} axes`);
    const shape: Dim[] = [...x];
    axes.forEach((a, k) => {
      shape[a] = add(x[a], pads[k] + pads[k + axes.length]);
      if (typeof shape[a] === 'number' && (shape[a] as number) < 0) ctx.fail(`padding makes axis ${a} negative`);
    });
    return [{ dtype: ctx.dtype(0), shape }];
  },
  evaluate: (ctx, outs) => {
    const x = dimsOf(ctx, 0);
    const v = elems(ctx, 0) ?? [];
    const out = outShape(outs);
    const mode = ctx.str('mode');
    const fill: Elems = ctx.inputs[2] ? nums(ctx, 2) : [ctx.float('value', 0)];
    if (!fill) return [undefined];
    // Where each output index reads from: its offset from the input's first element.
    const before = x.map((_, a) => padBefore(ctx, x, a));
    const src = (i: number, d: number): number | null => {
      if (i >= 0 && i < d) return i;
      if (mode === 'constant' || d === 0) return null;
      if (mode === 'edge') return i < 0 ? 0 : d - 1;
      if (mode === 'wrap') return ((i % d) + d) % d;
      const period = 2 * (d - 1);
      if (period === 0) return 0;
      const r = ((i % period) + period) % period;
      return r < d ? r : period - r;
    };
    return [
      byIndex(out, (idx) => {
        let off = 0;
        let acc = 1;
        for (let a = x.length - 1; a >= 0; a--) {
          const j = src(idx[a] - before[a], x[a]);
          if (j === null) return fill[0];
          off += j * acc;
          acc *= x[a];
        }
        return v[off];
      }),
    ];
  },
  roles: () => ['data', 'config', 'config', 'config'],
  spatial: () => PASS,
});

/** The padding before axis a (Pad's pads, as its shape rule read them). */
function padBefore(ctx: RuleContext, x: number[], a: number): number {
  const pads = ctx.ints('pads') ?? ctx.ints('paddings') ?? ctx.value(1) ?? [];
  const axesIn = ctx.inputs[3] ? ctx.value(3) ?? [] : x.map((_, i) => i);
  const k = axesIn.map((ax) => axisOf(ax, x.length)).indexOf(a);
  return k < 0 ? 0 : pads[k];
}

/** DepthToSpace/SpaceToDepth move pixels between channels and space. */
registerRule('', ['DepthToSpace'], {
  infer: (ctx) => {
    const [n, c, h, w] = rank4(ctx);
    const b = ctx.int('blocksize', 0);
    if (b < 1) ctx.fail('blocksize must be positive');
    if (typeof c === 'number' && c % (b * b) !== 0) ctx.fail(`${c} channels are not divisible by blocksize² = ${b * b}`, 'channel-mismatch');
    return [{ dtype: ctx.dtype(0), shape: [n, floorDiv(c, b * b), mul(h, b), mul(w, b)] }];
  },
  spatial: (ctx) => {
    const b = ctx.int('blocksize', 1);
    return { kind: 'scale', factor: [b, b] };
  },
});

registerRule('', ['SpaceToDepth'], {
  infer: (ctx) => {
    const [n, c, h, w] = rank4(ctx);
    const b = ctx.int('blocksize', 0);
    if (b < 1) ctx.fail('blocksize must be positive');
    for (const d of [h, w]) if (typeof d === 'number' && d % b !== 0) ctx.fail(`spatial size ${d} is not divisible by blocksize ${b}`);
    return [{ dtype: ctx.dtype(0), shape: [n, mul(c, b * b), floorDiv(h, b), floorDiv(w, b)] }];
  },
  spatial: (ctx) => {
    const b = ctx.int('blocksize', 1);
    return { kind: 'window', kernel: [b, b], stride: [b, b], dilation: [1, 1] };
  },
});

function rank4(ctx: RuleContext): Shape {
  const x = ctx.shape(0);
  if (x.length !== 4) ctx.fail(`${ctx.node.opType} needs a rank-4 input, got rank ${x.length}`);
  return x;
}
