/**
 * A direct decoder for the nodes of the main graph: NodeProto bytes -> the fields the IR needs,
 * with plain attributes (float, int, string and their lists) converted on the spot and each node's
 * byte range in the buffer. protobufjs decodes everything else of the model (see reader.ts).
 *
 * Why: a 10,000-node graph is mostly NodeProtos; decoding each into a NodeProto object with an
 * AttributeProto object per attribute (every repeated field an array) and then converting those to
 * the IR kept two copies of the graph alive at once. This reads the bytes once, into the IR shape.
 *
 * Anything it does not expect (a known field with another wire type, group wire types, lengths past
 * the end, IR-1 attributes without a type, attribute references) throws Unusual, and the caller
 * decodes the whole model with protobufjs instead, which reports real errors precisely.
 */
import type { AttrType, AttrValue } from '../../ir/types';
import { shortestFloat32 } from './attributes';
import { AttributeProtoType, type AttributeProto } from './schema';

export class Unusual extends Error {}

/** An attribute decoded here (value converted), or the bytes of an AttributeProto for protobufjs. */
export type DecodedAttribute =
  | { name: string; value: AttrValue; type: AttrType; raw?: undefined }
  | { raw: Uint8Array; proto?: AttributeProto; name?: undefined };

/** The NodeProto fields the IR uses (same names as schema.ts' NodeProto), and where it lies. */
export interface DecodedNode {
  input: string[];
  output: string[];
  name: string;
  op_type: string;
  domain: string;
  doc_string: string;
  attribute: DecodedAttribute[];
  /** Byte range of the NodeProto message (its fields, without the tag and length before them). */
  offset: number;
  length: number;
}

/** Position after the last varint read (module state, so reads return plain numbers). */
let at = 0;

/**
 * Arrays are gathered in scratch arrays and copied out at their exact size: an array grown by push
 * keeps spare capacity (17 slots for a 2-element input list), which on a 10,000-node graph was half
 * of the IR's memory and most of the garbage collector's copying.
 */
class Scratch<T> {
  private items: T[] = [];
  private used = 0;
  reset(): void {
    this.used = 0;
  }
  push(v: T): void {
    this.items[this.used++] = v;
  }
  take(): T[] {
    const out = new Array<T>(this.used);
    for (let i = 0; i < this.used; i++) out[i] = this.items[i];
    this.used = 0;
    return out;
  }
}

const inputs = new Scratch<string>();
const outputs = new Scratch<string>();
const attrs = new Scratch<DecodedAttribute>();
const numbers = new Scratch<number>();

/** A varint that fits in 2^53 (tags, lengths, enum values); sets `at`. */
function varint(buf: Uint8Array, pos: number, end: number): number {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw new Unusual('varint past end');
    const b = buf[pos++];
    v += (b & 0x7f) * mul;
    if (b < 0x80) {
      at = pos;
      return v;
    }
    mul *= 128;
  }
  throw new Unusual('bad varint');
}

/** An int64 varint as a JS number (two's complement for negatives, as Long.toNumber); sets `at`. */
function int64(buf: Uint8Array, pos: number, end: number): number {
  let lo = 0;
  let hi = 0;
  let shift = 0;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw new Unusual('varint past end');
    const b = buf[pos++];
    if (shift < 28) lo |= (b & 0x7f) << shift;
    else if (shift === 28) {
      lo |= (b & 0x0f) << 28;
      hi |= (b & 0x7f) >> 4;
    } else hi |= (b & 0x7f) << (shift - 32);
    shift += 7;
    if (b < 0x80) {
      at = pos;
      return (hi | 0) * 4294967296 + (lo >>> 0);
    }
  }
  throw new Unusual('bad varint');
}

function skip(buf: Uint8Array, wire: number, pos: number, end: number): number {
  let next: number;
  switch (wire) {
    case 0: varint(buf, pos, end); next = at; break;
    case 1: next = pos + 8; break;
    case 2: next = varint(buf, pos, end) + at; break;
    case 5: next = pos + 4; break;
    default: throw new Unusual(`wire type ${wire}`);
  }
  if (next > end) throw new Unusual('field past end');
  return next;
}

