/**
 * ONNX Runtime, given a model as bytes, resolves external data against the process's working directory.
 * Before any session is made, every location the model names is checked to exist inside the model's
 * folder (the reader's own check, src/formats/onnx/external.ts), and ONNX Runtime is told that folder
 * as its base, so the weights beside a model load from any working directory and nothing else is opened.
 */
import { dirname } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import type { Model } from '../ir/types';
import { ModelError } from '../ir/types';
import { externalFile, externalLocations } from '../formats/onnx/external';

/** Session options that confine ONNX Runtime's external-data reads to `model`'s folder; throws a
 * ModelError (the reader's message) for a location outside it or missing. */
export function confinedOptions(model: Model, modelPath: string): InferenceSession.SessionOptions {
  const folder = dirname(model.path ?? modelPath);
  const refs = externalLocations(model);
  if (refs.length > 0 && !model.path && !modelPath) {
    throw new ModelError(`tensor data is in external file ${JSON.stringify(refs[0].location)}, but the model was not read from a file, so its folder is unknown`, refs[0].where);
  }
  for (const r of refs) externalFile(folder, r.location, r.where);
  return { extra: { session: { model_external_initializers_file_folder_path: folder } } };
}
