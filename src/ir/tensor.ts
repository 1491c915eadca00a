/**
 * Element types: sizes, and decoding stored little-endian bytes into numbers. Shared by every
 * reader (ONNX raw_data and external data, Keras/TF.js weight buffers) and by the analysis.
 *
 * Sub-byte types (int4/uint4/float4e2m1: two per byte; int2/uint2: four per byte) are packed
 * with the first element in the least significant bits, as ONNX stores them.
 */
import type { DType, TensorData } from './types';
import { ModelError } from './types';

/** Bits one element occupies in storage (complex types count both parts; 0 for string/undefined). */
const BITS: Record<DType, number> = {
  float32: 32, float16: 16, bfloat16: 16, float64: 64,
  int8: 8, uint8: 8, int16: 16, uint16: 16, int32: 32, uint32: 32, int64: 64, uint64: 64,
  bool: 8, string: 0, complex64: 64, complex128: 128,
  float8e4m3fn: 8, float8e4m3fnuz: 8, float8e5m2: 8, float8e5m2fnuz: 8, float8e8m0: 8,
  uint4: 4, int4: 4, float4e2m1: 4, uint2: 2, int2: 2,
  undefined: 0,
};

export function dtypeBits(dtype: DType): number {
  return BITS[dtype];
}

/** Bytes needed to store `count` elements (sub-byte types round up to a whole byte). */
export function byteSizeOf(dtype: DType, count: number): number {
  return Math.ceil((count * BITS[dtype]) / 8);
}

/** Largest element count we accept: beyond it no file (ONNX is limited to 2 GB, external data to
 * what a disk holds) can be meant, and the count would no longer be an exact double. */
const MAX_ELEMENTS = 2 ** 52;

/** Number of elements of a tensor with these dims; throws a ModelError for negative, fractional
 * or absurd dims. `where` names the tensor for the message. */
export function elementCount(dims: readonly number[], where: string): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0) throw new ModelError(`invalid dimension ${d} in dims [${dims.join(', ')}]`, where);
    n *= d;
  }
  if (n > MAX_ELEMENTS) throw new ModelError(`dims [${dims.join(', ')}] give ${n} elements, more than any real tensor`, where);
  return n;
}

