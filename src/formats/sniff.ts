/**
 * Cheap content checks on the first bytes of a file, so the right reader is chosen without trying
 * full parses (as netron does): is it JSON, which top-level keys does it have, could it be ONNX.
 */

export type ContentKind = 'empty' | 'json' | 'text' | 'binary';

/** What every reader's sniff gets besides the bytes and the path. */
export interface SniffHint {
  kind: ContentKind;
  /** Lower-case extension with the dot ('.onnx', '.json'), '' when none. */
  extension: string;
  /** For JSON objects: the top-level keys found in the first megabyte, in order. */
  jsonKeys: readonly string[];
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Index of the first byte after a UTF-8 BOM and white space. */
function firstSignificant(bytes: Uint8Array): number {
  let i = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && isSpace(bytes[i])) i++;
  return i;
}

export function contentKind(bytes: Uint8Array): ContentKind {
  if (bytes.length === 0) return 'empty';
  const i = firstSignificant(bytes);
  if (i >= bytes.length) return 'text';
  const c = bytes[i];
  if (c === 0x7b /* { */ || c === 0x5b /* [ */) return 'json';
  const n = Math.min(bytes.length, 512);
  for (let k = 0; k < n; k++) {
    const b = bytes[k];
    if (b < 0x20 && !isSpace(b)) return 'binary';
  }
  return 'text';
}

export function extensionOf(path: string | undefined): string {
  if (!path) return '';
  const base = path.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

/**
 * Top-level keys of a JSON object, scanning at most `limit` bytes and skipping nested values
 * without building them. Stops quietly at malformed input: sniffing must never throw.
 */
export function jsonTopLevelKeys(bytes: Uint8Array, limit = 1 << 20): string[] {
  const end = Math.min(bytes.length, limit);
  let i = firstSignificant(bytes);
  if (bytes[i] !== 0x7b) return [];
  i++;
  const keys: string[] = [];
  let depth = 1;
  let expectKey = true;
  const decoder = new TextDecoder();
  while (i < end && depth > 0) {
    const c = bytes[i];
    if (c === 0x22 /* " */) {
      const start = ++i;
      let escaped = false;
      while (i < end && (bytes[i] !== 0x22 || escaped)) {
        escaped = !escaped && bytes[i] === 0x5c;
        i++;
      }
      if (i >= end) break;
      if (depth === 1 && expectKey) {
        const raw = decoder.decode(bytes.subarray(start, i));
        try { keys.push(JSON.parse(`"${raw}"`) as string); } catch { keys.push(raw); }
        expectKey = false;
      }
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x2c /* , */ && depth === 1) expectKey = true;
    i++;
  }
  return keys;
}

/** ModelProto field numbers and their wire types (0 varint, 2 length-delimited). */
const MODEL_FIELDS = new Map<number, number>([
  [1, 0], [2, 2], [3, 2], [4, 2], [5, 0], [6, 2], [7, 2], [8, 2], [14, 2], [20, 2], [25, 2], [26, 2],
]);

/** True when the first protobuf tag is a ModelProto field with its wire type, and a length-delimited
 * value fits in the data. Exporters write ir_version (tag 0x08) first, but any order is valid. */
export function looksLikeOnnx(bytes: Uint8Array): boolean {
  let pos = 0;
  const varint = (): number => {
    let v = 0;
    for (let shift = 0; shift < 35 && pos < bytes.length; shift += 7) {
      const b = bytes[pos++];
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
    return -1;
  };
  const tag = varint();
  if (tag <= 0) return false;
  const field = Math.floor(tag / 8);
  const wire = tag & 7;
  if (MODEL_FIELDS.get(field) !== wire) return false;
  if (wire === 0) return varint() >= 0;
  const len = varint();
  return len >= 0 && pos + len <= bytes.length;
}

export function sniffHint(bytes: Uint8Array, path: string | undefined): SniffHint {
  const kind = contentKind(bytes);
  return { kind, extension: extensionOf(path), jsonKeys: kind === 'json' ? jsonTopLevelKeys(bytes) : [] };
}
