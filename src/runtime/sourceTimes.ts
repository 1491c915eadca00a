import type { Model } from '../ir/types';
import type { LayerTimes, NodeTime } from './profile';
import type { SourceLayer } from './sourceLayers';

/**
 * A lowered model's (Keras, TF.js, ConvLens JSON) times by the source layers the graph view draws: each
 * layer gets the sum of the times of the ONNX nodes it became (its Transposes included: converting the
 * layout is part of what the layer costs here). ONNX nodes no layer lists stay unmapped, with their time,
 * so every kernel's time is still given exactly once.
 */
export function sourceLayerTimes(times: LayerTimes, layers: SourceLayer[], model: Model): LayerTimes {
  const nodeOf = new Map<string, string>();
  for (const n of model.graph.nodes) for (const o of n.outputs) if (o) nodeOf.set(o, n.id);
  const nodes: Record<string, NodeTime> = {};
  const layerOf = new Map<string, string>();
  const partsOf = new Map<string, string[]>();
  for (const layer of layers) {
    const parts = [...new Set(layer.onnx.map((t) => nodeOf.get(t)))].filter((id): id is string => id !== undefined && times.nodes[id] !== undefined && !layerOf.has(id));
    for (const id of parts) layerOf.set(id, layer.id);
    if (parts.length) partsOf.set(layer.id, parts);
  }
  // The layers each kernel computes: a layer "ran fused" only with other layers, not with its own helpers.
  const kernelLayers = new Map<string, Set<string>>();
  for (const [id, t] of Object.entries(times.nodes)) {
    const owner = layerOf.get(id);
    if (owner) kernelLayers.set(t.kernel, (kernelLayers.get(t.kernel) ?? new Set()).add(owner));
  }
  for (const [layer, parts] of partsOf) {
    const kernels = [...new Set(parts.map((id) => times.nodes[id].kernel))];
    const ops = [...new Set(parts.map((id) => times.nodes[id].kernelOp))];
    const sharing = new Set(kernels.flatMap((k) => [...(kernelLayers.get(k) ?? [])]));
    nodes[layer] = { micros: parts.reduce((a, id) => a + times.nodes[id].micros, 0), kernel: kernels.join(', '), kernelOp: ops.join(', '), members: sharing.size };
  }
  const rest = Object.entries(times.nodes).filter(([id]) => !layerOf.has(id)).map(([id, t]) => ({ kernel: id, micros: t.micros }));
  return { ...times, nodes, unmapped: [...times.unmapped, ...rest] };
}
