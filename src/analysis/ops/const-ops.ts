import type { DType, Dim } from '../../ir/types';
import { freshSymbol, numel } from '../dims';
import { isFloat } from '../context';
import { registerRule } from '../registry';
import { castValues, FOLD_LIMIT, onnxDType } from './common';

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
    const t = ctx.tensorAttr('value');
    const dtype: DType = t?.dtype ?? 'float32';
    const fill = t && !t.missing ? (t.values()[0] ?? 0) : 0;
    const n = numel(dims);
    const value = n !== null && n <= FOLD_LIMIT ? new Array<number>(n).fill(fill) : undefined;
    return [{ dtype, shape: dims, value }];
  },
  roles: () => ['config'],
});

registerRule('', ['Cast'], {
  infer: (ctx) => {
    const to = onnxDType(ctx, ctx.int('to', 0));
    const v = ctx.value(0);
    return [{ dtype: to, shape: ctx.shape(0), value: v && castValues(v, to), dims: isFloat(to) ? undefined : ctx.inputs[0]?.dims }];
  },
  spatial: () => ({ kind: 'pass' }),
});

registerRule('', ['CastLike'], {
  infer: (ctx) => {
    const to = ctx.dtype(1);
    const v = ctx.value(0);
    return [{ dtype: to, shape: ctx.shape(0), value: v && castValues(v, to) }];
  },
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
    const n = Math.max(Math.ceil((l - s) / d), 0);
    const value = n <= FOLD_LIMIT ? Array.from({ length: n }, (_, i) => s + i * d) : undefined;
    return [{ dtype: ctx.dtype(0), shape: [n], value }];
  },
  roles: () => ['config', 'config', 'config'],
});

registerRule('', ['EyeLike'], {
  infer: (ctx) => {
    const code = ctx.int('dtype', -1);
    return [{ dtype: code >= 0 ? onnxDType(ctx, code) : ctx.dtype(0), shape: ctx.shape(0) }];
  },
});

registerRule('', ['RandomNormal', 'RandomUniform'], {
  infer: (ctx) => [{ dtype: onnxDType(ctx, ctx.int('dtype', 1)), shape: ctx.ints('shape') ?? ctx.fail('no shape attribute') }],
});

registerRule('', ['RandomNormalLike', 'RandomUniformLike', 'Bernoulli'], {
  infer: (ctx) => {
    const code = ctx.int('dtype', -1);
    return [{ dtype: code >= 0 ? onnxDType(ctx, code) : ctx.dtype(0), shape: ctx.shape(0) }];
  },
});

/** NonZero's count depends on the data: the output is [rank, nnz] with a named unknown dim. */
registerRule('', ['NonZero'], {
  infer: (ctx) => {
    const nnz: Dim = freshSymbol('nnz', ctx.node.outputs[0]);
    return [{ dtype: 'int64', shape: [ctx.shape(0).length, nnz] }];
  },
});
