import type { Analysis } from '../analysis/types';
import type { Dim, Model } from '../ir/types';
import { byteSizeOf } from '../ir/tensor';

/** A tensor the run can read back, with the node that makes it. */
export interface CaptureCandidate {
  tensor: string;
  producer: string;
  opType: string;
  /** Static shape from analysis (symbolic dims as named), or null when unknown. */
  shape: Dim[] | null;
  /** Estimated bytes for one run with the given dim values (unknown dims count as 1). */
  bytes: number;
  /** Already a graph output (needs no extra output). */
  isGraphOutput: boolean;
  /** Index in network order among all candidates. */
  order: number;
}

export interface CapturePlan {
  capture: CaptureCandidate[];
  /** Tensors that did not fit in the memory budget. */
  left: CaptureCandidate[];
  budgetBytes: number;
  bytes: number;
}

/** Element types ONNX Runtime's Node binding returns as numbers ConvLens can draw. */
const DRAWABLE = new Set(['float32', 'float16', 'float64', 'int8', 'uint8', 'int32']);

/** Ops whose outputs a person reading a CNN looks at first: kept first when the budget is short. */
const LAYER_OPS = new Set([
  'Conv', 'ConvTranspose', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'LpPool',
  'Relu', 'LeakyRelu', 'PRelu', 'Clip', 'Sigmoid', 'HardSwish', 'HardSigmoid', 'Softmax', 'Gemm', 'MatMul',
  'Add', 'Sum', 'Concat', 'BatchNormalization', 'Mul',
]);

/** Every drawable activation a node produces (weights and weight generators excluded), in topological order. */
export function captureCandidates(model: Model, analysis: Analysis, dims: Record<string, number> = {}): CaptureCandidate[] {
  const outputs = new Set(model.graph.outputs.map((o) => o.name));
  const out: CaptureCandidate[] = [];
  for (const id of analysis.order) {
    const node = analysis.nodeById.get(id);
    if (!node) continue;
    for (const name of node.outputs) {
      if (!name) continue;
      const info = analysis.tensors.get(name);
      if (!info || info.isWeight || !DRAWABLE.has(info.dtype)) continue;
      const shape = info.shape;
      const bytes = shape ? byteSizeOf(info.dtype, shape.reduce<number>((a, d) => a * (typeof d === 'number' ? d : dims[d] ?? 1), 1)) : info.bytes;
      out.push({ tensor: name, producer: node.id, opType: node.opType, shape, bytes, isGraphOutput: outputs.has(name), order: out.length });
    }
  }
  return out;
}

/**
 * Chooses what to capture within `budgetBytes`: graph outputs always; then layer outputs (convolutions,
 * pooling, activations, merges) in network order; then everything else in network order, while it fits.
 */
export function planCapture(candidates: CaptureCandidate[], budgetBytes: number): CapturePlan {
  const chosen = new Set<CaptureCandidate>();
  let bytes = 0;
  for (const c of candidates) if (c.isGraphOutput) { chosen.add(c); bytes += c.bytes; }
  for (const pass of [true, false]) {
    for (const c of candidates) {
      if (chosen.has(c) || LAYER_OPS.has(c.opType) !== pass) continue;
      if (bytes + c.bytes > budgetBytes) continue;
      chosen.add(c);
      bytes += c.bytes;
    }
  }
  return {
    capture: candidates.filter((c) => chosen.has(c)),
    left: candidates.filter((c) => !chosen.has(c)),
    budgetBytes,
    bytes,
  };
}

export interface FusedCapturePlan extends CapturePlan {
  /** Fused away by ONNX Runtime: left out of the run, computed on request within what is left of the budget. */
  fused: CaptureCandidate[];
}

/**
 * The capture when only `survivors` (the tensors ONNX Runtime's optimised graph still computes, ./fusion.ts)
 * are exposed: they are planned first; the fused ones share what is left of the budget. Without survivors
 * everything is exposed.
 */
export function planFusedCapture(candidates: CaptureCandidate[], survivors: Set<string> | undefined, budgetBytes: number): FusedCapturePlan {
  const exposed = survivors ? candidates.filter((c) => c.isGraphOutput || survivors.has(c.tensor)) : candidates;
  const plan = planCapture(exposed, budgetBytes);
  const kept = new Set(exposed);
  const rest = planCapture(candidates.filter((c) => !kept.has(c)), budgetBytes - plan.bytes);
  return { ...plan, fused: rest.capture, left: [...plan.left, ...rest.left] };
}
