/** The ONNX reader as the registry sees it. */
import type { ModelReader } from '../registry';
import { looksLikeOnnx } from '../sniff';
import { readOnnx } from './reader';

export { readOnnx } from './reader';
export { encodeModel, withExtraOutputs } from './writer';

export const onnxReader: ModelReader = {
  name: 'onnx',
  // A binary file with an ONNX extension goes to this reader even when its first bytes look wrong,
  // so the user hears why decoding failed rather than "unknown format".
  sniff: (bytes, _path, hint) => hint.kind === 'binary' && (looksLikeOnnx(bytes) || hint.extension === '.onnx' || hint.extension === '.pb'),
  read: (bytes, context) => readOnnx(bytes, { path: context.path, folder: context.folder }),
};
