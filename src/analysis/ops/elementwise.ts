import type { DType } from '../../ir/types';
import { registerRule, type OpRule, type RuleContext } from '../registry';
import { isInteger } from '../context';
import { broadcastShapes, castValues, foldBroadcast, PASS } from './common';

/**
 * Elementwise ops and activations (ai.onnx), numpy broadcasting. MACs are 0 for all of them: they
 * do a constant amount of work per element and no weight multiply-accumulate (see docs/figures.md).
 * Small constant inputs are folded so that shape arithmetic (Mul/Add/Div on Shape outputs) resolves.
 */

type Fold = (xs: number[], dtype: DType) => number;

function binaryRule(fold: Fold | undefined, outType?: DType): OpRule {
  return {
    infer: (ctx) => {
      const present = ctx.inputs.map((_, i) => i).filter((i) => ctx.inputs[i]);
      const shapes = present.map((i) => ctx.shape(i));
      const shape = broadcastShapes(ctx, shapes);
      const dtype = outType ?? ctx.dtype(0);
      const value = fold
        ? foldBroadcast(shapes, present.map((i) => ctx.value(i)), shape, (xs) => fold(xs, ctx.dtype(0)))
        : undefined;
      return [{ dtype, shape, value: value && castValues(value, dtype) }];
    },
    spatial: () => PASS,
  };
}

const intDiv = (a: number, b: number, t: DType): number => (isInteger(t) ? Math.trunc(a / b) : a / b);

registerRule('', ['Add'], binaryRule(([a, b]) => a + b));
registerRule('', ['Sub'], binaryRule(([a, b]) => a - b));
registerRule('', ['Mul'], binaryRule(([a, b]) => a * b));
registerRule('', ['Div'], binaryRule(([a, b], t) => intDiv(a, b, t)));
registerRule('', ['Pow'], binaryRule(([a, b]) => a ** b));
registerRule('', ['Mod'], binaryRule(([a, b]) => a - Math.floor(a / b) * b));
registerRule('', ['Sum'], binaryRule((xs) => xs.reduce((s, x) => s + x, 0)));
registerRule('', ['Max'], binaryRule((xs) => Math.max(...xs)));
registerRule('', ['Min'], binaryRule((xs) => Math.min(...xs)));
registerRule('', ['Mean'], binaryRule((xs) => xs.reduce((s, x) => s + x, 0) / xs.length));
registerRule('', ['BitShift', 'BitwiseAnd', 'BitwiseOr', 'BitwiseXor'], binaryRule(undefined));
registerRule('', ['Equal'], binaryRule(([a, b]) => (a === b ? 1 : 0), 'bool'));
registerRule('', ['Less'], binaryRule(([a, b]) => (a < b ? 1 : 0), 'bool'));
registerRule('', ['LessOrEqual'], binaryRule(([a, b]) => (a <= b ? 1 : 0), 'bool'));
registerRule('', ['Greater'], binaryRule(([a, b]) => (a > b ? 1 : 0), 'bool'));
registerRule('', ['GreaterOrEqual'], binaryRule(([a, b]) => (a >= b ? 1 : 0), 'bool'));
registerRule('', ['And'], binaryRule(([a, b]) => (a && b ? 1 : 0), 'bool'));
registerRule('', ['Or'], binaryRule(([a, b]) => (a || b ? 1 : 0), 'bool'));
registerRule('', ['Xor'], binaryRule(([a, b]) => (!a !== !b ? 1 : 0), 'bool'));

// PRelu broadcasts its slope onto X; the slope is a learned weight even when it is a single value.
registerRule('', ['PRelu'], { ...binaryRule(undefined), roles: () => ['data', 'weight'] });

registerRule('', ['Where'], {
  infer: (ctx) => {
    const shapes = [0, 1, 2].map((i) => ctx.shape(i));
    const shape = broadcastShapes(ctx, shapes);
    const value = foldBroadcast(shapes, [0, 1, 2].map((i) => ctx.value(i)), shape, ([c, x, y]) => (c ? x : y));
    return [{ dtype: ctx.dtype(1), shape, value }];
  },
  spatial: () => PASS,
});

function unaryRule(fold: ((x: number) => number) | undefined, outType?: DType): OpRule {
  return {
    infer: (ctx) => {
      const shape = ctx.shape(0);
      const dtype = outType ?? ctx.dtype(0);
      const v = ctx.value(0);
      return [{ dtype, shape, value: fold && v ? castValues(v.map(fold), dtype) : undefined }];
    },
    spatial: () => PASS,
  };
}

const UNARY: Record<string, ((x: number) => number) | undefined> = {
  Relu: (x) => Math.max(0, x), Neg: (x) => -x, Abs: Math.abs, Sqrt: Math.sqrt, Exp: Math.exp, Log: Math.log,
  Floor: Math.floor, Ceil: Math.ceil, Round: (x) => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r; // round half to even
  },
  Reciprocal: (x) => 1 / x, Sign: Math.sign, Sigmoid: (x) => 1 / (1 + Math.exp(-x)), Tanh: Math.tanh,
  Erf: undefined, Sin: Math.sin, Cos: Math.cos, Tan: Math.tan, Asin: Math.asin, Acos: Math.acos, Atan: Math.atan,
  Sinh: Math.sinh, Cosh: Math.cosh, Asinh: Math.asinh, Acosh: Math.acosh, Atanh: Math.atanh,
  LeakyRelu: undefined, Elu: undefined, Selu: undefined, Celu: undefined, ThresholdedRelu: undefined,
  HardSigmoid: undefined, HardSwish: undefined, Softplus: undefined, Softsign: undefined, Mish: undefined,
  Gelu: undefined, Swish: undefined, Shrink: undefined, BitwiseNot: undefined,
  Softmax: undefined, LogSoftmax: undefined, Hardmax: undefined, Identity: (x) => x,
};
for (const [op, fold] of Object.entries(UNARY)) registerRule('', [op], unaryRule(fold));
registerRule('', ['Not'], unaryRule((x) => (x ? 0 : 1), 'bool'));
registerRule('', ['IsNaN', 'IsInf'], unaryRule(undefined, 'bool'));

// Clip: min/max are inputs from opset 11 on (operator arguments, not weights).
registerRule('', ['Clip'], {
  ...unaryRule(undefined),
  infer: (ctx: RuleContext) => {
    const lo = ctx.value(1)?.[0] ?? ctx.float('min', -Infinity);
    const hi = ctx.value(2)?.[0] ?? ctx.float('max', Infinity);
    const v = ctx.value(0);
    return [{ dtype: ctx.dtype(0), shape: ctx.shape(0), value: v && v.map((x) => Math.min(hi, Math.max(lo, x))) }];
  },
  roles: () => ['data', 'config', 'config'],
});

// Dropout: output, and the optional boolean mask; ratio and training_mode inputs are arguments.
registerRule('', ['Dropout'], {
  infer: (ctx) => {
    const shape = ctx.shape(0);
    const maskType = ctx.opset >= 10 ? 'bool' : ctx.dtype(0);
    return ctx.node.outputs.map((_, i) => ({ dtype: i === 0 ? ctx.dtype(0) : maskType, shape, value: i === 0 ? ctx.value(0) : undefined }));
  },
  roles: () => ['data', 'config', 'config'],
  spatial: () => PASS,
});
