/** The ONNX reader as the registry sees it. */
import type { ModelReader } from '../registry';
import { looksLikeOnnx } from '../sniff';
import { readOnnx, readOnnxFile } from './reader';

export { readOnnx, readOnnxFile } from './reader';
export { encodeModel, withExtraOutputs } from './writer';

export const onnxReader: ModelReader = {
  name: 'onnx',
  // A binary file with an ONNX extension goes to this reader even when its first bytes look wrong,
  // so the user hears why decoding failed rather than "unknown format".
  sniff: (bytes, _path, hint) => hint.kind === 'binary' && (looksLikeOnnx(bytes) || hint.extension === '.onnx' || hint.extension === '.pb'),
  read: (bytes, context) => readOnnx(bytes, { path: context.path, folder: context.folder, siblings: context.siblings, refuseExternal: context.refuseSiblings }),
  readFile: (path, context) => readOnnxFile(path, { folder: context.folder, refuseExternal: context.refuseSiblings }),
};

import type { TensorData } from '../../ir/types';
import { decodeTensorProto } from './decode';
import { convertTensor } from './tensor';

/** Reads a serialized TensorProto file's bytes (ONNX test data's input_0.pb) as IR TensorData. */
export function readTensorProto(bytes: Uint8Array, where = 'tensor'): TensorData {
  return convertTensor(decodeTensorProto(bytes, where), { warnings: [] }, where);
}
