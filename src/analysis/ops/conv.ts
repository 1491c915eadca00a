import * as l10n from '@vscode/l10n';
import type { Dim, Shape } from '../../ir/types';
import { dimsConflict, mul } from '../dims';
import { registerRule, type RuleContext } from '../registry';
import { spatialRank } from './common';
import { nodeWindow, prod, readWindow, windowEffect, windowOutput, type WindowParams } from './window';

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

function convParams(ctx: RuleContext, kind: 'window' | 'transposed' = 'window'): { x: Shape; w: WindowParams; group: number } {
  const x = ctx.shape(0);
  if (x.length < 3) ctx.fail(`${ctx.node.opType} input must have rank ≥ 3 (N, C, spatial…), got rank ${x.length}`);
  const nsp = spatialRank(x);
  const group = ctx.int('group', 1);
  if (!Number.isSafeInteger(group) || group < 1) ctx.fail(`group must be a positive integer, got ${group}`);
  if (typeof x[1] === 'number' && x[1] % group !== 0) ctx.fail(`the input's ${x[1]} channels are not divisible by group ${group}`, 'channel-mismatch');
  return { x, w: readWindow(ctx, nsp, kernelOf(ctx, nsp), kind), group };
}

function convWindow(ctx: RuleContext, y: Shape | null, kind: 'window' | 'transposed') {
  const { x, w, group } = convParams(ctx, kind);
  const cout = y?.[1] ?? null;
  return nodeWindow(w, x.slice(2), y?.slice(2), { groups: group, depthwise: kind === 'window' && group > 1 && x[1] === group, outChannels: cout });
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
        l10n.t('input has {0} channels but the weight expects {1}', String(x[1]), `${ws[1]}·group ${group} = ${expected}`),
      );
    }
    if (typeof ws[0] === 'number' && ws[0] % group !== 0) {
      ctx.fail(`${ws[0]} output channels are not divisible by group ${group}`, 'channel-mismatch');
    }
  }
  const b = ctx.inputs[2]?.shape;
  if (b && b.length === 1 && dimsConflict(b[0], cout)) {
    ctx.warn('channel-mismatch', l10n.t('bias has {0} values but the conv has {1} output channels', String(b[0]), String(cout)));
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
  spatial: (ctx) => windowEffect(convParams(ctx).w),
  window: (ctx, [y]) => convWindow(ctx, y.shape, 'window'),
});

function transposeInfer(ctx: RuleContext): Shape {
  const { x, w, group } = convParams(ctx, 'transposed');
  const ws = ctx.shape(1);
  if (dimsConflict(x[1], ws[0])) {
    ctx.warn('channel-mismatch', l10n.t("input has {0} channels but the weight's first dim is {1}", String(x[1]), String(ws[0])));
  }
  const cout: Dim = mul(ws[1], group);
  return [x[0], cout, ...windowOutput(ctx, x.slice(2), w)];
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
  spatial: (ctx) => windowEffect(convParams(ctx, 'transposed').w),
  window: (ctx, [y]) => convWindow(ctx, y.shape, 'transposed'),
});
