import type { Dim, DType } from '../../ir/types';
import { add, dimEquals, dimsConflict, floorDiv, maxDim, minDim, mul, sub } from '../dims';
import { registerRule, type OpRule, type RuleContext } from '../registry';
import { isInteger } from '../context';
import { broadcastShapes, PASS } from './common';
import { dimsOf, elems, mapBroadcast, nums, outShape } from './kernels';

/**
 * Elementwise ops and activations (ai.onnx), numpy broadcasting. MACs are 0 for all of them: they
 * do a constant amount of work per element and no weight multiply-accumulate (see docs/figures.md).
 * Small constant inputs are folded so that shape arithmetic (Mul/Add/Div on Shape outputs) resolves.
 */

/** One element of an elementwise op: numbers in, a number out; or Dims in (shape arithmetic on
 * Shape outputs) with undefined where a symbolic element cannot be computed. */
type Fold = (xs: Dim[], ctx: RuleContext) => Dim | undefined;

/** An elementwise op of numbers only: symbolic elements give undefined. */
const numeric = (f: (xs: number[], ctx: RuleContext) => number): Fold => (xs, ctx) => (xs.every(isNum) ? f(xs as number[], ctx) : undefined);
const isNum = (x: Dim): x is number => typeof x === 'number';

/** Evaluates an elementwise op over its present inputs with numpy broadcasting. */
function evaluateElementwise(fold: Fold): NonNullable<OpRule['evaluate']> {
  return (ctx, outs) => {
    const present = ctx.inputs.map((_, i) => i).filter((i) => ctx.inputs[i]);
    const values = present.map((i) => elems(ctx, i) ?? []);
    return [mapBroadcast(present.map((i) => dimsOf(ctx, i)), values, outShape(outs), (xs) => fold(xs, ctx))];
  };
}

function binaryRule(fold: Fold | undefined, outType?: DType): OpRule {
  return {
    infer: (ctx) => {
      const present = ctx.inputs.map((_, i) => i).filter((i) => ctx.inputs[i]);
      const shape = broadcastShapes(ctx, present.map((i) => ctx.shape(i)));
      return [{ dtype: outType ?? ctx.dtype(0), shape }];
    },
    evaluate: fold && evaluateElementwise(fold),
    spatial: () => PASS,
  };
}

const intType = (ctx: RuleContext) => isInteger(ctx.dtype(0));

/** Integer division truncates toward zero (C semantics, as ONNX Runtime computes it); symbolic
 * shape elements are non-negative, where that is floor division. */
const divide: Fold = ([a, b], ctx) => {
  if (isNum(a) && isNum(b)) return intType(ctx) ? Math.trunc(a / b) : a / b;
  return intType(ctx) && isNum(b) && b > 0 ? floorDiv(a, b) : undefined;
};

/** Mod: fmod=1 takes the dividend's sign (C fmod), fmod=0 the divisor's (integers only). */
const modulo = numeric(([a, b], ctx) => {
  if (ctx.int('fmod') === 1) return a % b;
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
});

const sum = (xs: Dim[]): Dim => xs.reduce<Dim>((acc, x) => add(acc, x), 0);
const mean = numeric((xs, ctx) => {
  const s = xs.reduce((acc, x) => acc + x, 0) / xs.length;
  return intType(ctx) ? Math.trunc(s) : s;
});
const big = (x: number): bigint => BigInt(Math.trunc(x));
const bitwise = (f: (a: bigint, b: bigint) => bigint) => numeric(([a, b]) => Number(f(big(a), big(b))));

registerRule('', ['Add'], binaryRule(([a, b]) => add(a, b)));
registerRule('', ['Sub'], binaryRule(([a, b]) => sub(a, b)));
registerRule('', ['Mul'], binaryRule(([a, b]) => mul(a, b)));
registerRule('', ['Div'], binaryRule(divide));
registerRule('', ['Pow'], binaryRule(numeric(([a, b]) => a ** b)));
registerRule('', ['Mod'], binaryRule(modulo));
registerRule('', ['Sum'], binaryRule(sum));
registerRule('', ['Max'], binaryRule((xs) => xs.reduce((acc, x) => maxDim(acc, x))));
registerRule('', ['Min'], binaryRule((xs) => xs.reduce((acc, x) => minDim(acc, x))));
registerRule('', ['Mean'], binaryRule(mean));
registerRule('', ['BitwiseAnd'], binaryRule(bitwise((a, b) => a & b)));
registerRule('', ['BitwiseOr'], binaryRule(bitwise((a, b) => a | b)));
registerRule('', ['BitwiseXor'], binaryRule(bitwise((a, b) => a ^ b)));
registerRule('', ['BitShift'], binaryRule(numeric(([a, b], ctx) => (ctx.str('direction', 'LEFT') === 'LEFT' ? a * 2 ** b : Math.floor(a / 2 ** b)))));
/** Equal on symbolic elements: equal spellings are equal, provably different ones are not. */
registerRule('', ['Equal'], binaryRule(([a, b]) => (dimEquals(a, b) ? 1 : dimsConflict(a, b) ? 0 : undefined), 'bool'));
registerRule('', ['Less'], binaryRule(numeric(([a, b]) => (a < b ? 1 : 0)), 'bool'));
registerRule('', ['LessOrEqual'], binaryRule(numeric(([a, b]) => (a <= b ? 1 : 0)), 'bool'));
registerRule('', ['Greater'], binaryRule(numeric(([a, b]) => (a > b ? 1 : 0)), 'bool'));
registerRule('', ['GreaterOrEqual'], binaryRule(numeric(([a, b]) => (a >= b ? 1 : 0)), 'bool'));
registerRule('', ['And'], binaryRule(numeric(([a, b]) => (a && b ? 1 : 0)), 'bool'));
registerRule('', ['Or'], binaryRule(numeric(([a, b]) => (a || b ? 1 : 0)), 'bool'));
registerRule('', ['Xor'], binaryRule(numeric(([a, b]) => (!a !== !b ? 1 : 0)), 'bool'));

