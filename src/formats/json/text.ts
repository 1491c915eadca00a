import { ModelError } from '../../ir/types';

/** UTF-8 text of a JSON file (a BOM dropped); invalid UTF-8 is an error naming the file. */
export function jsonText(bytes: Uint8Array, path?: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ModelError('the file is not valid UTF-8 text, so it cannot be JSON', path);
  }
}
