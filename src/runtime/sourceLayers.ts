import type { Model, Node } from '../ir/types';
import type { LoweredLayerRecord } from '../lowering/lower';

/**
 * The source model's layers of a model lowered from Keras/TF.js/ConvLens JSON, as the lowering recorded
 * them (metadata 'convlens.loweredLayers'): Step mode steps over these, with their names and types, and
 * shows the layer's own input and output, not the Transposes and Identities the lowering added.
 */
export interface SourceLayer extends LoweredLayerRecord {
  /** The ONNX tensors holding the layer's inputs and its output (channels-last, as the source has them). */
  onnxInputs: string[];
  onnxOutput: string;
  /** The ONNX node that does the layer's work (for the explanation): its first one that is not a helper. */
  main?: Node;
}

/** Nodes the lowering adds to move between layouts or name a tensor: not the layer's work. */
const HELPERS = new Set(['Transpose', 'Identity', 'Reshape', 'Squeeze', 'Unsqueeze']);

/** The source layers in order, or null for a model that was not lowered. */
export function sourceLayers(model: Model): SourceLayer[] | null {
  const raw = model.metadata['convlens.loweredLayers'];
  if (!raw) return null;
  const records = JSON.parse(raw) as LoweredLayerRecord[];
  const byOutput = new Map<string, Node>();
  for (const n of model.graph.nodes) for (const o of n.outputs) byOutput.set(o, n);
  const tensors = loweredTensorOf(model);
  // The lowering names a tensor's channels-last copy as the source does, when one was made.
  const onnxOf = (t: string) => (byOutput.has(t) || model.graph.inputs.some((i) => i.name === t) ? t : tensors.get(t) ?? t);
  return records.filter((r) => r.type !== 'InputLayer').map((r) => {
    const nodes = r.onnx.map((o) => byOutput.get(o)).filter((n): n is Node => !!n);
    return {
      ...r,
      onnxInputs: r.inputs.map(onnxOf),
      onnxOutput: onnxOf(r.output),
      main: nodes.find((n) => !HELPERS.has(n.opType)) ?? nodes[nodes.length - 1],
    };
  });
}

/** Source tensor → the channels-last ONNX tensor that holds it (the lowering keeps the source's name
 * for those), else the first ONNX tensor recorded for it. */
function loweredTensorOf(model: Model): Map<string, string> {
  const raw = model.metadata['convlens.loweredTensors'];
  const out = new Map<string, string>();
  if (!raw) return out;
  const parsed = JSON.parse(raw) as Record<string, [string, string, 'cl' | 'cf']>;
  for (const [onnx, [tensor, , layout]] of Object.entries(parsed)) {
    if (!out.has(tensor) || layout === 'cl') out.set(tensor, onnx);
  }
  return out;
}

/** The step of `nodeId`: a source layer's id, or an ONNX node the layer became. */
export function sourceStepOf(layers: SourceLayer[], nodeId: string, model: Model): number {
  const i = layers.findIndex((l) => l.id === nodeId);
  if (i >= 0) return i;
  const node = model.graph.nodes.find((n) => n.id === nodeId);
  const out = node?.outputs[0];
  return out ? layers.findIndex((l) => l.onnx.includes(out)) : -1;
}
