/** TensorProto.DataType numbers (onnx.proto) <-> IR dtype names. */
import type { DType } from '../../ir/types';

/** Indexed by the TensorProto.DataType value, 0 (UNDEFINED) .. 26 (INT2). */
const BY_ENUM: readonly DType[] = [
  'undefined', 'float32', 'uint8', 'int8', 'uint16', 'int16', 'int32', 'int64', 'string', 'bool',
  'float16', 'float64', 'uint32', 'uint64', 'complex64', 'complex128', 'bfloat16',
  'float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz', 'uint4', 'int4', 'float4e2m1',
  'float8e8m0', 'uint2', 'int2',
];

const BY_NAME = new Map<DType, number>(BY_ENUM.map((d, i) => [d, i]));

/** The IR dtype of a TensorProto.DataType value, or undefined when the value is not one ONNX defines. */
export function dtypeFromOnnx(value: number): DType | undefined {
  return Number.isInteger(value) && value >= 0 && value < BY_ENUM.length ? BY_ENUM[value] : undefined;
}

export function onnxFromDtype(dtype: DType): number {
  return BY_NAME.get(dtype) ?? 0;
}

export const ONNX_DTYPE_MAX = BY_ENUM.length - 1;
