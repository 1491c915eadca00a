import { applyActivation } from './activation';
import type { Layout } from './builder';
import { attr, fail, num, type Emitter, type LowerCtx } from './context';
import { filled } from './tensors';

/** Activations, dropout-like identities, rescaling and the merges. Elementwise layers run in
 * whichever layout their input already has, so they add no transposes. */

function layoutOf(c: LowerCtx, keras: string): Layout {
  return c.b.rank(keras) > 2 && c.b.has(keras, 'cf') ? 'cf' : 'cl';
}

function unary(c: LowerCtx, f: (x: string, layout: Layout) => string): void {
  const layout = layoutOf(c, c.ins[0]);
  c.done(f(c.b.get(c.ins[0], layout), layout), layout);
}

export const activation: Emitter = (c) =>
  unary(c, (x, l) => applyActivation(c.b, c.node.attributes.activation, x, c.outShape.length, l, c.node.name));

export const identity: Emitter = (c) => unary(c, (x) => c.b.op('Identity', [x]));

export const relu: Emitter = (c) => {
  if (num(c, 'threshold', 0) !== 0) fail(c, 'ReLU with a threshold is not lowered');
  const slope = num(c, 'negative_slope', 0);
  const maxValue = attr(c, 'max_value');
  unary(c, (x) => {
    let y = slope !== 0 ? c.b.op('LeakyRelu', [x], { alpha: slope }) : c.b.op('Relu', [x]);
    if (typeof maxValue === 'number') y = c.b.op('Min', [y, c.b.floatConst('max_value', [], filled(1, maxValue))]);
    return y;
  });
};

export const leakyRelu: Emitter = (c) => {
  const alpha = num(c, 'negative_slope', num(c, 'alpha', 0.3));
  unary(c, (x) => c.b.op('LeakyRelu', [x], { alpha }));
};

export const elu: Emitter = (c) => unary(c, (x) => c.b.op('Elu', [x], { alpha: num(c, 'alpha', 1) }));

export const softmax: Emitter = (c) => {
  const a = attr(c, 'axis');
  const axis = Array.isArray(a) ? (a[0] as number) : typeof a === 'number' ? a : -1;
  const rank = c.outShape.length;
  const norm = axis < 0 ? axis + rank : axis;
  unary(c, (x, l) => c.b.op('Softmax', [x], { axis: l === 'cf' && norm === rank - 1 ? 1 : l === 'cf' && norm > 0 ? norm + 1 : norm }));
};

export const prelu: Emitter = (c) => {
  const s = c.w.spec('alpha');
  c.done(c.b.op('PRelu', [c.b.get(c.ins[0], 'cl'), c.b.floatConst(`${c.node.name}/alpha`, s.shape, c.w.get('alpha'))]), 'cl');
};

export const rescaling: Emitter = (c) => {
  const scale = num(c, 'scale', 1);
  const offset = num(c, 'offset', 0);
  unary(c, (x) => c.b.op('Add', [c.b.op('Mul', [x, c.b.floatConst('scale', [], filled(1, scale))]), c.b.floatConst('offset', [], filled(1, offset))]));
};

const MERGE_OPS: Record<string, string> = { Add: 'Add', Subtract: 'Sub', Multiply: 'Mul', Maximum: 'Max', Minimum: 'Min', Average: 'Mean' };

export const merge: Emitter = (c) => {
  const layout = c.ins.every((t) => c.b.rank(t) > 2) ? layoutOf(c, c.ins[0]) : 'cl';
  const xs = c.ins.map((t) => c.b.get(t, layout));
  const op = MERGE_OPS[c.node.opType];
  let y: string;
  if (op === 'Max' || op === 'Min' || op === 'Mean') y = c.b.op(op, xs);
  else y = xs.slice(1).reduce((acc, x) => c.b.op(op, [acc, x]), xs[0]);
  c.done(y, layout);
};

export const concat: Emitter = (c) => {
  const rank = c.outShape.length;
  const layout = rank > 2 ? layoutOf(c, c.ins[0]) : 'cl';
  const a = num(c, 'axis', -1);
  const axis = a < 0 ? a + rank : a;
  const onnxAxis = layout === 'cl' ? axis : axis === rank - 1 ? 1 : axis === 0 ? 0 : axis + 1;
  c.done(c.b.op('Concat', c.ins.map((t) => c.b.get(t, layout)), { axis: onnxAxis }), layout);
};
