/**
 * Bytes -> decoded ModelProto, with every protobufjs failure (RangeError, "invalid wire type",
 * "max depth exceeded", stack overflow) turned into one ModelError that says where it failed.
 */
import * as protobuf from 'protobufjs';
import { ModelError } from '../../ir/types';
import { ModelProtoType, TensorProtoType, type ModelProto, type TensorProto } from './schema';

/** In Node, a Buffer over the same memory, so protobufjs' BufferReader returns raw_data as views (and
 * decodes strings fast); in a browser (the web extension) the bytes themselves, read as views too. */
export function asBuffer(bytes: Uint8Array): Uint8Array {
  if (typeof Buffer === 'undefined') return bytes;
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** `type`: ModelProto, or ModelProtoWithoutNodes when nodes.ts decodes the main graph's nodes. */
export function decodeModelProto(bytes: Uint8Array, where: string, type: protobuf.Type = ModelProtoType): ModelProto {
  const reader = protobuf.Reader.create(asBuffer(bytes));
  try {
    return type.decode(reader) as unknown as ModelProto;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const at = Math.min(reader.pos, bytes.byteLength);
    if (/max depth exceeded|call stack/i.test(msg)) {
      throw new ModelError(`messages nest more than ${protobuf.util.recursionLimit} levels deep near byte ${at} (subgraphs nested too deeply, or not an ONNX model)`, where);
    }
    const detail = /index out of range/.test(msg) ? 'a field runs past the end of the data (truncated file?)' : msg.replace(/ at offset \d+$/, '');
    throw new ModelError(`not an ONNX model: protobuf decoding failed at byte ${at} of ${bytes.byteLength}: ${detail}`, where);
  }
}

/** Bytes of a serialized TensorProto (ONNX test data's input_N.pb / output_N.pb) -> decoded message. */
export function decodeTensorProto(bytes: Uint8Array, where: string): TensorProto {
  const reader = protobuf.Reader.create(asBuffer(bytes));
  try {
    return TensorProtoType.decode(reader) as unknown as TensorProto;
  } catch (e) {
    throw new ModelError(`not a TensorProto: protobuf decoding failed at byte ${reader.pos}: ${e instanceof Error ? e.message : String(e)}`, where);
  }
}
