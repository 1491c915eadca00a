import * as l10n from '@vscode/l10n';
import type { Shape } from '../../ir/types';
import { dimsConflict } from '../dims';
import { registerRule, type OutputState, type RuleContext } from '../registry';
import { normAxis } from '../context';
import { PASS } from './common';

/**
 * Normalisation (ai.onnx). MACs are 0: normalisation is a per-element scale and shift (see
 * docs/figures.md), like the other elementwise ops.
 */

function checkChannels(ctx: RuleContext, x: Shape, from: number, to: number): void {
  for (let i = from; i <= to; i++) {
    const p = ctx.inputs[i]?.shape;
    if (p && p.length === 1 && x.length > 1 && dimsConflict(p[0], x[1])) {
      ctx.warn('channel-mismatch', l10n.t("'{0}' has {1} values but the input has {2} channels", ctx.node.inputs[i], String(p[0]), String(x[1])));
    }
  }
}

registerRule('', ['BatchNormalization'], {
  // Outputs: Y; in training mode (opset 14+: training_mode=1) running mean and var; before opset 14
  // the optional mean, var, saved_mean, saved_var, each of shape [C].
  infer: (ctx) => {
    const x = ctx.shape(0);
    checkChannels(ctx, x, 1, 4);
    const c = ctx.inputs[1]?.shape ?? [x[1]];
    const outs: OutputState[] = [{ dtype: ctx.dtype(0), shape: x }];
    const statType = ctx.dtype(3) === 'undefined' ? ctx.dtype(0) : ctx.dtype(3);
    for (let i = 1; i < ctx.node.outputs.length; i++) outs.push({ dtype: statType, shape: c });
    return outs;
  },
  // scale and bias are learned; the running mean and variance are stored statistics, not parameters.
  roles: () => ['data', 'weight', 'weight', 'buffer', 'buffer'],
  spatial: () => PASS,
});

registerRule('', ['InstanceNormalization'], {
  infer: (ctx) => {
    const x = ctx.shape(0);
    checkChannels(ctx, x, 1, 2);
    return [{ dtype: ctx.dtype(0), shape: x }];
  },
  roles: () => ['data', 'weight', 'weight'],
  spatial: () => PASS,
});

registerRule('', ['GroupNormalization'], {
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: ctx.shape(0) }],
  roles: () => ['data', 'weight', 'weight'],
  spatial: () => PASS,
});

registerRule('', ['LRN', 'LpNormalization', 'MeanVarianceNormalization'], {
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: ctx.shape(0) }],
  spatial: () => PASS,
});

registerRule('', ['LayerNormalization'], {
  // Outputs: Y, and optionally Mean and InvStdDev, whose normalised axes are kept as 1.
  infer: (ctx) => {
    const x = ctx.shape(0);
    const axis = normAxis(ctx, ctx.int('axis'), x.length);
    const reduced: Shape = x.map((d, i) => (i < axis ? d : 1));
    const stash = ctx.int('stash_type') === 1 ? 'float32' : ctx.dtype(0);
    return ctx.node.outputs.map((_, i) => (i === 0 ? { dtype: ctx.dtype(0), shape: x } : { dtype: stash, shape: reduced }));
  },
  roles: () => ['data', 'weight', 'weight'],
  spatial: () => PASS,
});