// PRelu broadcasts its slope onto X; the slope is a learned weight even when it is a single value.
registerRule('', ['PRelu'], { ...binaryRule(undefined), roles: () => ['data', 'weight'] });

registerRule('', ['Where'], {
  infer: (ctx) => {
    const shape = broadcastShapes(ctx, [0, 1, 2].map((i) => ctx.shape(i)));
    return [{ dtype: ctx.dtype(1), shape }];
  },
  evaluate: evaluateElementwise(([c, x, y]) => (isNum(c) ? (c ? x : y) : undefined)),
  spatial: () => PASS,
});

type Unary = (x: number, ctx: RuleContext) => number;

function unaryRule(fold: Unary | undefined, outType?: DType): OpRule {
  return {
    infer: (ctx) => [{ dtype: outType ?? ctx.dtype(0), shape: ctx.shape(0) }],
    evaluate: fold && ((ctx) => [nums(ctx, 0)?.map((x) => fold(x, ctx))]),
    spatial: () => PASS,
  };
}

/** Round half to even, as ONNX's Round. */
function roundEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const attr = (ctx: RuleContext, name: string, dflt: number) => ctx.float(name, dflt);

const UNARY: Record<string, Unary | undefined> = {
  Relu: (x) => Math.max(0, x), Neg: (x) => -x, Abs: Math.abs, Sqrt: Math.sqrt, Exp: Math.exp, Log: Math.log,
  Floor: Math.floor, Ceil: Math.ceil, Round: roundEven,
  Reciprocal: (x) => 1 / x, Sign: Math.sign, Sigmoid: (x) => 1 / (1 + Math.exp(-x)), Tanh: Math.tanh,
  Erf: undefined, Sin: Math.sin, Cos: Math.cos, Tan: Math.tan, Asin: Math.asin, Acos: Math.acos, Atan: Math.atan,
  Sinh: Math.sinh, Cosh: Math.cosh, Asinh: Math.asinh, Acosh: Math.acosh, Atanh: Math.atanh,
  LeakyRelu: (x, ctx) => (x < 0 ? attr(ctx, 'alpha', 0.01) * x : x),
  Elu: (x, ctx) => (x < 0 ? attr(ctx, 'alpha', 1) * (Math.exp(x) - 1) : x),
  Selu: (x, ctx) => attr(ctx, 'gamma', 1.05070102214813232421875) * (x > 0 ? x : attr(ctx, 'alpha', 1.67326319217681884765625) * (Math.exp(x) - 1)),
  Celu: undefined, ThresholdedRelu: (x, ctx) => (x > attr(ctx, 'alpha', 1) ? x : 0),
  HardSigmoid: (x, ctx) => Math.max(0, Math.min(1, attr(ctx, 'alpha', 0.2) * x + attr(ctx, 'beta', 0.5))),
  HardSwish: (x) => x * Math.max(0, Math.min(1, x / 6 + 0.5)), Softplus: (x) => Math.log(Math.exp(x) + 1),
  Softsign: (x) => x / (1 + Math.abs(x)), Mish: undefined,
  Gelu: undefined, Swish: undefined, Shrink: undefined, BitwiseNot: (x) => Number(~big(x)),
  Softmax: undefined, LogSoftmax: undefined, Hardmax: undefined,
};
for (const [op, fold] of Object.entries(UNARY)) registerRule('', [op], unaryRule(fold));
registerRule('', ['Identity'], { ...unaryRule(undefined), evaluate: (ctx) => [elems(ctx, 0)] });
registerRule('', ['Not'], unaryRule((x) => (x ? 0 : 1), 'bool'));
registerRule('', ['IsNaN'], unaryRule((x) => (Number.isNaN(x) ? 1 : 0), 'bool'));
registerRule('', ['IsInf'], unaryRule((x, ctx) => (x === Infinity ? ctx.int('detect_positive') : x === -Infinity ? ctx.int('detect_negative') : 0), 'bool'));

// Clip: min/max are inputs from opset 11 on (operator arguments, not weights).
registerRule('', ['Clip'], {
  ...unaryRule(undefined),
  evaluate: (ctx: RuleContext) => {
    const lo = ctx.inputs[1] ? nums(ctx, 1)?.[0] : ctx.float('min', -Infinity);
    const hi = ctx.inputs[2] ? nums(ctx, 2)?.[0] : ctx.float('max', Infinity);
    if (lo === undefined || hi === undefined) return [undefined];
    return [nums(ctx, 0)?.map((x) => Math.min(hi, Math.max(lo, x)))];
  },
  roles: () => ['data', 'config', 'config'],
});

// Dropout: output, and the optional boolean mask; ratio and training_mode inputs are arguments.
registerRule('', ['Dropout'], {
  infer: (ctx) => {
    const shape = ctx.shape(0);
    const maskType = ctx.opset >= 10 ? 'bool' : ctx.dtype(0);
    return ctx.node.outputs.map((_, i) => ({ dtype: i === 0 ? ctx.dtype(0) : maskType, shape }));
  },
  // Inference mode: the data passes through (the mask is not folded).
  evaluate: (ctx) => [elems(ctx, 0)],
  roles: () => ['data', 'config', 'config'],
  spatial: () => PASS,
});