/** Numbers per element returned by decodeValues: 2 for complex types (real, imaginary), else 1. */
export function valuesPerElement(dtype: DType): number {
  return dtype === 'complex64' || dtype === 'complex128' ? 2 : 1;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type TypedCtor<T> = { new (buffer: ArrayBuffer, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number };

/** A typed-array view of the bytes when they are aligned (no copy), else a view of an aligned copy. */
function view<T>(Ctor: TypedCtor<T>, bytes: Uint8Array, length: number): T {
  if (!LITTLE_ENDIAN) throw new ModelError('big-endian hosts are not supported for tensor decoding');
  // new Uint8Array(bytes) copies; Buffer#slice would return another unaligned view.
  const b = bytes.byteOffset % Ctor.BYTES_PER_ELEMENT === 0 ? bytes : new Uint8Array(bytes);
  return new Ctor(b.buffer as ArrayBuffer, b.byteOffset, length);
}

// float16: 1 sign, 5 exponent (bias 15), 10 mantissa bits.
export function float16ToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Builds a 256-entry table for an 8-bit float with the given exponent/mantissa widths and bias.
 * `fnuz`: 0x80 is the only NaN, no infinities, no negative zero. `fn`: only S.1111.111 is NaN. */
function float8Table(expBits: number, manBits: number, bias: number, kind: 'ieee' | 'fn' | 'fnuz'): Float32Array {
  const t = new Float32Array(256);
  const expMax = (1 << expBits) - 1;
  const manMax = (1 << manBits) - 1;
  for (let b = 0; b < 256; b++) {
    const s = b & 0x80 ? -1 : 1;
    const e = (b >> manBits) & expMax;
    const m = b & manMax;
    let v: number;
    if (kind === 'fnuz' && b === 0x80) v = NaN;
    else if (kind === 'fn' && e === expMax && m === manMax) v = NaN;
    else if (kind === 'ieee' && e === expMax) v = m ? NaN : s * Infinity;
    else if (e === 0) v = s * (m / (1 << manBits)) * 2 ** (1 - bias);
    else v = s * (1 + m / (1 << manBits)) * 2 ** (e - bias);
    t[b] = v;
  }
  return t;
}

const tables: Partial<Record<DType, Float32Array>> = {};
function table(dtype: DType): Float32Array {
  let t = tables[dtype];
  if (t) return t;
  switch (dtype) {
    case 'float8e4m3fn': t = float8Table(4, 3, 7, 'fn'); break;
    case 'float8e4m3fnuz': t = float8Table(4, 3, 8, 'fnuz'); break;
    case 'float8e5m2': t = float8Table(5, 2, 15, 'ieee'); break;
    case 'float8e5m2fnuz': t = float8Table(5, 2, 16, 'fnuz'); break;
    case 'float8e8m0': {
      // Unsigned power of two: 2^(e-127); 0xFF is NaN.
      t = new Float32Array(256);
      for (let b = 0; b < 256; b++) t[b] = b === 0xff ? NaN : 2 ** (b - 127);
      break;
    }
    case 'float4e2m1': {
      // 1 sign, 2 exponent (bias 1), 1 mantissa; no NaN or infinity.
      t = new Float32Array(16);
      for (let b = 0; b < 16; b++) {
        const s = b & 8 ? -1 : 1;
        const e = (b >> 1) & 3;
        const m = b & 1;
        t[b] = e === 0 ? s * m * 0.5 : s * (1 + m / 2) * 2 ** (e - 1);
      }
      break;
    }
    default: throw new Error(`no lookup table for ${dtype}`);
  }
  tables[dtype] = t;
  return t;
}

/**
 * Decodes `count` elements stored little-endian in `bytes`. Returns a typed array; for float32,
 * (u)int8/16/32, float64 and bool it is a view of `bytes` when aligned, so treat it as read-only.
 * int64/uint64 become doubles (exact up to 2^53). Complex types return interleaved real, imaginary.
 */
export function decodeValues(dtype: DType, bytes: Uint8Array, count: number, where = 'tensor'): ArrayLike<number> {
  const need = byteSizeOf(dtype, count);
  if (bytes.byteLength < need) {
    throw new ModelError(`${count} ${dtype} elements need ${need} bytes but only ${bytes.byteLength} are stored`, where);
  }
  switch (dtype) {
    case 'float32': return view(Float32Array, bytes, count);
    case 'float64': return view(Float64Array, bytes, count);
    case 'complex64': return view(Float32Array, bytes, count * 2);
    case 'complex128': return view(Float64Array, bytes, count * 2);
    case 'int8': return new Int8Array(bytes.buffer, bytes.byteOffset, count);
    case 'uint8': case 'bool': return bytes.subarray(0, count);
    case 'int16': return view(Int16Array, bytes, count);
    case 'uint16': return view(Uint16Array, bytes, count);
    case 'int32': return view(Int32Array, bytes, count);
    case 'uint32': return view(Uint32Array, bytes, count);
    case 'int64': case 'uint64': {
      const words = view(Uint32Array, bytes, count * 2);
      const out = new Float64Array(count);
      const signed = dtype === 'int64';
      for (let i = 0; i < count; i++) {
        const lo = words[2 * i];
        const hi = words[2 * i + 1];
        out[i] = (signed ? hi | 0 : hi) * 4294967296 + lo;
      }
      return out;
    }
    case 'float16': {
      const h = view(Uint16Array, bytes, count);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = float16ToNumber(h[i]);
      return out;
    }
    case 'bfloat16': {
      // bfloat16 is the high half of a float32.
      const h = view(Uint16Array, bytes, count);
      const bits = new Uint32Array(count);
      for (let i = 0; i < count; i++) bits[i] = h[i] << 16;
      return new Float32Array(bits.buffer);
    }
    case 'float8e4m3fn': case 'float8e4m3fnuz': case 'float8e5m2': case 'float8e5m2fnuz': case 'float8e8m0': {
      const t = table(dtype);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = t[bytes[i]];
      return out;
    }
    case 'float4e2m1': case 'int4': case 'uint4': {
      const out = new Float32Array(count);
      const t = dtype === 'float4e2m1' ? table(dtype) : null;
      for (let i = 0; i < count; i++) {
        const n = (bytes[i >> 1] >> ((i & 1) * 4)) & 0xf;
        out[i] = t ? t[n] : dtype === 'int4' && n >= 8 ? n - 16 : n;
      }
      return out;
    }
    case 'int2': case 'uint2': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        const n = (bytes[i >> 2] >> ((i & 3) * 2)) & 3;
        out[i] = dtype === 'int2' && n >= 2 ? n - 4 : n;
      }
      return out;
    }
    case 'string': case 'undefined':
      throw new ModelError(`${dtype} tensors have no numeric values`, where);
  }
}

/** A TensorData over bytes that already sit in memory (a Keras/TF.js weight buffer, a generated weight). */
export function tensorFromBytes(name: string, dtype: DType, dims: number[], bytes: Uint8Array): TensorData {
  const count = elementCount(dims, `tensor '${name}'`);
  const need = byteSizeOf(dtype, count);
  if (dtype !== 'string' && bytes.byteLength !== need) {
    throw new ModelError(`${dtype}[${dims.join(', ')}] needs ${need} bytes but ${bytes.byteLength} are given`, `tensor '${name}'`);
  }
  return {
    name, dtype, dims, byteLength: bytes.byteLength,
    bytes: () => bytes,
    values: () => decodeValues(dtype, bytes, count, `tensor '${name}'`),
  };
}

/** Little-endian bytes of a typed array (a view, no copy). */
export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
