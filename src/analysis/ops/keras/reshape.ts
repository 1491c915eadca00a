import type { Dim, Shape } from '../../../ir/types';
import { mul } from '../../dims';
import { registerRule } from '../../registry';

/** Keras Flatten, Reshape, Permute (all leave the batch axis alone). */

registerRule('keras', ['Flatten'], {
  infer: (ctx) => {
    const x = ctx.shape(0);
    let n: Dim = 1;
    for (const d of x.slice(1)) n = mul(n, d);
    return [{ dtype: ctx.dtype(0), shape: [x[0], n] }];
  },
  spatial: () => ({ kind: 'none' }),
});

registerRule('keras', ['Reshape'], {
  infer: (ctx) => {
    const x = ctx.shape(0);
    // TF.js writes the free axis (-1) as null.
    const raw = ctx.attr('target_shape');
    const target = Array.isArray(raw) && raw.every((d) => d === null || Number.isInteger(d)) ? raw.map((d) => (d === null ? -1 : (d as number))) : undefined;
    if (!target) return ctx.fail("Reshape needs 'target_shape' (the shape without the batch axis)");
    const known = x.slice(1).every((d) => typeof d === 'number');
    const total = known ? (x.slice(1) as number[]).reduce((a, b) => a * b, 1) : null;
    const free = target.filter((d) => d === -1).length;
    if (free > 1) ctx.fail(`target_shape [${target.join(', ')}] has more than one -1`);
    const fixed = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    let out: Shape = [...target];
    if (total !== null) {
      if (free === 1) {
        if (fixed === 0 || total % fixed !== 0) ctx.fail(`cannot reshape ${total} values per sample into [${target.join(', ')}]`);
        out = target.map((d) => (d === -1 ? total / fixed : d));
      } else if (fixed !== total) {
        ctx.fail(`cannot reshape ${total} values per sample ([${x.slice(1).join(', ')}]) into [${target.join(', ')}] (${fixed} values)`);
      }
    } else if (free === 1) {
      out = target.map((d) => (d === -1 ? '?' : d));
    }
    return [{ dtype: ctx.dtype(0), shape: [x[0], ...out] }];
  },
  spatial: () => ({ kind: 'none' }),
});

registerRule('keras', ['Permute'], {
  infer: (ctx) => {
    const x = ctx.shape(0);
    const dims = ctx.ints('dims');
    if (!dims) return ctx.fail("Permute needs 'dims' (1-based axes, batch excluded)");
    const sorted = [...dims].sort((a, b) => a - b);
    if (dims.length !== x.length - 1 || sorted.some((d, i) => d !== i + 1)) {
      ctx.fail(`dims [${dims.join(', ')}] is not a permutation of 1..${x.length - 1}`);
    }
    return [{ dtype: ctx.dtype(0), shape: [x[0], ...dims.map((d) => x[d])] }];
  },
  spatial: () => ({ kind: 'none' }),
});
