import type { DType, Shape } from '../../ir/types';
import { isFloat, normAxis } from '../context';
import { ceilDiv, dimsConflict, formatShape, numel } from '../dims';
import { registerRule, type InputRole, type OpRule, type RuleContext } from '../registry';
import { onnxDType, PASS } from './common';
import { floatRule, pickInputs, withDtype } from './remap';

/**
 * Quantisation operators of ai.onnx (and their com.microsoft twins): QuantizeLinear and
 * DequantizeLinear (per-tensor, per-axis from opset 13, blocked from opset 21), DynamicQuantizeLinear,
 * and the integer layers QLinearConv, ConvInteger, QLinearMatMul, MatMulInteger. Scales and zero
 * points are quantisation metadata ('config', never parameters); quantised weights are parameters of
 * their stored type; an integer layer's MACs are its float twin's (docs/figures.md).
 */

/** Checks a scale (and its zero point) against x: one value, one per slice of `axis`, or blocked. */
function checkQuantParams(ctx: RuleContext, x: Shape, scaleAt: number, zpAt: number): void {
  const s = ctx.inputs[scaleAt]?.shape;
  const z = ctx.inputs[zpAt]?.shape;
  const name = ctx.node.inputs[scaleAt];
  if (s && z && (s.length !== z.length || s.some((d, i) => dimsConflict(d, z[i])))) {
    ctx.fail(`the zero point '${ctx.node.inputs[zpAt]}' ${formatShape(z)} does not match the scale '${name}' ${formatShape(s)}`);
  }
  if (!s) return;
  const block = ctx.int('block_size', 0);
  const standard = ctx.node.domain === '' || ctx.node.domain === 'ai.onnx';
  if (block > 0) {
    if (standard && ctx.opset < 21) ctx.fail(`block_size needs opset 21; the model declares ${ctx.opset}`);
    const axis = normAxis(ctx, ctx.int('axis', 1), x.length);
    const want = x.map((d, i) => (i === axis ? ceilDiv(d, block) : d));
    if (s.length !== x.length || s.some((d, i) => dimsConflict(d, want[i]))) {
      ctx.fail(`blocked quantisation (block_size ${block}, axis ${axis}) of ${formatShape(x)} needs a scale of shape ${formatShape(want)}, got ${formatShape(s)}`);
    }
    return;
  }
  if (s.length === 0 || (s.length === 1 && s[0] === 1)) return;
  if (s.length !== 1) ctx.fail(`the scale '${name}' ${formatShape(s)} is neither one value nor one per slice (a 1-D tensor)`);
  if (standard && ctx.opset < 13) ctx.fail(`per-axis scales need opset 13; the model declares ${ctx.opset} (scale '${name}' ${formatShape(s)})`);
  const axis = normAxis(ctx, ctx.int('axis', 1), x.length);
  if (dimsConflict(s[0], x[axis])) ctx.fail(`the scale '${name}' has ${s[0]} values but axis ${axis} of ${formatShape(x)} has ${x[axis]}`);
}

/** QuantizeLinear's output type: its zero point's, else output_dtype (opset 21), else uint8. */
function quantisedType(ctx: RuleContext): DType {
  if (ctx.inputs[2]) return ctx.dtype(2);
  const code = ctx.int('output_dtype', 0);
  return code ? onnxDType(ctx, code) : 'uint8';
}

/** DequantizeLinear's output type: output_dtype (opset 23), else the scale's (float16/bfloat16 from
 * opset 19), else float32. */
function dequantisedType(ctx: RuleContext): DType {
  const code = ctx.node.domain === '' && ctx.opset >= 23 ? ctx.int('output_dtype', 0) : 0;
  if (code) return onnxDType(ctx, code);
  const t = ctx.dtype(1);
  return isFloat(t) ? t : 'float32';
}

const QUANTIZE: OpRule = {
  infer: (ctx) => {
    const x = ctx.shape(0);
    checkQuantParams(ctx, x, 1, 2);
    return [{ dtype: quantisedType(ctx), shape: x }];
  },
  roles: () => ['data', 'config', 'config'],
  spatial: () => PASS,
  storedInput: 0,
};

