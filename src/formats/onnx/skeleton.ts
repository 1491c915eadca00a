/**
 * Reading a large ONNX file without reading its weights: the protobuf structure is walked on disk,
 * and every large TensorProto.raw_data payload of a main-graph initializer is skipped and recorded
 * as (offset, length) instead. What remains (the "skeleton": nodes, names, shapes, small tensors)
 * is assembled into one buffer that is itself a valid ModelProto, and decoded by protobufjs.
 *
 * Why: a 100 MB model is ~99% weights, which opening a model never needs; reading them would cost
 * more than everything else together. Weights are read from the file on demand (TensorData.bytes()).
 *
 * Anything unusual (group wire types, a second graph field, lengths past the end) makes this return
 * null, and the caller reads the whole file the ordinary way, which reports errors precisely.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Where a skipped raw_data payload lies in the file. */
export interface FileSlice {
  offset: number;
  length: number;
}

export interface Skeleton {
  /** A ModelProto without the skipped payloads. */
  bytes: Buffer;
  /** Skipped raw_data payloads by initializer index (order of GraphProto.initializer). */
  payloads: Map<number, FileSlice>;
  /** size and mtime when read, so on-demand reads can tell that the file changed since. */
  stamp: FileStamp;
  /** The parts of `bytes` copied from the file, in order: `at` in bytes, `offset` in the file. */
  ranges: { at: number; offset: number; length: number }[];
}

/** The file offset of a position in a skeleton's bytes that lies in a copied range (not in a
 * rewritten header); -1 otherwise. */
export function fileOffset(sk: Skeleton, pos: number): number {
  const r = sk.ranges;
  let lo = 0;
  let hi = r.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (pos < r[mid].at) hi = mid - 1;
    else if (pos >= r[mid].at + r[mid].length) lo = mid + 1;
    else return r[mid].offset + (pos - r[mid].at);
  }
  return -1;
}

export interface FileStamp {
  size: number;
  mtimeMs: number;
}

/** Payloads smaller than this stay in the skeleton (small constants are read eagerly anyway). */
const SKIP_AT_LEAST = 4096;
const WINDOW = 4096;

class Unusual extends Error {}

/** Positional reads through a small window, for tags and lengths. */
class Scanner {
  private window = Buffer.alloc(WINDOW);
  private start = 0;
  private end = 0;
  constructor(private readonly fd: number, readonly size: number) {}

  private byte(pos: number): number {
    if (pos >= this.size) throw new Unusual('past end');
    if (pos < this.start || pos >= this.end) {
      const n = readSync(this.fd, this.window, 0, Math.min(WINDOW, this.size - pos), pos);
      this.start = pos;
      this.end = pos + n;
      if (n <= 0) throw new Unusual('short read');
    }
    return this.window[pos - this.start];
  }

  /** Reads a varint at pos; returns [value, position after it]. */
  varint(pos: number): [number, number] {
    let v = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      const b = this.byte(pos++);
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return [v, pos];
    }
    throw new Unusual('bad varint');
  }

  /** Position after the value of a field with this wire type starting at pos. */
  skipValue(wire: number, pos: number): number {
    switch (wire) {
      case 0: return this.varint(pos)[1];
      case 1: return pos + 8;
      case 2: { const [len, p] = this.varint(pos); return p + len; }
      case 5: return pos + 4;
      default: throw new Unusual(`wire type ${wire}`);
    }
  }
}

/** The skeleton is built as a list of pieces: ranges of the file, or literal bytes (new headers). */
type Piece = FileSlice | Buffer;

function varintBytes(n: number): Buffer {
  const out: number[] = [];
  while (n > 127) { out.push((n % 128) | 128); n = Math.floor(n / 128); }
  out.push(n);
  return Buffer.from(out);
}

function pieceLength(pieces: Piece[]): number {
  let n = 0;
  for (const p of pieces) n += Buffer.isBuffer(p) ? p.length : p.length;
  return n;
}

/** Appends a file range, merging it with the previous range when they touch. */
function pushRange(pieces: Piece[], offset: number, length: number): void {
  const last = pieces[pieces.length - 1];
  if (last && !Buffer.isBuffer(last) && last.offset + last.length === offset) last.length += length;
  else pieces.push({ offset, length });
}