function text(buf: Buffer, start: number, end: number): string {
  // Not built char by char: a cons-string would be flattened again by every Map lookup and split.
  if (start === end) return '';
  const s = buf.toString('utf8', start, end);
  // protobufjs refuses invalid UTF-8 in string fields (with the byte where); let it say so.
  if (s.includes('\uFFFD')) throw new Unusual('invalid UTF-8');
  return s;
}

/** A length-delimited field's value at pos: returns its start, sets `at` to its end. */
function delimited(buf: Uint8Array, pos: number, end: number): number {
  const len = varint(buf, pos, end);
  const start = at;
  if (start + len > end) throw new Unusual('field past end');
  at = start + len;
  return start;
}

/** A length-delimited UTF-8 string field's value at pos (see text()); sets `at` to its end. */
function textField(buf: Buffer, pos: number, end: number): string {
  const start = delimited(buf, pos, end);
  return text(buf, start, at);
}

/** AttributeProto.AttributeType values decoded here. */
const FLOAT = 1, INT = 2, STRING = 3, FLOATS = 6, INTS = 7, STRINGS = 8;

/** Decodes a plain attribute; returns null when protobufjs should decode it (tensors, graphs, ...). */
function attribute(buf: Buffer, start: number, end: number): DecodedAttribute | null {
  let name = '';
  let type = 0;
  let f = 0;
  let i = 0;
  let s = '';
  let floats = false;
  let ints = false;
  let strings: string[] | undefined;
  numbers.reset();
  let pos = start;
  while (pos < end) {
    const tag = varint(buf, pos, end);
    pos = at;
    const field = tag >>> 3;
    const wire = tag & 7;
    switch (field) {
      case 1: // name
        if (wire !== 2) throw new Unusual('name wire type');
        name = textField(buf, pos, end); pos = at;
        break;
      case 20: // type
        if (wire !== 0) throw new Unusual('type wire type');
        type = varint(buf, pos, end); pos = at;
        break;
      case 2: // f
        if (wire !== 5 || pos + 4 > end) throw new Unusual('f wire type');
        f = buf.readFloatLE(pos); pos += 4;
        break;
      case 3: // i
        if (wire !== 0) throw new Unusual('i wire type');
        i = int64(buf, pos, end); pos = at;
        break;
      case 4: // s
        if (wire !== 2) throw new Unusual('s wire type');
        { const p = delimited(buf, pos, end); s = buf.toString('utf8', p, at); pos = at; }
        break;
      case 7: // floats, packed or not
        if (ints) return null; // floats and ints in one attribute: protobufjs' job
        floats = true;
        if (wire === 5) {
          if (pos + 4 > end) throw new Unusual('float past end');
          numbers.push(shortestFloat32(buf.readFloatLE(pos))); pos += 4;
        } else if (wire === 2) {
          const p = delimited(buf, pos, end);
          const e = at;
          if ((e - p) % 4 !== 0) throw new Unusual('packed floats');
          for (let k = p; k < e; k += 4) numbers.push(shortestFloat32(buf.readFloatLE(k)));
          pos = e;
        } else throw new Unusual('floats wire type');
        break;
      case 8: // ints, packed or not
        if (floats) return null;
        ints = true;
        if (wire === 0) {
          numbers.push(int64(buf, pos, end)); pos = at;
        } else if (wire === 2) {
          let k = delimited(buf, pos, end);
          const e = at;
          while (k < e) { numbers.push(int64(buf, k, e)); k = at; }
          pos = e;
        } else throw new Unusual('ints wire type');
        break;
      case 9: // strings
        if (wire !== 2) throw new Unusual('strings wire type');
        { const p = delimited(buf, pos, end); (strings ??= []).push(buf.toString('utf8', p, at)); pos = at; }
        break;
      case 13: // doc_string: not kept for attributes
        pos = skip(buf, wire, pos, end);
        break;
      case 5: case 6: case 10: case 11: case 14: case 15: case 21: case 22: case 23:
        // t, g, tensors, graphs, tp, type_protos, ref_attr_name, sparse_tensor(s): protobufjs' job.
        return null;
      default:
        pos = skip(buf, wire, pos, end);
    }
  }
  switch (type) {
    case FLOAT: return { name, value: shortestFloat32(f), type: 'float' };
    case INT: return { name, value: i, type: 'int' };
    case STRING: return { name, value: s, type: 'string' };
    case FLOATS: return ints ? null : { name, value: numbers.take(), type: 'floats' };
    case INTS: return floats ? null : { name, value: numbers.take(), type: 'ints' };
    case STRINGS: return { name, value: strings ?? [], type: 'strings' };
    default: return null; // no type (IR 1) or another kind: protobufjs and convertAttribute decide
  }
}