const DEQUANTIZE: OpRule = {
  infer: (ctx) => {
    const x = ctx.shape(0);
    checkQuantParams(ctx, x, 1, 2);
    return [{ dtype: dequantisedType(ctx), shape: x }];
  },
  roles: () => ['data', 'config', 'config'],
  spatial: () => PASS,
  storedInput: 0,
};

for (const domain of ['', 'com.microsoft']) {
  registerRule(domain, ['QuantizeLinear'], QUANTIZE);
  registerRule(domain, ['DequantizeLinear'], DEQUANTIZE);
}

registerRule('', ['DynamicQuantizeLinear'], {
  // y (uint8, x's shape), y_scale and y_zero_point (scalars computed from x's range at run time).
  infer: (ctx) => [
    { dtype: 'uint8', shape: ctx.shape(0) },
    { dtype: 'float32', shape: [] },
    { dtype: 'uint8', shape: [] },
  ],
  spatial: () => PASS,
});

/** A weight input is a parameter when it is a constant; a second activation (A·B of two tensors) is not. */
export function weightIfConstant(ctx: RuleContext, i: number): InputRole {
  return ctx.inputs[i]?.constant ? 'weight' : 'data';
}

/** The integer scale of w: one value or one per output channel (its first dim). */
function checkPerChannel(ctx: RuleContext, wAt: number, scaleAt: number): void {
  const w = ctx.inputs[wAt]?.shape;
  const s = ctx.inputs[scaleAt]?.shape;
  if (!w || !s) return;
  const n = numel(s);
  if (n === 1) return;
  if (s.length !== 1 || dimsConflict(s[0], w[0])) {
    ctx.fail(`the weight scale '${ctx.node.inputs[scaleAt]}' ${formatShape(s)} is neither one value nor one per output channel (${w[0]})`);
  }
}

/** A quantised layer that computes its float twin on the inputs at `picks`, with its own output type. */
export function integerLayer(float: string, picks: number[], outType: (ctx: RuleContext) => DType, roles: (ctx: RuleContext) => InputRole[], check?: (ctx: RuleContext) => void): OpRule {
  const twin = (ctx: RuleContext) => pickInputs(ctx, picks);
  const rule: OpRule = {
    twin: float,
    infer: (ctx) => {
      check?.(ctx);
      return withDtype(floatRule(float).infer(twin(ctx)), outType(ctx));
    },
    roles,
    macs: (ctx, outs) => floatRule(float).macs?.(twin(ctx), outs) ?? 0,
    spatial: (ctx, outs) => floatRule(float).spatial?.(twin(ctx), outs) ?? { kind: 'none' },
  };
  const window = floatRule(float).window;
  if (window) rule.window = (ctx, outs) => window(twin(ctx), outs);
  return rule;
}

/** The type of a zero point input, or uint8 when it is omitted (the ONNX default). */
export const zeroPointType = (at: number) => (ctx: RuleContext): DType => (ctx.inputs[at] ? ctx.dtype(at) : 'uint8');

const C = 'config' as const;

// x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B (int32)
const QLINEAR_CONV = integerLayer('Conv', [0, 3, 8], zeroPointType(7), () => ['data', C, C, 'weight', C, C, C, C, 'weight'], (ctx) => checkPerChannel(ctx, 3, 4));
registerRule('', ['QLinearConv'], QLINEAR_CONV);
registerRule('', ['ConvInteger'], integerLayer('Conv', [0, 1], () => 'int32', () => ['data', 'weight', C, C]));
registerRule('', ['MatMulInteger'], integerLayer('MatMul', [0, 1], () => 'int32', (ctx) => ['data', weightIfConstant(ctx, 1), C, C]));
// a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point
registerRule('', ['QLinearMatMul'], integerLayer('MatMul', [0, 3], zeroPointType(7), (ctx) => ['data', C, C, weightIfConstant(ctx, 3), C, C, C, C]));

export { QLINEAR_CONV };
