import type { Dim, Shape } from '../../ir/types';
import { add, dimsConflict, mul, sub } from '../dims';
import { registerRule, type RuleContext } from '../registry';
import { spatialRank } from './common';
import { prod, readWindow, windowFormula, windowOutput, type WindowParams } from './window';

/** Conv and ConvTranspose (ai.onnx), 1-D/2-D/3-D, grouped, dilated, auto_pad. */

function kernelOf(ctx: RuleContext, nsp: number): number[] {
  const k = ctx.ints('kernel_shape');
  if (k) return k;
  const w = ctx.input(1).shape;
  if (!w) return ctx.fail(`kernel_shape is not given and the weight '${ctx.node.inputs[1]}' has an unknown shape`);
  const ks = w.slice(2);
  if (ks.length !== nsp || ks.some((d) => typeof d !== 'number')) {
    return ctx.fail(`cannot read the kernel size from the weight shape [${w.join(', ')}]`);
  }
  return ks as number[];
}

function convParams(ctx: RuleContext): { x: Shape; w: WindowParams; group: number } {
  const x = ctx.shape(0);
  if (x.length < 3) ctx.fail(`Conv input must have rank ≥ 3 (N, C, spatial…), got rank ${x.length}`);
  const nsp = spatialRank(x);
  return { x, w: readWindow(ctx, nsp, kernelOf(ctx, nsp)), group: ctx.int('group', 1) };
}

function convInfer(ctx: RuleContext): Shape {
  const { x, w, group } = convParams(ctx);
  const ws = ctx.input(1).shape;
  const cout: Dim = ws ? ws[0] : ctx.fail(`the weight '${ctx.node.inputs[1]}' has an unknown shape`);
  if (ws) {
    if (ws.length !== x.length) ctx.fail(`weight rank ${ws.length} does not match input rank ${x.length}`, 'channel-mismatch');
    const expected = mul(ws[1], group);
    if (dimsConflict(x[1], expected)) {
      ctx.warn(
        'channel-mismatch',
        `input has ${x[1]} channels but the weight expects ${ws[1]}·group ${group} = ${expected}`,
      );
    }
    if (typeof ws[0] === 'number' && ws[0] % group !== 0) {
      ctx.warn('channel-mismatch', `${ws[0]} output channels are not divisible by group ${group}`);
    }
  }
  const b = ctx.inputs[2]?.shape;
  if (b && b.length === 1 && dimsConflict(b[0], cout)) {
    ctx.warn('channel-mismatch', `bias has ${b[0]} values but the conv has ${cout} output channels`);
  }
  return [x[0], cout, ...windowOutput(ctx, x.slice(2), w)];
}

registerRule('', ['Conv'], {
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: convInfer(ctx) }],
  roles: () => ['data', 'weight', 'weight'],
  // MACs = N·Cout·∏out_spatial · (Cin/group)·∏kernel
  macs: (ctx, [y]) => {
    const ws = ctx.input(1).shape;
    if (!y.shape || !ws) return 0;
    return prod(y.shape) * prod(ws.slice(1));
  },
  spatial: (ctx) => {
    const { w } = convParams(ctx);
    return { kind: 'window', kernel: w.kernel, stride: w.strides, dilation: w.dilations };
  },
  formulas: (ctx, [y]) => {
    const { x, w } = convParams(ctx);
    return x.slice(2).map((s, i) => windowFormula(x.length - 2, i, s, w, y.shape?.[i + 2] ?? '?'));
  },
});

function transposeInfer(ctx: RuleContext): Shape {
  const { x, w, group } = convParams(ctx);
  const ws = ctx.shape(1);
  const nsp = x.length - 2;
  if (dimsConflict(x[1], ws[0])) {
    ctx.warn('channel-mismatch', `input has ${x[1]} channels but the weight's first dim is ${ws[0]}`);
  }
  const cout = mul(ws[1], group);
  const outPad = ctx.ints('output_padding') ?? new Array(nsp).fill(0);
  const outShape = ctx.ints('output_shape');
  let spatial: Dim[];
  if (outShape) {
    spatial = outShape.slice(outShape.length - nsp);
  } else if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER') {
    // Spec: output_shape[i] = input_shape[i] * strides[i] when auto_pad is SAME_*.
    spatial = x.slice(2).map((d, i) => mul(d, w.strides[i]));
  } else {
    const pads = w.autoPad === 'VALID' ? new Array(2 * nsp).fill(0) : w.pads;
    // out = s·(in − 1) + output_padding + (k − 1)·d + 1 − pad_begin − pad_end
    spatial = x.slice(2).map((d, i) => {
      const keff = (w.kernel[i] - 1) * w.dilations[i] + 1;
      return add(mul(sub(d, 1), w.strides[i]), outPad[i] + keff - pads[i] - pads[i + nsp]);
    });
  }
  for (let i = 0; i < nsp; i++) {
    const d = spatial[i];
    if (typeof d === 'number' && d < 1) ctx.fail(`output size ${d} along spatial axis ${i} is not positive`, 'kernel-too-large');
  }
  return [x[0], cout, ...spatial];
}

registerRule('', ['ConvTranspose'], {
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: transposeInfer(ctx) }],
  roles: () => ['data', 'weight', 'weight'],
  // MACs = N·Cin·∏in_spatial · (Cout/group)·∏kernel  (every input pixel scatters one kernel)
  macs: (ctx) => {
    const x = ctx.input(0).shape;
    const ws = ctx.input(1).shape;
    if (!x || !ws) return 0;
    return prod(x) * prod(ws.slice(1));
  },
  spatial: (ctx) => {
    const { w } = convParams(ctx);
    return { kind: 'transposed', kernel: w.kernel, stride: w.strides, dilation: w.dilations };
  },
});