function node(buf: Buffer, start: number, end: number): DecodedNode {
  let name = '';
  let opType = '';
  let domain = '';
  let doc = '';
  inputs.reset();
  outputs.reset();
  attrs.reset();
  let pos = start;
  while (pos < end) {
    const tag = varint(buf, pos, end);
    pos = at;
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field >= 1 && field <= 7 && wire !== 2) throw new Unusual(`NodeProto field ${field} wire type ${wire}`);
    switch (field) {
      case 1: inputs.push(textField(buf, pos, end)); pos = at; break;
      case 2: outputs.push(textField(buf, pos, end)); pos = at; break;
      case 3: name = textField(buf, pos, end); pos = at; break;
      case 4: opType = textField(buf, pos, end); pos = at; break;
      case 5: {
        const p = delimited(buf, pos, end);
        const e = at;
        attrs.push(attribute(buf, p, e) ?? { raw: buf.subarray(p, e) });
        pos = e;
        break;
      }
      case 6: doc = textField(buf, pos, end); pos = at; break;
      case 7: domain = textField(buf, pos, end); pos = at; break;
      default: pos = skip(buf, wire, pos, end);
    }
  }
  return {
    input: inputs.take(), output: outputs.take(), name, op_type: opType, domain, doc_string: doc,
    attribute: attrs.take(), offset: start, length: end - start,
  };
}

/** Where ModelProto.graph lies in a serialized ModelProto; null when there is none. */
export function findGraph(buf: Buffer): { start: number; end: number } | null {
  let found: { start: number; end: number } | null = null;
  let pos = 0;
  const end = buf.length;
  while (pos < end) {
    const tag = varint(buf, pos, end);
    pos = at;
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 0) throw new Unusual('field 0');
    if (field === 7) {
      if (wire !== 2) throw new Unusual('graph wire type');
      // Two graph fields merge in protobuf; leave that to protobufjs.
      if (found) throw new Unusual('second graph field');
      const p = delimited(buf, pos, end);
      found = { start: p, end: at };
      pos = at;
    } else pos = skip(buf, wire, pos, end);
  }
  return found;
}

/** Decodes every GraphProto.node in the graph message at [start, end), in order. */
export function decodeGraphNodes(buf: Buffer, start: number, end: number): DecodedNode[] {
  const nodes: DecodedNode[] = [];
  let pos = start;
  while (pos < end) {
    const tag = varint(buf, pos, end);
    pos = at;
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 0) throw new Unusual('field 0');
    if (field === 1) {
      if (wire !== 2) throw new Unusual('node wire type');
      const p = delimited(buf, pos, end);
      const e = at;
      nodes.push(node(buf, p, e));
      pos = e;
    } else pos = skip(buf, wire, pos, end);
  }
  return nodes;
}

/** Decodes the attributes left to protobufjs (tensors, subgraphs...); throws what protobufjs throws. */
export function decodeRawAttributes(nodes: DecodedNode[]): void {
  for (const n of nodes) {
    for (const a of n.attribute) {
      if (a.raw && !a.proto) a.proto = AttributeProtoType.decode(a.raw) as unknown as AttributeProto;
    }
  }
}
