import type { DType, Dim } from '../../ir/types';
import { freshSymbol } from '../dims';
import { isFloat } from '../context';
import { registerRule } from '../registry';
import { FOLD_LIMIT, onnxDType } from './common';
import { byIndex, dimsOf, elems, nums, outShape, product, rowStrides } from './kernels';

/** Ops that make tensors from attributes or shapes (ai.onnx), and Cast. 0 MACs. */

registerRule('', ['Constant'], {
  infer: (ctx) => {
    const t = ctx.tensorAttr('value');
    if (t) {
      let value: number[] | undefined;
      if (!t.missing && t.dtype !== 'string' && t.dims.reduce((a, b) => a * b, 1) <= FOLD_LIMIT) {
        value = Array.from(t.values());
      }
      return [{ dtype: t.dtype, shape: [...t.dims], value }];
    }
    const a = ctx.node.attributes;
    if (typeof a.value_float === 'number') return [{ dtype: 'float32', shape: [], value: [a.value_float] }];
    if (typeof a.value_int === 'number') return [{ dtype: 'int64', shape: [], value: [a.value_int] }];
    const fl = ctx.ints('value_floats');
    if (fl) return [{ dtype: 'float32', shape: [fl.length], value: fl }];
    const il = ctx.ints('value_ints');
    if (il) return [{ dtype: 'int64', shape: [il.length], value: il }];
    if (typeof a.value_string === 'string') return [{ dtype: 'string', shape: [] }];
    if (Array.isArray(a.value_strings)) return [{ dtype: 'string', shape: [a.value_strings.length] }];
    return ctx.fail('Constant has no value attribute this analysis can read (sparse_value is not supported)');
  },
});

registerRule('', ['ConstantOfShape'], {
  // The output holds one repeated value (default float32 0); big ones keep their shape only.
  infer: (ctx) => {
    const dims = ctx.shapeValue(0) ?? ctx.fail(`the shape input '${ctx.node.inputs[0]}' is not a constant the analysis can fold`);
    for (const d of dims) if (typeof d === 'number' && d < 0) ctx.fail(`shape [${dims.join(', ')}] has a negative dim`);
    const dtype: DType = ctx.tensorAttr('value')?.dtype ?? 'float32';
    return [{ dtype, shape: dims }];
  },
  // Called only for small outputs: the engine checks the inferred shape first.
  evaluate: (ctx, outs) => {
    const t = ctx.tensorAttr('value');
    const fill = t && !t.missing ? (t.values()[0] ?? 0) : 0;
    return [new Array<number>(product(outShape(outs))).fill(fill)];
  },
  roles: () => ['config'],
});

registerRule('', ['Cast'], {
  storedInput: 0,
  infer: (ctx) => {
    return [{ dtype: onnxDType(ctx, ctx.int('to', 0)), shape: ctx.shape(0) }];
  },
  // The engine rounds to the target type (integers truncate toward zero); symbolic dims stay
  // symbolic through a cast to another integer type.
  evaluate: (ctx) => [isFloat(ctx.dtype(0)) ? nums(ctx, 0) : elems(ctx, 0)],
  spatial: () => ({ kind: 'pass' }),
});

registerRule('', ['CastLike'], {
  infer: (ctx) => {
    return [{ dtype: ctx.dtype(1), shape: ctx.shape(0) }];
  },
  evaluate: (ctx) => [nums(ctx, 0)],
  roles: () => ['data', 'config'],
  spatial: () => ({ kind: 'pass' }),
});

registerRule('', ['Range'], {
  // count = max(ceil((limit − start) / delta), 0)
  infer: (ctx) => {
    const [s, l, d] = [0, 1, 2].map((i) => ctx.value(i)?.[0]);
    if (s === undefined || l === undefined || d === undefined) {
      return [{ dtype: ctx.dtype(0), shape: [freshSymbol('range', ctx.node.outputs[0])] }];
    }
    if (d === 0) ctx.fail('Range delta is 0');
    const span = ctx.dtype(0) === 'float32' ? Math.fround(l - s) : l - s;
    return [{ dtype: ctx.dtype(0), shape: [Math.max(Math.ceil(span / d), 0)] }];
  },
  // ONNX Runtime adds delta n times (a float32 range accumulates float32 rounding).
  evaluate: (ctx, outs) => {
    const [s, , d] = [0, 1, 2].map((i) => nums(ctx, i)?.[0] ?? 0);
    const round = ctx.dtype(0) === 'float32' ? Math.fround : (x: number) => x;
    const out: number[] = [];
    let v = s;
    for (let i = 0; i < outShape(outs)[0]; i++, v = round(v + d)) out.push(v);
    return [out];
  },
  roles: () => ['config', 'config', 'config'],
});

registerRule('', ['EyeLike'], {
  infer: (ctx) => {
    const code = ctx.int('dtype', -1);
    return [{ dtype: code >= 0 ? onnxDType(ctx, code) : ctx.dtype(0), shape: ctx.shape(0) }];
  },
  evaluate: (ctx, outs) => {
    const k = ctx.int('k');
    return [byIndex(outShape(outs), ([i, j]) => (j - i === k ? 1 : 0))];
  },
});

registerRule('', ['RandomNormal', 'RandomUniform'], {
  infer: (ctx) => [{ dtype: onnxDType(ctx, ctx.int('dtype')), shape: ctx.ints('shape') ?? ctx.fail('no shape attribute') }],
});

registerRule('', ['RandomNormalLike', 'RandomUniformLike', 'Bernoulli'], {
  infer: (ctx) => {
    const code = ctx.int('dtype', -1);
    return [{ dtype: code >= 0 ? onnxDType(ctx, code) : ctx.dtype(0), shape: ctx.shape(0) }];
  },
});

/** NonZero's count depends on the data: [rank, nnz] with a named unknown dim, or the count
 * itself when the input is a folded constant. */
registerRule('', ['NonZero'], {
  infer: (ctx) => {
    const v = ctx.value(0);
    const nnz: Dim = v ? v.reduce((n, x) => n + (x ? 1 : 0), 0) : freshSymbol('nnz', ctx.node.outputs[0]);
    // ONNX Runtime reads a scalar as one element of rank 1.
    return [{ dtype: 'int64', shape: [Math.max(1, ctx.shape(0).length), nnz] }];
  },
  evaluate: (ctx) => {
    const x = dimsOf(ctx, 0).length === 0 ? [1] : dimsOf(ctx, 0);
    const v = nums(ctx, 0) ?? [];
    const st = rowStrides(x);
    const hits = v.flatMap((e, k) => (e ? [k] : []));
    return [x.flatMap((_, a) => hits.map((k) => Math.floor(k / st[a]) % x[a]))];
  },
});
