import type { Dim, Shape } from '../../ir/types';
import { dimsConflict } from '../dims';
import { registerRule, type RuleContext } from '../registry';
import { broadcastShapes, NONE } from './common';
import { prod } from './window';

/** Matrix products (ai.onnx): Gemm, MatMul, Einsum. */

function gemmDims(ctx: RuleContext): { m: Dim; k: Dim; n: Dim } {
  const a = ctx.shape(0);
  const b = ctx.shape(1);
  if (a.length !== 2 || b.length !== 2) ctx.fail(`Gemm needs rank-2 A and B, got [${a.join(', ')}] and [${b.join(', ')}]`);
  const [m, k] = ctx.int('transA', 0) ? [a[1], a[0]] : [a[0], a[1]];
  const [k2, n] = ctx.int('transB', 0) ? [b[1], b[0]] : [b[0], b[1]];
  if (dimsConflict(k, k2)) {
    ctx.fail(`A has ${k} columns but B has ${k2} rows (transA=${ctx.int('transA', 0)}, transB=${ctx.int('transB', 0)})`, 'channel-mismatch');
  }
  return { m, k, n };
}

registerRule('', ['Gemm'], {
  infer: (ctx) => {
    const { m, n } = gemmDims(ctx);
    const c = ctx.inputs[2]?.shape;
    if (c) broadcastShapes(ctx, [[m, n], c]);
    return [{ dtype: ctx.dtype(0), shape: [m, n] }];
  },
  roles: (ctx) => ['data', ctx.inputs[1]?.constant ? 'weight' : 'data', 'weight'],
  // MACs = M·N·K
  macs: (ctx) => {
    const { m, k, n } = gemmDims(ctx);
    return prod([m, k, n]);
  },
  spatial: () => NONE,
});

/** numpy matmul: 1-D operands get a dim prepended/appended then removed; batch dims broadcast. */
function matmulShape(ctx: RuleContext): { shape: Shape; k: Dim } {
  const a = ctx.shape(0);
  const b = ctx.shape(1);
  if (a.length === 0 || b.length === 0) ctx.fail('MatMul operands must have rank ≥ 1');
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const k = a2[a2.length - 1];
  const kb = b2[b2.length - 2];
  if (dimsConflict(k, kb)) ctx.fail(`inner dims disagree: [${a.join(', ')}] × [${b.join(', ')}] (${k} vs ${kb})`, 'channel-mismatch');
  const batch = broadcastShapes(ctx, [a2.slice(0, -2), b2.slice(0, -2)]);
  const shape: Shape = [...batch];
  if (a.length > 1) shape.push(a2[a2.length - 2]);
  if (b.length > 1) shape.push(b2[b2.length - 1]);
  return { shape, k };
}

registerRule('', ['MatMul'], {
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: matmulShape(ctx).shape }],
  // MACs = ∏output · K
  macs: (ctx) => {
    const { shape, k } = matmulShape(ctx);
    return prod(shape) * prod([k]);
  },
  spatial: () => NONE,
});

function parseEinsum(ctx: RuleContext): { ins: string[]; out: string } {
  const eq = ctx.str('equation', '').replace(/\s+/g, '');
  if (eq.includes('...')) ctx.fail('Einsum with ellipsis is not supported by the analysis');
  const [lhs, rhs] = eq.split('->');
  const ins = lhs.split(',');
  if (ins.length !== ctx.node.inputs.length) ctx.fail(`equation '${eq}' names ${ins.length} operands for ${ctx.node.inputs.length} inputs`);
  let out = rhs;
  if (out === undefined) {
    // Implicit output: letters used once, in alphabetical order.
    const counts = new Map<string, number>();
    for (const ch of ins.join('')) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    out = [...counts].filter(([, c]) => c === 1).map(([ch]) => ch).sort().join('');
  }
  return { ins, out };
}

function einsumSizes(ctx: RuleContext): Map<string, Dim> {
  const { ins } = parseEinsum(ctx);
  const sizes = new Map<string, Dim>();
  ins.forEach((term, i) => {
    const s = ctx.shape(i);
    if (s.length !== term.length) ctx.fail(`operand ${i} has rank ${s.length} but '${term}' names ${term.length} axes`);
    [...term].forEach((ch, a) => {
      const prev = sizes.get(ch);
      if (prev === undefined || prev === 1) sizes.set(ch, s[a]);
      else if (s[a] !== 1 && dimsConflict(prev, s[a])) ctx.fail(`index '${ch}' is ${prev} in one operand and ${s[a]} in another`);
    });
  });
  return sizes;
}

registerRule('', ['Einsum'], {
  infer: (ctx) => {
    const { out } = parseEinsum(ctx);
    const sizes = einsumSizes(ctx);
    return [{ dtype: ctx.dtype(0), shape: [...out].map((ch) => sizes.get(ch) ?? ctx.fail(`output index '${ch}' is not in any operand`)) }];
  },
  // MACs = product of every index size (one multiply-add per point of the joint index space), for 2+ operands
  macs: (ctx) => (ctx.node.inputs.length < 2 ? 0 : prod([...einsumSizes(ctx).values()])),
  spatial: () => NONE,
});
