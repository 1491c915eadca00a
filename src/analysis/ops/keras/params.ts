import { InferError, type OutputState, type RuleContext } from '../../registry';
import { countWeights, weightSpecs } from './weights';
import { MAX_SIZE } from '../../guard';

/** Config entries that size a layer's weights; each must be a whole number from 1 to MAX_SIZE. */
const SIZES = ['filters', 'units', 'kernel_size', 'depth_multiplier', 'input_dim', 'output_dim'];

/** Throws an InferError naming the first size attribute that is not a small positive integer
 * (Keras `kernel_size: 1e308` once made the params infinite). */
export function checkKerasSizes(ctx: RuleContext): void {
  for (const key of SIZES) {
    const v = ctx.node.attributes[key];
    if (v === undefined || v === null) continue;
    for (const x of Array.isArray(v) ? v : [v]) {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < 1 || x > MAX_SIZE) {
        throw new InferError(`${ctx.node.opType} '${key}' must be a whole number from 1 to ${MAX_SIZE}, got ${JSON.stringify(v)}`);
      }
    }
  }
}

/** The params hook every Keras rule shares: the layer's weight table, counted. Throws when the
 * table cannot be sized (input channels unknown), so the totals say they leave the layer out. */
export function kerasParams(ctx: RuleContext, _outputs: readonly OutputState[]): { params: number; buffers: number } {
  checkKerasSizes(ctx);
  const specs = weightSpecs(ctx.node.opType, ctx.node.attributes, ctx.inputs.map((s) => s?.shape ?? null));
  if (!specs) throw new InferError(`the weights of ${ctx.node.opType} cannot be sized: its input shape is unknown`, 'cannot-infer', true);
  return countWeights(specs);
}
