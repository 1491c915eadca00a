import type { HostTensor } from '../tensorView';

/** Row-major strides of `dims`. */
export function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1] * dims[i + 1];
  return s;
}

/** The value at `index` (one entry per axis). */
export function valueAt(t: HostTensor, index: readonly number[]): number {
  if (index.length !== t.dims.length) throw new Error(`${t.name}: index of rank ${index.length} for a tensor of rank ${t.dims.length}`);
  const s = strides(t.dims);
  let off = 0;
  for (let i = 0; i < index.length; i++) {
    if (index[i] < 0 || index[i] >= t.dims[i]) throw new Error(`${t.name}: index ${index[i]} out of 0…${t.dims[i] - 1} on axis ${i}`);
    off += index[i] * s[i];
  }
  return t.data[off];
}

/** Every combination of one entry per list, the last list varying fastest (the kernel's order). */
export function product<T>(lists: readonly (readonly T[])[]): T[][] {
  let out: T[][] = [[]];
  for (const l of lists) out = out.flatMap((p) => l.map((v) => [...p, v]));
  return out;
}
