import type { OutputState, RuleContext } from '../../registry';
import { countWeights, weightSpecs } from './weights';

/** The params hook every Keras rule shares: the layer's weight table, counted. */
export function kerasParams(ctx: RuleContext, _outputs: readonly OutputState[]): { params: number; buffers: number } {
  const specs = weightSpecs(ctx.node.opType, ctx.node.attributes, ctx.inputs.map((s) => s?.shape ?? null));
  return specs ? countWeights(specs) : { params: 0, buffers: 0 };
}
