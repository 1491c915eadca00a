import type { TensorData } from '../ir/types';
import { bytesOf, tensorFromBytes } from '../ir/tensor';

/** Float32 arrays and the small tensor arithmetic the lowering needs (kernel transposes, He init). */

export function floatTensor(name: string, dims: number[], data: Float32Array): TensorData {
  return tensorFromBytes(name, 'float32', dims, bytesOf(data));
}

export function int64Tensor(name: string, values: number[]): TensorData {
  return tensorFromBytes(name, 'int64', [values.length], bytesOf(BigInt64Array.from(values.map((v) => BigInt(v)))));
}

/** Row-major transpose: out[perm-ordered index] = in[index]; out dims = perm.map(p => dims[p]). */
export function permute(data: ArrayLike<number>, dims: number[], perm: number[]): Float32Array {
  const rank = dims.length;
  const outDims = perm.map((p) => dims[p]);
  const inStrides = new Array<number>(rank);
  let acc = 1;
  for (let i = rank - 1; i >= 0; i--) {
    inStrides[i] = acc;
    acc *= dims[i];
  }
  const out = new Float32Array(acc);
  const idx = new Array<number>(rank).fill(0);
  const strideByOut = perm.map((p) => inStrides[p]);
  for (let o = 0; o < acc; o++) {
    let src = 0;
    for (let k = 0; k < rank; k++) src += idx[k] * strideByOut[k];
    out[o] = data[src];
    for (let k = rank - 1; k >= 0; k--) {
      if (++idx[k] < outDims[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}


/** He (Kaiming) normal initialisation: N(0, 2/fan_in), by Box–Muller from the seeded PRNG. */
export function heNormal(count: number, fanIn: number, rand: () => number): Float32Array {
  const std = Math.sqrt(2 / Math.max(1, fanIn));
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = Math.max(rand(), 1e-12);
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

export function filled(count: number, v: number): Float32Array {
  return new Float32Array(count).fill(v);
}
