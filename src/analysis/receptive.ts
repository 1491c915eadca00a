import type { Shape } from '../ir/types';
import type { SpatialEffect } from './registry';
import { fieldThrough } from './window/geometry';

/**
 * Receptive field and effective stride (jump) per spatial axis, in input pixels:
 *   window:     r_out = r_in + (k_eff − 1)·j_in,           j_out = j_in·s
 *   transposed: r_out = r_in + (ceil(k_eff/s) − 1)·j_in,   j_out = j_in / s
 *   scale:      r_out = r_in,                               j_out = j_in / f
 * with k_eff = (k − 1)·d + 1. Where branches merge (Add, Concat…) the largest r and j per axis win.
 */
export interface FieldState {
  rf: number[];
  jump: number[];
}

export function propagateField(effect: SpatialEffect, inputs: (FieldState | null)[], outShape: Shape): FieldState | null {
  if (effect.kind === 'none') return null;
  const outAxes = effect.axes?.length ?? Math.max(0, outShape.length - 2);
  const want = effect.kind === 'window' || effect.kind === 'transposed' ? effect.kernel.length : effect.kind === 'scale' ? effect.factor.length : outAxes;
  if (want === 0 || want !== outAxes) return null;
  const merged = mergeFields(inputs, want);
  if (!merged) return null;
  const { rf, jump } = merged;
  switch (effect.kind) {
    case 'pass':
      return merged;
    case 'window':
    case 'transposed':
      return fieldThrough(effect.kind, effect.kernel, effect.stride, effect.dilation, rf, jump);
    case 'scale':
      return { rf: [...rf], jump: jump.map((j, i) => j / effect.factor[i]) };
  }
}

/** The largest field and jump per axis over the inputs with `want` spatial axes. With one such
 * input (a chain) that input's state itself is returned: states are never modified, only replaced. */
function mergeFields(inputs: (FieldState | null)[], want: number): FieldState | null {
  let first: FieldState | null = null;
  let merged: FieldState | null = null;
  for (const f of inputs) {
    if (f === null || f.rf.length !== want) continue;
    if (first === null) {
      first = f;
      continue;
    }
    merged ??= { rf: [...first.rf], jump: [...first.jump] };
    for (let i = 0; i < want; i++) {
      merged.rf[i] = Math.max(merged.rf[i], f.rf[i]);
      merged.jump[i] = Math.max(merged.jump[i], f.jump[i]);
    }
  }
  return merged ?? first;
}
