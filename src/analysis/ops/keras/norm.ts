
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


/** Local response normalisation across channels, in tf.nn.local_response_normalization's terms
 * (the form AlexNet's paper and our notes write it): depth_radius r, bias k, alpha α, beta β,
 * b = a / (k + α·Σ a²)^β over 2r+1 neighbouring channels. Shape kept, no weights. */
const LRN_NUMBERS: [string, (v: number) => boolean, string][] = [
  ['depth_radius', (v) => Number.isInteger(v) && v >= 0 && v <= 1024, 'a whole number from 0 to 1024'],
  ['bias', (v) => Number.isFinite(v), 'a finite number'],
  ['alpha', (v) => Number.isFinite(v), 'a finite number'],
  ['beta', (v) => Number.isFinite(v), 'a finite number'],
];

registerRule('keras', ['LRN'], {
  infer: (ctx) => {
    for (const [key, ok, what] of LRN_NUMBERS) {
      const v = ctx.node.attributes[key];
      if (v !== undefined && v !== null && (typeof v !== 'number' || !ok(v))) ctx.fail(`LRN '${key}' must be ${what}, got ${JSON.stringify(v)}`);
    }
    return [{ dtype: ctx.dtype(0), shape: ctx.shape(0) }];
  },
  params: kerasParams,
  spatial: (ctx) => passEffect(ctx.node.attributes, ctx.shape(0).length),
});
