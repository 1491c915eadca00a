import { readFile } from 'node:fs/promises';
import { analyze } from '../analysis/analyze';
import { readModelFile } from '../formats/index';
import { encodeModel, withExtraOutputs } from '../formats/onnx/writer';
import type { ModelAccess } from './engine';

/** The engine's access to models through ConvLens's own readers, analysis and ONNX writer. */
export const defaultAccess: ModelAccess = {
  read: (path) => readModelFile(path),
  analyze: (model) => analyze(model),
  async onnxBytes(model, path) {
    if (model.format === 'onnx') return readFile(path);
    return encodeModel(model);
  },
  withExtraOutputs,
};
