
import { registerRule, type RuleContext } from '../../registry';
import { passEffect } from './layout';
import { kerasParams } from './params';

/** Keras BatchNormalization and LayerNormalization: shape kept; MACs 0 as for ONNX normalisation
 * (a per-element scale and shift). BatchNormalization's moving mean/variance count as buffers. */

function checkAxes(ctx: RuleContext): void {
  const x = ctx.shape(0);
  const a = ctx.attr('axis');
  const axes = Array.isArray(a) ? a : [a ?? -1];
  for (const v of axes) {
    if (typeof v !== 'number' || v >= x.length || v < -x.length) ctx.fail(`axis ${JSON.stringify(v)} is out of range for an input of rank ${x.length}`);
  }
}

for (const op of ['BatchNormalization', 'LayerNormalization']) {
  registerRule('keras', [op], {
    infer: (ctx) => {
      checkAxes(ctx);
      return [{ dtype: ctx.dtype(0), shape: ctx.shape(0) }];
    },
    params: kerasParams,
    spatial: (ctx) => passEffect(ctx.node.attributes, ctx.shape(0).length),
  });
}

