import { readFile } from 'node:fs/promises';
import { analyze } from '../analysis/analyze';
import { readModelBytes, readModelFile } from '../formats/index';
import { encodeModel, withExtraOutputs } from '../formats/onnx/writer';
import { lowerKerasModel } from '../lowering/lower';
import type { ModelAccess } from './engine';

/**
 * The engine's access to models through ConvLens's own readers, analysis and ONNX writer. Keras, TF.js
 * and ConvLens JSON models are lowered to ONNX first (generated weights are flagged in the metadata).
 */
export const defaultAccess: ModelAccess = {
  async read(path, bytes) {
    if (bytes) return readModelBytes(bytes, path, { format: 'onnx' });
    const model = await readModelFile(path);
    return model.format === 'onnx' ? model : lowerKerasModel(model);
  },
  analyze: (model) => analyze(model),
  async onnxBytes(model, path, bytes) {
    if (bytes) return bytes;
    if (model.metadata['convlens.loweredFrom']) return encodeModel(model);
    return readFile(path);
  },
  withExtraOutputs,
};
