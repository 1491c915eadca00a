import type { Dim, Shape } from '../../ir/types';
import { add, ceilDiv, dimsConflict, floorDiv, maxDim, minDim, mul, sub } from '../dims';
import { normAxis } from '../context';
import { registerRule, type OutputState, type RuleContext } from '../registry';
import { concrete, FOLD_LIMIT, PASS } from './common';

/** Ops that cut, join or pick parts of tensors (ai.onnx): Concat, Split, Slice, Gather, Pad. 0 MACs. */

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
    const shape = shapes[0].map((d, a) => (a === axis ? total : d));
    const out: OutputState = { dtype: ctx.dtype(present[0]), shape };
    if (rank === 1) {
      const dims = present.map((i) => ctx.shapeValue(i));
      if (dims.every((d) => d)) {
        out.dims = dims.flatMap((d) => d as Dim[]);
        if (out.dims.every((d) => typeof d === 'number')) out.value = out.dims as number[];
      }
    } else if (present.every((i) => ctx.value(i)) && axis === 0) {
      out.value = present.flatMap((i) => ctx.value(i) as number[]);
    }
    return [out];
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

registerRule('', ['Slice'], {
  // opset 1–9: starts/ends/axes attributes; 10+: inputs starts, ends, axes, steps.
  infer: (ctx) => {
    const x = ctx.shape(0);
    const fromInput = ctx.attr('starts') === undefined;
    const need = (i: number, what: string) => ctx.value(i) ?? ctx.fail(`the ${what} input is not a constant the analysis can fold`);
    const starts = fromInput ? need(1, 'starts') : ctx.ints('starts') ?? ctx.fail('Slice has no starts');
    const ends = fromInput ? need(2, 'ends') : ctx.ints('ends') ?? ctx.fail('Slice has no ends');
    const axes = (fromInput ? (ctx.inputs[3] ? need(3, 'axes') : undefined) : ctx.ints('axes')) ?? starts.map((_, i) => i);
    const steps = (fromInput && ctx.inputs[4] ? need(4, 'steps') : undefined) ?? starts.map(() => 1);
    const shape: Dim[] = [...x];
    const picks: [number, number, number][] = x.map((d) => [0, typeof d === 'number' ? d : 0, 1]);
    for (let k = 0; k < axes.length; k++) {
      const a = normAxis(ctx, axes[k], x.length);
      if (steps[k] === 0) ctx.fail('a slice step is 0');
      const d = x[a];
      if (typeof d === 'number') {
        const [s, n] = sliceAxis(d, starts[k], ends[k], steps[k]);
        shape[a] = n;
        picks[a] = [s, n, steps[k]];
      } else {
        shape[a] = symbolicSlice(ctx, a, d, starts[k], ends[k], steps[k]);
      }
    }
    const out: OutputState = { dtype: ctx.dtype(0), shape };
    const src = ctx.shapeValue(0);
    if (x.length === 1 && src && typeof shape[0] === 'number') {
      const [s, n, st] = picks[0];
      out.dims = Array.from({ length: n }, (_, i) => src[s + i * st]);
      if (out.dims.every((d) => typeof d === 'number')) out.value = out.dims as number[];
    }
    return [out];
  },
  roles: () => ['data', 'config', 'config', 'config', 'config'],
  spatial: () => PASS,
});

function gatherValues(x: number[], axis: number, idx: number[], src: Dim[]): Dim[] | undefined {
  const outer = x.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = x.slice(axis + 1).reduce((a, b) => a * b, 1);
  if (outer * idx.length * inner > FOLD_LIMIT) return undefined;
  const out: Dim[] = [];
  for (let o = 0; o < outer; o++) {
    for (const raw of idx) {
      const i = raw < 0 ? raw + x[axis] : raw;
      for (let k = 0; k < inner; k++) out.push(src[(o * x[axis] + i) * inner + k]);
    }
  }
  return out;
}

registerRule('', ['Gather'], {
  // out shape = x[:axis] + indices.shape + x[axis+1:]
  infer: (ctx) => {
    const x = ctx.shape(0);
    const ind = ctx.shape(1);
    const axis = normAxis(ctx, ctx.int('axis', 0), x.length);
    const shape = [...x.slice(0, axis), ...ind, ...x.slice(axis + 1)];
    const out: OutputState = { dtype: ctx.dtype(0), shape };
    const src = ctx.shapeValue(0);
    const idx = ctx.value(1);
    const cx = concrete(x);
    if (src && idx && cx) {
      for (const i of idx) if (i < -cx[axis] || i >= cx[axis]) ctx.fail(`index ${i} is out of range for axis ${axis} of size ${cx[axis]}`);
      out.dims = gatherValues(cx, axis, idx, src);
      if (out.dims?.every((d) => typeof d === 'number')) out.value = out.dims as number[];
      if (x.length > 1) out.dims = undefined;
    }
    return [out];
  },
  // An embedding table (a constant float input 0) is a weight; the indices are data.
  roles: (ctx) => [ctx.inputs[0]?.constant && ctx.dtype(0).startsWith('float') ? 'weight' : 'data', 'data'],
});

registerRule('', ['GatherElements'], {
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: ctx.shape(1) }],
});

registerRule('', ['ScatterElements', 'ScatterND', 'Scatter'], {
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: ctx.shape(0) }],
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
  roles: () => ['data', 'config', 'config', 'config'],
  spatial: () => PASS,
});

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
