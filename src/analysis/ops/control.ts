import type { Dim, Shape } from '../../ir/types';
import { dimEquals, freshSymbol } from '../dims';
import { registerRule, type OutputState, type TensorState } from '../registry';

/**
 * Control flow (ai.onnx): If and Loop. Their bodies are analysed by the engine (which also counts
 * the bodies' parameters and MACs into the node); the rules only combine the bodies' output shapes.
 */

function merge(a: TensorState | null, b: TensorState | null, name: string): OutputState {
  if (!a || !b || !a.shape || !b.shape || a.shape.length !== b.shape.length) {
    return { dtype: a?.dtype ?? b?.dtype ?? 'undefined', shape: a?.shape && !b ? a.shape : null };
  }
  const shape: Shape = a.shape.map((d, i) => (dimEquals(d, (b.shape as Shape)[i]) ? d : freshSymbol(`if${i}`, name)));
  return { dtype: a.dtype, shape };
}

registerRule('', ['If'], {
  infer: (ctx) => {
    if (!ctx.inferSubgraph) return ctx.fail('subgraphs cannot be analysed here');
    const cond = ctx.value(0);
    const thenOut = ctx.inferSubgraph('then_branch', []);
    const elseOut = ctx.inferSubgraph('else_branch', []);
    // A condition folded to a constant picks its branch exactly.
    if (cond && cond.length === 1) {
      const pick = cond[0] ? thenOut : elseOut;
      return ctx.node.outputs.map((_, i) => ({ dtype: pick[i]?.dtype ?? 'undefined', shape: pick[i]?.shape ?? null, value: pick[i]?.value }));
    }
    return ctx.node.outputs.map((name, i) => merge(thenOut[i] ?? null, elseOut[i] ?? null, name));
  },
  roles: () => ['config'],
});

registerRule('', ['Loop'], {
  // Inputs: M (max trips), cond, v_initial…; outputs: the N final loop-carried values, then the K
  // scan outputs stacked along a new leading axis whose length is the (run-time) trip count.
  infer: (ctx) => {
    if (!ctx.inferSubgraph) return ctx.fail('subgraphs cannot be analysed here');
    const carried = ctx.inputs.slice(2);
    const body = ctx.inferSubgraph('body', [
      { dtype: 'int64', shape: [], constant: false },
      { dtype: 'bool', shape: [], constant: false },
      ...carried,
    ]);
    const n = carried.length;
    const trips: Dim = freshSymbol('trips', ctx.node.outputs[0] ?? ctx.node.id);
    return ctx.node.outputs.map((name, i) => {
      if (i < n) {
        const init = carried[i];
        const out = body[i + 1];
        return merge(init, out, name);
      }
      const s = body[i + 1];
      return { dtype: s?.dtype ?? 'undefined', shape: s?.shape ? [trips, ...s.shape] : null };
    });
  },
  roles: () => ['config', 'config'],
});
