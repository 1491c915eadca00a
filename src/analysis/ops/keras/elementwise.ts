import type { Dim, Shape } from '../../../ir/types';
import { add, broadcastDim } from '../../dims';
import { registerRule, type RuleContext } from '../../registry';
import { passEffect } from './layout';
import { kerasParams } from './params';

/** Keras layers that keep the shape (activations, dropout, noise, rescaling) and the merges. */

const SAME_SHAPE = [
  'Activation', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Softmax', 'Dropout', 'SpatialDropout1D',
  'SpatialDropout2D', 'SpatialDropout3D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'Rescaling',
  'Normalization', 'ActivityRegularization', 'Masking', 'Identity',
];

registerRule('keras', SAME_SHAPE, {
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: ctx.shape(0) }],
  params: kerasParams,
  spatial: (ctx) => passEffect(ctx.node.attributes, ctx.shape(0).length),
});

/** Keras merges broadcast like numpy; a disagreement on the last (channel) axis is a channel mismatch. */
function mergeShape(ctx: RuleContext): Shape {
  if (ctx.node.inputs.length < 2) ctx.fail(`${ctx.node.opType} needs at least two inputs, got ${ctx.node.inputs.length}`);
  const shapes = ctx.node.inputs.map((_, i) => ctx.shape(i));
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Dim[] = new Array(rank).fill(1);
  for (const [k, s] of shapes.entries()) {
    for (let i = 0; i < s.length; i++) {
      const oi = rank - s.length + i;
      const d = broadcastDim(out[oi], s[i]);
      if (d === null) {
        const last = oi === rank - 1;
        ctx.fail(
          `input ${k + 1} ('${ctx.node.inputs[k]}') has shape [${s.join(', ')}], which does not match [${out.join(', ')}] ` +
            `on axis ${oi}${last ? ' (channel counts disagree)' : ''}`,
          last ? 'channel-mismatch' : 'shape-mismatch',
        );
      }
      out[oi] = d as Dim;
    }
  }
  return out;
}

registerRule('keras', ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum'], {
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: mergeShape(ctx) }],
  spatial: (ctx) => passEffect(ctx.node.attributes, ctx.shape(0).length),
});

registerRule('keras', ['Concatenate'], {
  infer: (ctx) => {
    if (ctx.node.inputs.length < 1) ctx.fail('Concatenate needs inputs');
    const shapes = ctx.node.inputs.map((_, i) => ctx.shape(i));
    const rank = shapes[0].length;
    const a0 = ctx.int('axis', -1);
    const axis = a0 < 0 ? a0 + rank : a0;
    if (axis < 0 || axis >= rank) ctx.fail(`axis ${a0} is out of range for rank ${rank}`);
    const out: Dim[] = [...shapes[0]];
    for (const [k, s] of shapes.entries()) {
      if (s.length !== rank) ctx.fail(`input ${k + 1} has rank ${s.length}, the first has rank ${rank}`);
      if (k === 0) continue;
      for (let i = 0; i < rank; i++) {
        if (i === axis) continue;
        if (broadcastDim(out[i], s[i]) === null || (typeof out[i] === 'number' && typeof s[i] === 'number' && out[i] !== s[i])) {
          ctx.fail(`input ${k + 1} ('${ctx.node.inputs[k]}') has shape [${s.join(', ')}]; all inputs must match [${shapes[0].join(', ')}] except on axis ${axis}`, 'shape-mismatch');
        }
      }
      out[axis] = add(out[axis], s[axis]);
    }
    return [{ dtype: ctx.dtype(0), shape: out }];
  },
  spatial: (ctx) => passEffect(ctx.node.attributes, ctx.shape(0).length),
});

registerRule('keras', ['InputLayer'], {
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: ctx.shape(0) }],
  spatial: (ctx) => passEffect(ctx.node.attributes, ctx.shape(0).length),
});
