import type { Dim, Shape } from '../../ir/types';
import { floorTimes } from '../dims';
import { normAxis } from '../context';
import { registerRule, type RuleContext, type SpatialEffect } from '../registry';

/**
 * Resampling (ai.onnx): Resize (opset 10: X, scales; 11+: X, roi, scales, sizes; 18+: axes and
 * keep_aspect_ratio_policy) and the deprecated Upsample (scales attribute in opset 7, input in 9).
 * out = floor(in · scale), or the given sizes. 0 MACs (interpolation has no weights).
 */

const floorScale = floorTimes;

function resizeShape(ctx: RuleContext): Shape {
  const x = ctx.shape(0);
  const r = x.length;
  if (ctx.node.opType === 'Upsample') {
    const scales = ctx.ints('scales') ?? ctx.value(1) ?? ctx.fail('the scales input is not a constant the analysis can fold');
    if (scales.length !== r) ctx.fail(`scales has ${scales.length} values for rank ${r}`);
    return x.map((d, i) => floorScale(d, scales[i]));
  }
  const scalesIdx = ctx.opset < 11 ? 1 : 2;
  const axesAttr = ctx.ints('axes');
  const axes = axesAttr ? axesAttr.map((a) => normAxis(ctx, a, r)) : x.map((_, i) => i);
  const sizes = ctx.opset >= 11 && ctx.inputs[3] ? ctx.shapeValue(3) : undefined;
  const scales = ctx.inputs[scalesIdx] ? ctx.value(scalesIdx) : undefined;
  if (ctx.opset >= 11 && ctx.inputs[3] && !sizes) ctx.fail('the sizes input is not a constant the analysis can fold');
  const out: Dim[] = [...x];
  if (sizes && sizes.length > 0) {
    if (sizes.length !== axes.length) ctx.fail(`sizes has ${sizes.length} values for ${axes.length} axes`);
    const policy = ctx.str('keep_aspect_ratio_policy', 'stretch');
    if (policy === 'stretch') {
      axes.forEach((a, i) => (out[a] = sizes[i]));
    } else {
      // One scale for every axis: the smallest (not_larger) or largest (not_smaller) ratio.
      const ratios = axes.map((a, i) => {
        const d = x[a];
        const want = sizes[i];
        if (typeof d !== 'number' || typeof want !== 'number') return ctx.fail('keep_aspect_ratio_policy on a symbolic axis');
        return want / d;
      });
      const s = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
      axes.forEach((a) => (out[a] = Math.round((x[a] as number) * s)));
    }
    return out;
  }
  if (!scales || scales.length === 0) return ctx.fail('Resize has neither constant scales nor sizes');
  if (scales.length !== axes.length) ctx.fail(`scales has ${scales.length} values for ${axes.length} axes`);
  axes.forEach((a, i) => (out[a] = floorScale(x[a], scales[i])));
  return out;
}

function resizeSpatial(ctx: RuleContext, outShape: Shape | null): SpatialEffect {
  const x = ctx.shape(0);
  if (!outShape || x.length < 3) return { kind: 'none' };
  const factor: number[] = [];
  for (let i = 2; i < x.length; i++) {
    const a = x[i];
    const b = outShape[i];
    if (typeof a !== 'number' || typeof b !== 'number' || a === 0) return { kind: 'none' };
    factor.push(b / a);
  }
  return { kind: 'scale', factor };
}

registerRule('', ['Resize', 'Upsample'], {
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: resizeShape(ctx) }],
  roles: () => ['data', 'config', 'config', 'config'],
  spatial: (ctx, [y]) => resizeSpatial(ctx, y.shape),
});
