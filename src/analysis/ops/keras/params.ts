import { InferError, type OutputState, type RuleContext } from '../../registry';
import { countWeights, weightSpecs } from './weights';

/** The params hook every Keras rule shares: the layer's weight table, counted. Throws when the
 * table cannot be sized (input channels unknown), so the totals say they leave the layer out. */
export function kerasParams(ctx: RuleContext, _outputs: readonly OutputState[]): { params: number; buffers: number } {
  const specs = weightSpecs(ctx.node.opType, ctx.node.attributes, ctx.inputs.map((s) => s?.shape ?? null));
  if (!specs) throw new InferError(`the weights of ${ctx.node.opType} cannot be sized: its input shape is unknown`, 'cannot-infer', true);
  return countWeights(specs);
}
