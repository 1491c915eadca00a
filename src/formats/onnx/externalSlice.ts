import { ModelError } from '../../ir/types';
import type { SiblingFiles } from '../registry';
import type { ExternalRef } from './external';

/** An external tensor's bytes out of a data file already in memory (the web build), with the checks
 * ./external.ts makes on the disk: the range lies in the file and is the size the tensor needs. No Node. */
export function externalSlice(files: SiblingFiles, ref: ExternalRef, expected: number, where: string): Uint8Array {
  const f = files.get(ref.location);
  if (!f) throw new ModelError(`external data file ${JSON.stringify(ref.location)} was not read`, where);
  if ('error' in f) throw new ModelError(`cannot open external data file ${JSON.stringify(ref.location)}: ${f.error}`, where);
  const size = f.bytes.byteLength;
  const length = ref.length >= 0 ? ref.length : size - ref.offset;
  if (ref.offset + length > size || length < 0) {
    throw new ModelError(`external data ${JSON.stringify(ref.location)} offset ${ref.offset} length ${length} runs past the end of the file (${size} bytes)`, where);
  }
  if (length !== expected) throw new ModelError(`external data ${JSON.stringify(ref.location)} holds ${length} bytes but the tensor needs ${expected}`, where);
  return f.bytes.subarray(ref.offset, ref.offset + length);
}