/** Walks one message's fields in [start, end); `visit` may claim a field (returning true). */
function walk(s: Scanner, start: number, end: number, pieces: Piece[], visit: (field: number, wire: number, tagPos: number, valuePos: number) => boolean): void {
  let pos = start;
  while (pos < end) {
    const [tag, valuePos] = s.varint(pos);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 0) throw new Unusual('field 0');
    const next = s.skipValue(wire, valuePos);
    if (next > end) throw new Unusual('field past end');
    if (!visit(field, wire, pos, valuePos)) pushRange(pieces, pos, next - pos);
    pos = next;
  }
}

function tensorPieces(s: Scanner, start: number, end: number, onPayload: (slice: FileSlice) => void): Piece[] {
  const pieces: Piece[] = [];
  walk(s, start, end, pieces, (field, wire, _tagPos, valuePos) => {
    if (field !== 9 || wire !== 2) return false;
    const [len, p] = s.varint(valuePos);
    if (len < SKIP_AT_LEAST) return false;
    onPayload({ offset: p, length: len });
    return true;
  });
  return pieces;
}

function graphPieces(s: Scanner, start: number, end: number, payloads: Map<number, FileSlice>): Piece[] {
  const pieces: Piece[] = [];
  let initializer = 0;
  walk(s, start, end, pieces, (field, wire, _tagPos, valuePos) => {
    if (field !== 5 || wire !== 2) return false;
    const index = initializer++;
    const [len, p] = s.varint(valuePos);
    if (len < SKIP_AT_LEAST) return false;
    let skipped = false;
    const inner = tensorPieces(s, p, p + len, (slice) => { payloads.set(index, slice); skipped = true; });
    if (!skipped) return false;
    pieces.push(Buffer.from([0x2a]), varintBytes(pieceLength(inner)), ...inner); // field 5, wire type 2
    return true;
  });
  return pieces;
}

/** Reads the skeleton of the ONNX file at `path`, or null when the file is unusual (see above). */
export function readSkeleton(path: string): Skeleton | null {
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    const s = new Scanner(fd, st.size);
    const payloads = new Map<number, FileSlice>();
    const pieces: Piece[] = [];
    let graphs = 0;
    try {
      walk(s, 0, st.size, pieces, (field, wire, _tagPos, valuePos) => {
        if (field !== 7 || wire !== 2) return false;
        if (++graphs > 1) throw new Unusual('second graph field');
        const [len, p] = s.varint(valuePos);
        const inner = graphPieces(s, p, p + len, payloads);
        pieces.push(Buffer.from([0x3a]), varintBytes(pieceLength(inner)), ...inner); // field 7, wire type 2
        return true;
      });
    } catch (e) {
      if (e instanceof Unusual) return null;
      throw e;
    }
    const out = Buffer.allocUnsafe(pieceLength(pieces));
    const ranges: Skeleton['ranges'] = [];
    let at = 0;
    for (const piece of pieces) {
      if (Buffer.isBuffer(piece)) { piece.copy(out, at); at += piece.length; continue; }
      ranges.push({ at, offset: piece.offset, length: piece.length });
      let done = 0;
      while (done < piece.length) {
        const n = readSync(fd, out, at + done, piece.length - done, piece.offset + done);
        if (n <= 0) return null;
        done += n;
      }
      at += piece.length;
    }
    return { bytes: out, payloads, stamp: { size: st.size, mtimeMs: st.mtimeMs }, ranges };
  } finally {
    closeSync(fd);
  }
}

/** Reads a skipped payload back, refusing when the file changed since the skeleton was read. */
export function readSlice(path: string, slice: FileSlice, stamp: FileStamp): Buffer {
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    if (st.size !== stamp.size || st.mtimeMs !== stamp.mtimeMs) {
      throw new Error('the model file changed on disk since it was opened; reopen it to see its weights');
    }
    const out = Buffer.allocUnsafe(slice.length);
    let done = 0;
    while (done < slice.length) {
      const n = readSync(fd, out, done, Math.min(slice.length - done, 0x40000000), slice.offset + done);
      if (n <= 0) throw new Error('the model file ended early');
      done += n;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}
