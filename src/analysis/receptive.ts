import type { Shape } from '../ir/types';
import type { SpatialEffect } from './registry';

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
  const merged = mergeFields(inputs.filter((f): f is FieldState => f !== null && f.rf.length === want));
  if (!merged) return null;
  const { rf, jump } = merged;
  switch (effect.kind) {
    case 'pass':
      return merged;
    case 'window':
      return {
        rf: rf.map((r, i) => r + ((effect.kernel[i] - 1) * effect.dilation[i]) * jump[i]),
        jump: jump.map((j, i) => j * effect.stride[i]),
      };
    case 'transposed':
      return {
        rf: rf.map((r, i) => r + (Math.ceil(((effect.kernel[i] - 1) * effect.dilation[i] + 1) / effect.stride[i]) - 1) * jump[i]),
        jump: jump.map((j, i) => j / effect.stride[i]),
      };
    case 'scale':
      return { rf: [...rf], jump: jump.map((j, i) => j / effect.factor[i]) };
  }
}

function mergeFields(fields: FieldState[]): FieldState | null {
  if (fields.length === 0) return null;
  const rf = [...fields[0].rf];
  const jump = [...fields[0].jump];
  for (const f of fields.slice(1)) {
    for (let i = 0; i < rf.length; i++) {
      rf[i] = Math.max(rf[i], f.rf[i]);
      jump[i] = Math.max(jump[i], f.jump[i]);
    }
  }
  return { rf, jump };
}
