/**
 * TensorProto -> IR TensorData. Nothing is copied at read time: raw_data stays a view of the
 * file's buffer, typed fields (float_data, int32_data, ...) are converted to bytes on first use,
 * and external data is read from disk on first use.
 */
import type { DType, TensorData } from '../../ir/types';
import { ModelError } from '../../ir/types';
import { utf8 } from '../../common/text';
import { byteSizeOf, bytesOf, decodeValues, elementCount } from '../../ir/tensor';
import { resolveInside } from '../siblings';
import { checkSiblingLocation } from '../siblingLocation';
import type { SiblingFiles } from '../registry';
import { externalSlice } from './externalSlice';
import { dtypeFromOnnx, ONNX_DTYPE_MAX } from './dtypes';
import { parseExternalData, readExternal } from './external';
import type { SparseTensorProto, TensorProto } from './schema';
import { readSlice, type FileSlice, type FileStamp } from './skeleton';
import { DATA_LOCATION_EXTERNAL, int64ToNumber } from './schema';

/** What tensor conversion needs from the model being read. */
export interface TensorContext {
  /** Folder of the model file, for external data; undefined when read from bytes alone. */
  folder?: string;
  /** External data files in memory (the web build); when set, `folder` is not read. */
  siblings?: SiblingFiles;
  /** Set when external data files may not be opened (an untrusted or virtual workspace): why. */
  refuseExternal?: string;
  warnings: string[];
  /** Set when the file was read as a skeleton: the file whose skipped raw_data payloads tensors read back. */
  file?: { path: string; stamp: FileStamp };
}

/** Tensors read from disk on demand are kept while small; larger ones are re-read so memory stays flat. */
const KEEP_EXTERNAL_BYTES = 1 << 20;

export function onnxDtype(value: number, where: string): DType {
  const d = dtypeFromOnnx(value);
  if (d === undefined) throw new ModelError(`unknown data_type ${value} (ONNX defines 0..${ONNX_DTYPE_MAX})`, where);
  return d;
}

export function tensorDims(raw: TensorProto['dims'], where: string): number[] {
  const dims = new Array<number>(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const d = int64ToNumber(raw[i]);
    if (d < 0) throw new ModelError(`negative dimension ${d} in dims`, where);
    dims[i] = d;
  }
  return dims;
}

