/**
 * The engine's last line against nonsense figures: whatever a rule computes from a file's attributes
 * and inputs (a negative group, an infinite Range limit, a kernel of 1e308), no dim, receptive field or
 * figure a user reads may be negative, fractional, NaN or infinite. Rules reject what they know is
 * invalid with their own message; anything that still slips through is caught here, in one place,
 * with a message naming the node.
 */
import type { Node, Shape } from '../ir/types';
import { ModelError } from '../ir/types';
import { formatShape } from './dims';
import type { OutputState } from './registry';
import type { NodeFigures, Totals } from './types';

/** Largest size (a dim, a Keras filters/units count) ConvLens takes as meant: int32, as the runtimes use. */
export const MAX_SIZE = 2 ** 31 - 1;

/** True for a dim a tensor can have: a non-negative safe integer, or a symbolic expression. */
export function validDim(d: unknown): boolean {
  return typeof d === 'string' || (typeof d === 'number' && Number.isSafeInteger(d) && d >= 0);
}

/** The first numeric dim of `shape` that no tensor can have, or undefined. */
export function invalidDim(shape: Shape | null | undefined): number | undefined {
  if (!shape) return undefined;
  for (const d of shape) if (!validDim(d)) return d as number;
  return undefined;
}

/** A shape the file declares (a graph input, an initializer): an impossible dim ends the analysis with one line. */
export function assertDims(shape: Shape | null | undefined, where: string): void {
  const bad = invalidDim(shape);
  if (bad !== undefined) throw new ModelError(`declares dim ${bad} in ${formatShape(shape ?? null)}; a dim is a whole number from 0 to 2^53`, where);
}

/** Outputs with an impossible dim become unknown, with a warning naming the node (the engine calls this on every rule's result). */
export function guardOutputs(node: Node, outs: OutputState[], warn: (message: string) => void): OutputState[] {
  let out = outs;
  for (let i = 0; i < outs.length; i++) {
    const o = outs[i];
    const bad = invalidDim(o?.shape);
    if (bad === undefined) continue;
    warn(`${node.opType} output ${i} ('${node.outputs[i] ?? ''}') would have dim ${bad} (${formatShape(o.shape)}): an attribute or input value of the node is invalid`);
    if (out === outs) out = outs.slice();
    out[i] = { dtype: o.dtype, shape: null };
  }
  return out;
}

/** Receptive field sizes and jumps: positive and finite, or the field is not reported. */
export function validField(f: { rf: number[]; jump: number[] } | null | undefined): boolean {
  return !!f && f.rf.every((x) => Number.isFinite(x) && x > 0) && f.jump.every((x) => Number.isFinite(x) && x > 0);
}

const FIGURES = ['params', 'macs', 'activationBytes', 'buffers'] as const;

/** Figures past any real model (infinite, negative, NaN) end the analysis with one line naming the node. */
export function guardFigures(nodes: Map<string, NodeFigures>, totals: Totals): void {
  for (const f of nodes.values()) {
    for (const k of FIGURES) {
      const v = f[k];
      // Counts of weights are whole; MACs and bytes need only be finite (an average pool's MACs are whole too, but not by rule).
      const whole = k === 'params' || k === 'buffers';
      if (typeof v === 'number' && !(Number.isFinite(v) && v >= 0 && (!whole || Number.isInteger(v)))) {
        throw new ModelError(`its ${k} come to ${v}: an attribute or input size of the node is invalid`, `node '${f.id}'`);
      }
    }
  }
  for (const k of ['params', 'macs', 'activationBytes', 'weightBytes', 'buffers'] as const) {
    const v = totals[k];
    if (typeof v === 'number' && !(Number.isFinite(v) && v >= 0)) throw new ModelError(`the model's total ${k} come to ${v}: the sizes in the file are invalid`);
  }
}
