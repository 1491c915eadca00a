import type { DType } from '../../ir/types';
import { registerRule, type InputRole, type OpRule, type OutputState, type RuleContext, type TensorState } from '../registry';
import { PASS } from './common';
import { integerLayer, QLINEAR_CONV, weightIfConstant, zeroPointType } from './quant';
import { floatRule, pickInputs, toChannelsFirst, toChannelsLast, withDtype } from './remap';

/**
 * The com.microsoft quantised operators that ONNX Runtime's quantiser (QOperator format) and its
 * graph optimiser write for CNNs, input lists per ONNX Runtime's ContribOperators.md. Each computes
 * its float twin on 8-bit data, so its shape, MACs and window come from that twin's rule; scales and
 * zero points are 'config'. A constant second operand of QLinearAdd/QLinearMul is a quantised bias
 * or scale the quantiser folded in: a parameter, as the float Add's constant is.
 */

const MS = 'com.microsoft';
const C = 'config' as const;

/** The float twin on `picks`, NHWC inputs re-laid out as NCHW when channels_last = 1 (and the outputs back). */
function twinOutputs(ctx: RuleContext, float: string, picks: number[], outType: DType): OutputState[] {
  const last = ctx.int('channels_last', 0) === 1;
  const states = last
    ? picks.map((i, k): TensorState | null => {
        const s = ctx.inputs[i];
        // Only the data input (first pick) is laid out NHWC; weights stay OIHW.
        return s && k === 0 && s.shape ? { ...s, shape: toChannelsFirst(s.shape) } : s ?? null;
      })
    : undefined;
  const outs = floatRule(float).infer(pickInputs(ctx, picks, states));
  return withDtype(outs, outType).map((o) => (last && o.shape ? { ...o, shape: toChannelsLast(o.shape) } : o));
}

function twinRule(float: string, picks: number[], outType: (ctx: RuleContext) => DType, roles: (ctx: RuleContext) => InputRole[]): OpRule {
  const layered = (ctx: RuleContext) => ctx.int('channels_last', 0) === 1;
  const rule: OpRule = {
    twin: float,
    infer: (ctx) => twinOutputs(ctx, float, picks, outType(ctx)),
    roles,
    macs: (ctx, outs) => (layered(ctx) ? 0 : floatRule(float).macs?.(pickInputs(ctx, picks), outs) ?? 0),
    // The receptive-field pass reads NCHW axes; an NHWC layer keeps none rather than a wrong one.
    spatial: (ctx, outs) => (layered(ctx) ? { kind: 'none' } : floatRule(float).spatial?.(pickInputs(ctx, picks), outs) ?? PASS),
  };
  const window = floatRule(float).window;
  // An NHWC layer has no window in NCHW terms: it is drawn without one rather than with a wrong one.
  if (window) rule.window = (ctx, outs) => (layered(ctx) ? ctx.fail('channels_last layer') : window(pickInputs(ctx, picks), outs));
  return rule;
}

const binaryRoles = (ctx: RuleContext): InputRole[] => [constantOperand(ctx, 0), C, C, constantOperand(ctx, 3), C, C, C, C];

/** A constant operand with more than one element is a folded-in parameter (a bias); a scalar is arithmetic. */
function constantOperand(ctx: RuleContext, i: number): InputRole {
  const s = ctx.inputs[i];
  if (!s?.constant || !s.shape) return 'data';
  return s.shape.reduce<number>((n, d) => n * (typeof d === 'number' ? d : 1), 1) > 1 ? 'weight' : 'data';
}

// A, A_scale, A_zero_point, B, B_scale, B_zero_point, C_scale, C_zero_point → C (A's type)
registerRule(MS, ['QLinearAdd'], twinRule('Add', [0, 3], (ctx) => ctx.dtype(0), binaryRoles));
registerRule(MS, ['QLinearMul'], twinRule('Mul', [0, 3], (ctx) => ctx.dtype(0), binaryRoles));