/** `skipped`: where this tensor's raw_data lies in the file, when the skeleton reader left it there. */
export function convertTensor(t: TensorProto, ctx: TensorContext, where: string, skipped?: FileSlice): TensorData {
  const name = t.name;
  const dtype = onnxDtype(t.data_type, where);
  const dims = tensorDims(t.dims, where);
  const count = elementCount(dims, where);
  const expected = byteSizeOf(dtype, count);
  if (t.segment) ctx.warnings.push(`${where}: segmented tensor (TensorProto.segment) is read as if it held the whole tensor`);

  if (t.data_location === DATA_LOCATION_EXTERNAL) {
    const ref = parseExternalData(t.external_data, where);
    // Refuse escaping locations now, not when the bytes are first asked for.
    const siblings = ctx.siblings;
    if (ctx.refuseExternal) { /* nothing beside the model is looked at */ }
    else if (siblings) checkSiblingLocation(ref.location, where);
    else if (ctx.folder !== undefined) resolveInside(ctx.folder, ref.location, where);
    const folder = ctx.folder;
    const refused = ctx.refuseExternal;
    let kept: Uint8Array | undefined;
    const bytes = (): Uint8Array => {
      if (refused) throw new ModelError(`tensor data is in external file ${JSON.stringify(ref.location)}, which is not read: ${refused}`, where);
      if (kept) return kept;
      const b = siblings ? externalSlice(siblings, ref, expected, where) : readExternal(folder, ref, expected, where);
      if (b.byteLength <= KEEP_EXTERNAL_BYTES) kept = b;
      return b;
    };
    return {
      name, dtype, dims,
      byteLength: ref.length >= 0 ? ref.length : expected,
      external: { location: ref.location, offset: ref.offset, length: ref.length >= 0 ? ref.length : expected },
      bytes,
      values: () => decodeValues(dtype, bytes(), count, where),
    };
  }

  if (dtype === 'string') {
    if (t.string_data.length !== count) throw new ModelError(`string tensor has ${t.string_data.length} elements but dims call for ${count}`, where);
    const strings = (): string[] => t.string_data.map((s) => (s instanceof Uint8Array ? utf8(s) : ''));
    return {
      name, dtype, dims, byteLength: 0,
      bytes: () => { throw new ModelError('string tensors have no fixed-width bytes', where); },
      values: () => { throw new ModelError('string tensors have no numeric values', where); },
      strings,
    };
  }

  if (skipped && ctx.file) {
    if (skipped.length !== expected) {
      throw new ModelError(`raw_data holds ${skipped.length} bytes but ${dtype}[${dims.join(', ')}] needs ${expected}`, where);
    }
    const file = ctx.file;
    let kept: Uint8Array | undefined;
    const bytes = (): Uint8Array => {
      if (kept) return kept;
      let b: Buffer;
      try {
        b = readSlice(file.path, skipped, file.stamp);
      } catch (e) {
        throw new ModelError(e instanceof Error ? e.message : String(e), where);
      }
      if (b.byteLength <= KEEP_EXTERNAL_BYTES) kept = b;
      return b;
    };
    return {
      name, dtype, dims, byteLength: skipped.length,
      bytes,
      values: () => decodeValues(dtype, bytes(), count, where),
    };
  }

  const raw = t.raw_data;
  if (raw instanceof Uint8Array && raw.byteLength > 0) {
    if (raw.byteLength !== expected) {
      throw new ModelError(`raw_data holds ${raw.byteLength} bytes but ${dtype}[${dims.join(', ')}] needs ${expected}`, where);
    }
    return rawTensor(name, dtype, dims, raw, count, where);
  }

  if (count > 0 && typedFieldLength(t) === 0) {
    // A weight whose value was left out (some exporters strip weights to publish a topology).
    return {
      name, dtype, dims, byteLength: 0, missing: true,
      bytes: () => { throw new ModelError('tensor has no data (no raw_data, typed data or external data)', where); },
      values: () => { throw new ModelError('tensor has no data (no raw_data, typed data or external data)', where); },
    };
  }
  let cached: Uint8Array | undefined;
  const bytes = (): Uint8Array => (cached ??= typedFieldBytes(t, dtype, count, expected, where));
  // Check the element count now, so a bad file fails at read time with the tensor named.
  bytes();
  return {
    name, dtype, dims, byteLength: 0,
    bytes,
    values: () => decodeValues(dtype, bytes(), count, where),
  };
}

/** A tensor over its raw_data. Its own function so that its closures do not keep the decoded
 * TensorProto alive (closures share their function's context). */
function rawTensor(name: string, dtype: DType, dims: number[], raw: Uint8Array, count: number, where: string): TensorData {
  return {
    name, dtype, dims, byteLength: raw.byteLength,
    bytes: () => raw,
    values: () => decodeValues(dtype, raw, count, where),
  };
}

function typedFieldLength(t: TensorProto): number {
  return t.float_data.length + t.int32_data.length + t.int64_data.length + t.double_data.length + t.uint64_data.length;
}

