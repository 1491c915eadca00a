import { readFileSync } from 'node:fs';
import { TensorProtoType, type TensorProto } from '../../src/formats/onnx/schema';

/** dims of a serialized onnx.TensorProto (ONNX test data: the expected output's shape). */
export function pbDims(path: string): number[] {
  const t = TensorProtoType.decode(readFileSync(path)) as unknown as TensorProto;
  return t.dims.map((d) => Number(d));
}
