import type * as ort from 'onnxruntime-node';
import { fromFloat16Bits } from './float16';

/** A captured tensor as plain numbers, batch included. */
export interface HostTensor {
  name: string;
  dims: number[];
  /** Values as float32 (other numeric dtypes are converted on capture). */
  data: Float32Array;
  dtype: string;
}

/**
 * How a tensor is shown as channel maps: `channels` maps of `height`×`width`, taken from the first batch
 * item. Channels-first (ONNX): [N, C, H, W] -> C maps; [N, C, L] -> C strips; [N, F] or [F] -> one map with
 * the F values laid out row by row in a near-square block.
 */
export interface MapView {
  channels: number;
  height: number;
  width: number;
  /** Index of value (c, y, x) in the data of batch item 0. */
  index(c: number, y: number, x: number): number;
  /** Number of real values in a map (the near-square block of a vector may have empty cells at its end). */
  valid: number;
  channelsLast: boolean;
}

export function mapView(dims: number[], channelsLast = false): MapView {
  const rank = dims.length;
  if (rank >= 3) {
    const c = channelsLast ? dims[rank - 1] : dims[1];
    const spatial = channelsLast ? dims.slice(1, rank - 1) : dims.slice(2);
    const width = spatial[spatial.length - 1];
    const height = spatial.slice(0, -1).reduce((a, b) => a * b, 1);
    const plane = height * width;
    const index = channelsLast ? (ch: number, y: number, x: number) => (y * width + x) * c + ch : (ch: number, y: number, x: number) => ch * plane + y * width + x;
    return { channels: c, height, width, index, valid: plane, channelsLast };
  }
  const count = rank === 0 ? 1 : dims[rank - 1];
  const width = Math.max(1, Math.ceil(Math.sqrt(count)));
  const height = Math.max(1, Math.ceil(count / width));
  return { channels: 1, height, width, index: (_c, y, x) => y * width + x, valid: count, channelsLast: false };
}

export function elementCount(dims: number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** ONNX Runtime's values of a tensor as the float32 a HostTensor holds (float16 decoded, integers converted). */
export function toFloat32(data: ort.Tensor.DataType, dtype: string): Float32Array {
  if (data instanceof Float32Array) return data;
  if (dtype === 'float16' && data instanceof Uint16Array) return fromFloat16Bits(data);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float32Array.from(data, (v) => Number(v));
  if (ArrayBuffer.isView(data)) return Float32Array.from(data as unknown as ArrayLike<number>);
  return new Float32Array(0);
}