// X, X_scale, X_zero_point, Y_scale, Y_zero_point → Y (X's type)
const unaryRoles = (): InputRole[] => ['data', C, C, C, C];
registerRule(MS, ['QLinearSigmoid'], twinRule('Sigmoid', [0], (ctx) => ctx.dtype(0), unaryRoles));
registerRule(MS, ['QLinearLeakyRelu'], twinRule('LeakyRelu', [0], (ctx) => ctx.dtype(0), unaryRoles));
registerRule(MS, ['QLinearSoftmax'], twinRule('Softmax', [0], (ctx) => ctx.dtype(0), unaryRoles));
registerRule(MS, ['QLinearAveragePool'], twinRule('AveragePool', [0], (ctx) => ctx.dtype(0), unaryRoles));
registerRule(MS, ['QLinearGlobalAveragePool'], twinRule('GlobalAveragePool', [0], (ctx) => ctx.dtype(0), unaryRoles));
// data, data_scale, data_zero_point, reduced_scale, reduced_zero_point; axes and keepdims are attributes.
registerRule(MS, ['QLinearReduceMean'], twinRule('ReduceMean', [0], (ctx) => ctx.dtype(0), unaryRoles));

// Y_scale, Y_zero_point, then (tensor, scale, zero point) per input → Y (Y_zero_point's type)
registerRule(MS, ['QLinearConcat'], {
  twin: 'Concat',
  infer: (ctx) => {
    const n = ctx.node.inputs.length - 2;
    if (n < 3 || n % 3 !== 0) ctx.fail(`QLinearConcat takes Y_scale, Y_zero_point and (tensor, scale, zero point) triples; got ${ctx.node.inputs.length} inputs`);
    const picks = Array.from({ length: n / 3 }, (_, k) => 2 + 3 * k);
    return withDtype(floatRule('Concat').infer(pickInputs(ctx, picks)), ctx.dtype(1));
  },
  roles: (ctx) => ctx.node.inputs.map((_, i) => (i >= 2 && (i - 2) % 3 === 0 ? 'data' : C)),
  spatial: () => PASS,
});

// condition, X, x_scale, x_zero_point, Y, y_scale, y_zero_point, z_scale, z_zero_point → Z
registerRule(MS, ['QLinearWhere'], twinRule('Where', [0, 1, 4], (ctx) => ctx.dtype(1), () => ['data', 'data', C, C, 'data', C, C, C, C]));

// x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B; channels_last (NHWC x)
registerRule(MS, ['QLinearConv'], {
  ...twinRule('Conv', [0, 3, 8], zeroPointType(7), () => ['data', C, C, 'weight', C, C, C, C, 'weight']),
  infer: (ctx) => (ctx.int('channels_last', 0) === 1 ? twinOutputs(ctx, 'Conv', [0, 3, 8], zeroPointType(7)(ctx)) : QLINEAR_CONV.infer(ctx)),
});

// A, a_scale, a_zero_point, B, b_scale, b_zero_point, C (int32), y_scale, y_zero_point: float out
// without y_scale, else quantised (y_zero_point's type, uint8 when omitted).
registerRule(MS, ['QGemm'], integerLayer('Gemm', [0, 3, 6], (ctx) => (ctx.inputs[7] ? zeroPointType(8)(ctx) : 'float32'),
  (ctx) => ['data', C, C, weightIfConstant(ctx, 3), C, C, 'weight', C, C]));

// A, B, a_scale, b_scale, a_zero_point, b_zero_point, bias → float (a_scale's type)
registerRule(MS, ['MatMulIntegerToFloat'], integerLayer('MatMul', [0, 1], (ctx) => ctx.dtype(2),
  (ctx) => ['data', weightIfConstant(ctx, 1), C, C, C, C, 'weight']));
// A (float), B (8-bit), b_scale, b_zero_point, bias → float (A's type)
registerRule(MS, ['DynamicQuantizeMatMul'], integerLayer('MatMul', [0, 1], (ctx) => ctx.dtype(0),
  (ctx) => ['data', weightIfConstant(ctx, 1), C, C, 'weight']));
