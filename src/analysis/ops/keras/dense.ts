import { registerRule } from '../../registry';
import { prod } from '../window';
import { passEffect } from './layout';
import { kerasParams } from './params';
import { MAX_SIZE } from '../../guard';

/** Keras Dense: applies to the last axis, so [N, ..., in] -> [N, ..., units]. */
registerRule('keras', ['Dense'], {
  infer: (ctx) => {
    const x = ctx.shape(0);
    const units = ctx.int('units', 0);
    if (!Number.isInteger(units) || units < 1 || units > MAX_SIZE) ctx.fail(`Dense needs 'units' as a positive integer, got ${JSON.stringify(ctx.attr('units'))}`);
    if (x.length < 2) ctx.fail(`Dense expects an input of rank ≥ 2, got shape [${x.join(', ')}]`);
    return [{ dtype: ctx.dtype(0), shape: [...x.slice(0, -1), units] }];
  },
  params: kerasParams,
  // MACs = ∏(output dims but the last)·in_features·units
  macs: (ctx, [y]) => {
    const x = ctx.shape(0);
    return y.shape ? prod(y.shape) * prod([x[x.length - 1]]) : 0;
  },
  // On a feature map Dense acts at each position (a 1×1 conv): the receptive field passes through.
  spatial: (ctx) => passEffect(ctx.node.attributes, ctx.shape(0).length),
});
