import type { Dim, Node, Shape } from '../../../ir/types';
import { makeContext } from '../../context';
import type { OutputState, TensorState } from '../../registry';
import { findRule } from '../../registry';

/**
 * Shapes past a Keras layer whose output is unknown (a custom layer with no rule, whose file states no
 * output shape). What comes after it still states part of its shape: a 2-D layer reads and writes rank 4,
 * a conv writes `filters` channels, Dense `units`, a normalisation or activation keeps its input's. So
 * the layer's rule is run again on its input as far as it is known, the rest '?' ([N, ?, ?, 16]); an
 * output with a '?' left is kept aside as partial (the analysis still says unknown: no figure is built
 * on it), one with none is the layer's shape: global pooling over [N, ?, ?, 12] is [N, 12], and the
 * Dense after it [N, 10]; a Reshape to a fixed target is [N, ...target]. Keras's axis 0 is the batch on
 * every tensor, so it is the model input's.
 */
export function pastUnknown(node: Node, opset: number, inputs: (TensorState | null)[], partial: ReadonlyMap<string, Shape>, batch: Dim | undefined): { outs: OutputState[]; partial: (Shape | undefined)[] } | null {
  const rule = findRule(node.domain, node.opType);
  if (!rule || batch === undefined) return null;
  let replaced = false;
  const standIns = inputs.map((s, i) => {
    if (!s || s.shape !== null) return s;
    const shape = partial.get(node.inputs[i]) ?? (i === 0 ? fixedRank(node.opType, batch) : undefined);
    if (!shape) return s;
    replaced = true;
    return { dtype: s.dtype, shape, constant: false };
  });
  if (!replaced) return null;
  let outs: OutputState[];
  try {
    // Its warnings are the stand-in's, not the file's: dropped.
    outs = rule.infer(makeContext(node, opset, standIns, { warn: () => undefined }));
  } catch {
    return null;
  }
  const known = outs.map((o) => (o?.shape && !o.shape.some(isUnknown) ? o : { dtype: o?.dtype ?? 'undefined', shape: null }));
  return { outs: known, partial: outs.map((o) => (o?.shape && o.shape.some(isUnknown) ? o.shape : undefined)) };
}

/** [batch, ?, …] of the rank a layer reads whatever came before: Conv2D, MaxPooling2D… 4; Reshape and
 * Flatten any (their output does not depend on it), so 2. Undefined for the rest. */
function fixedRank(opType: string, batch: Dim): Shape | undefined {
  const n = /[123]D(Transpose)?$/.exec(opType)?.[0][0];
  if (n) return [batch, ...new Array<Dim>(Number(n) + 1).fill('?')];
  return opType === 'Reshape' || opType === 'Flatten' ? [batch, '?'] : undefined;
}

function isUnknown(d: Dim): boolean {
  return d === '?';
}