/** Converts the typed repeated fields to little-endian bytes in the dtype's storage layout. */
function typedFieldBytes(t: TensorProto, dtype: DType, count: number, expected: number, where: string): Uint8Array {
  const check = (have: number, want: number, field: string): void => {
    if (have !== want) throw new ModelError(`${field} has ${have} values but ${dtype} tensor needs ${want}`, where);
  };
  switch (dtype) {
    case 'float32': case 'complex64': {
      const n = dtype === 'complex64' ? count * 2 : count;
      check(t.float_data.length, n, 'float_data');
      return bytesOf(Float32Array.from(t.float_data));
    }
    case 'float64': case 'complex128': {
      const n = dtype === 'complex128' ? count * 2 : count;
      check(t.double_data.length, n, 'double_data');
      return bytesOf(Float64Array.from(t.double_data));
    }
    case 'int64': {
      check(t.int64_data.length, count, 'int64_data');
      return bytesOf(BigInt64Array.from(t.int64_data, (v) => (typeof v === 'number' ? BigInt(v) : BigInt(v.toString()))));
    }
    case 'uint32': case 'uint64': {
      check(t.uint64_data.length, count, 'uint64_data');
      if (dtype === 'uint32') return bytesOf(Uint32Array.from(t.uint64_data, (v) => int64ToNumber(v)));
      return bytesOf(BigUint64Array.from(t.uint64_data, (v) => (typeof v === 'number' ? BigInt(v) : BigInt(v.toUnsigned().toString()))));
    }
    case 'int32': check(t.int32_data.length, count, 'int32_data'); return bytesOf(Int32Array.from(t.int32_data));
    case 'int16': check(t.int32_data.length, count, 'int32_data'); return bytesOf(Int16Array.from(t.int32_data));
    case 'uint16': case 'float16': case 'bfloat16':
      // float16/bfloat16 bits are stored as uint16 values in int32_data.
      check(t.int32_data.length, count, 'int32_data');
      return bytesOf(Uint16Array.from(t.int32_data));
    case 'int8': check(t.int32_data.length, count, 'int32_data'); return bytesOf(Int8Array.from(t.int32_data));
    case 'uint8': case 'bool':
    case 'float8e4m3fn': case 'float8e4m3fnuz': case 'float8e5m2': case 'float8e5m2fnuz': case 'float8e8m0':
      check(t.int32_data.length, count, 'int32_data');
      return Uint8Array.from(t.int32_data);
    case 'int4': case 'uint4': case 'float4e2m1': case 'int2': case 'uint2':
      // Sub-byte types are packed into bytes first, one packed byte per int32_data value.
      check(t.int32_data.length, expected, 'int32_data (packed bytes)');
      return Uint8Array.from(t.int32_data);
    case 'string': case 'undefined':
      throw new ModelError(`${dtype} tensor has no numeric data`, where);
  }
}

/** SparseTensorProto -> a dense TensorData (densified on first use). Indices are [NNZ] linear
 * indices or [NNZ, rank] coordinates, as onnx.proto describes. */
export function convertSparseTensor(s: SparseTensorProto, ctx: TensorContext, where: string): TensorData {
  if (!s.values || !s.indices) throw new ModelError('sparse tensor lacks values or indices', where);
  const values = convertTensor(s.values, ctx, `${where} values`);
  const indices = convertTensor(s.indices, ctx, `${where} indices`);
  const dims = tensorDims(s.dims, where);
  const count = elementCount(dims, where);
  const dtype = values.dtype;
  const nnz = values.dims.reduce((a, b) => a * b, 1);
  const rank = dims.length;
  const linear = indices.dims.length === 1;
  if (!(linear ? indices.dims[0] === nnz : indices.dims.length === 2 && indices.dims[0] === nnz && indices.dims[1] === rank)) {
    throw new ModelError(`sparse indices of shape [${indices.dims.join(', ')}] do not fit ${nnz} values in rank ${rank}`, where);
  }
  const width = byteSizeOf(dtype, 1);
  if (dtype === 'string' || width * 8 !== byteSizeOf(dtype, 8)) {
    throw new ModelError(`sparse ${dtype} tensors are not supported`, where);
  }
  let cached: Uint8Array | undefined;
  const bytes = (): Uint8Array => {
    if (cached) return cached;
    const out = new Uint8Array(count * width);
    const src = values.bytes();
    const idx = indices.values();
    for (let k = 0; k < nnz; k++) {
      let at = 0;
      if (linear) at = idx[k];
      else for (let r = 0; r < rank; r++) at = at * dims[r] + idx[k * rank + r];
      if (!(at >= 0 && at < count)) throw new ModelError(`sparse index ${at} is outside the ${count} elements`, where);
      out.set(src.subarray(k * width, (k + 1) * width), at * width);
    }
    return (cached = out);
  };
  return {
    name: values.name, dtype, dims, byteLength: 0,
    bytes,
    values: () => decodeValues(dtype, bytes(), count, where),
  };
}
