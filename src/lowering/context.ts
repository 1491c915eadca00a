import { ModelError, type AttrValue, type Node } from '../ir/types';
import type { Layout, OnnxBuilder } from './builder';
import type { LayerWeights } from './weights';

/** What an emitter gets for one Keras layer. Shapes are Keras (channels-last), batch included. */
export interface LowerCtx {
  b: OnnxBuilder;
  node: Node;
  /** Keras tensor names of the data inputs. */
  ins: string[];
  inShapes: number[][];
  outShape: number[];
  w: LayerWeights;
  /** Records the layer's output: ONNX tensor `onnx` in `layout`. */
  done(onnx: string, layout: Layout): void;
}

export type Emitter = (c: LowerCtx) => void;

export function fail(c: LowerCtx, message: string): never {
  throw new ModelError(message, `layer '${c.node.name}' (${c.node.opType})`);
}

export function attr(c: LowerCtx, name: string): AttrValue | undefined {
  const v = c.node.attributes[name];
  return v === null ? undefined : v;
}

export function num(c: LowerCtx, name: string, dflt: number): number {
  const v = attr(c, name);
  return typeof v === 'number' ? v : dflt;
}

export function tupleOf(c: LowerCtx, name: string, n: number, dflt: number | number[]): number[] {
  const v = attr(c, name);
  if (typeof v === 'number') return new Array<number>(n).fill(v);
  if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number')) return v as number[];
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'number') return new Array<number>(n).fill(v[0] as number);
  return typeof dflt === 'number' ? new Array<number>(n).fill(dflt) : dflt;
}

/** Spatial dims of a channels-last shape. */
export function spatial(shape: number[]): number[] {
  return shape.slice(1, -1);
}

/** Explicit ONNX pads [b1..bn, e1..en] that reproduce Keras padding for these in/out sizes. */
export function padsFor(c: LowerCtx, kernel: number[], strides: number[], dilation: number[]): number[] {
  const p = attr(c, 'padding') ?? 'valid';
  const ins = spatial(c.inShapes[0]);
  const outs = spatial(c.outShape);
  const n = kernel.length;
  if (typeof p === 'string') {
    const s = p.toLowerCase();
    if (s === 'valid') return new Array(2 * n).fill(0);
    if (s === 'causal') return [(kernel[0] - 1) * dilation[0], ...new Array(2 * n - 1).fill(0)];
    if (s === 'same') {
      const begin: number[] = [];
      const end: number[] = [];
      for (let i = 0; i < n; i++) {
        const keff = (kernel[i] - 1) * dilation[i] + 1;
        const total = Math.max(0, (outs[i] - 1) * strides[i] + keff - ins[i]);
        begin.push(Math.floor(total / 2));
        end.push(total - Math.floor(total / 2));
      }
      return [...begin, ...end];
    }
    return fail(c, `padding '${p}' cannot be lowered`);
  }
  const pairs: [number, number][] = typeof p === 'number'
    ? new Array(n).fill(0).map(() => [p, p])
    : (p as AttrValue[]).map((x) => (typeof x === 'number' ? [x, x] : [(x as number[])[0], (x as number[])[1]]));
  return [...pairs.map((x) => x[0]), ...pairs.map((x) => x[1])];
}

export function channelsLastOnly(c: LowerCtx): void {
  if (c.node.attributes.data_format === 'channels_first') fail(c, "data_format 'channels_first' layers are not lowered to ONNX yet");
}
