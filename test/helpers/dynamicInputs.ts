import { readModelFile } from '../../src/formats/index';
import { encodeModel } from '../../src/formats/onnx/writer';
import type { Dim } from '../../src/ir/types';

/**
 * A corpus ONNX model with its first input's dims rewritten (e.g. ['N', 3, 'height', 'width']) by
 * our ONNX writer: real topologies with symbolic sizes, which the corpus lacks. Intermediate
 * value_info is dropped so that nothing fixed at the old size remains declared.
 */
export async function withInputDims(path: string, dims: Dim[]): Promise<Uint8Array> {
  const model = await readModelFile(path);
  const input = model.graph.inputs[0];
  if (!input.shape || input.shape.length !== dims.length) throw new Error(`${path}: input '${input.name}' has rank ${input.shape?.length}, not ${dims.length}`);
  input.shape = dims;
  model.graph.valueInfo.clear();
  for (const o of model.graph.outputs) if (o.shape) o.shape = o.shape.map((d, i) => (i === 0 && typeof dims[0] === 'string' ? dims[0] : d));
  return encodeModel(model);
}
