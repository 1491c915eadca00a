import { windowTaps } from '../../analysis/window/geometry';
import type { NodeWindow } from '../../analysis/window/geometry';
import type { HostTensor } from '../tensorView';
import { product, valueAt } from './tensor';
import type { Arithmetic, ArithmeticAxis, ArithmeticBlock, OutputAt } from './types';

export interface ConvInputs {
  nodeId: string;
  output: string;
  x: HostTensor;
  w: HostTensor;
  b?: HostTensor;
  /** The analysis's window at the run's sizes (src/analysis/window). */
  window: NodeWindow;
  group: number;
}

/** The window `at` reads in each spatial axis, with the input sizes; an error when the padding is not known. */
export function axesAt(window: NodeWindow, x: HostTensor, at: OutputAt, where: string): ArithmeticAxis[] {
  const taps = windowTaps(window.axes, at.pos);
  if (!taps || at.pos.length !== x.dims.length - 2) throw new Error(`${where}: the window of output (${at.pos.join(', ')}) is not known as numbers`);
  return taps.map((t, i) => ({ ...t, size: x.dims[i + 2] }));
}

/**
 * y[n, m, p] = Σ_{c in m's group} Σ_t x[n, c, p·s − pad + t·d] · w[m, c − group start, t] + b[m]
 * (ONNX Conv; cells outside the input are the zero padding).
 */
export function convArithmetic(c: ConvInputs, at: OutputAt): Arithmetic {
  const n = at.batch ?? 0;
  const [m, cinPerGroup] = c.w.dims;
  const outPerGroup = m / c.group;
  if (at.channel < 0 || at.channel >= m) throw new Error(`${c.nodeId}: output channel ${at.channel} out of 0…${m - 1}`);
  const g = Math.floor(at.channel / outPerGroup);
  const axes = axesAt(c.window, c.x, at, c.nodeId);
  const cells = product(axes.map((a) => a.taps));
  const kernelIdx = product(axes.map((a) => a.taps.map((_, t) => t)));
  const channels = Array.from({ length: cinPerGroup }, (_, j) => g * cinPerGroup + j);
  const blocks: ArithmeticBlock[] = channels.map((ch, j) => {
    const padding = cells.map((cell) => cell.some((v, i) => v < 0 || v >= axes[i].size));
    const values = cells.map((cell, k) => (padding[k] ? 0 : valueAt(c.x, [n, ch, ...cell])));
    const weights = kernelIdx.map((t) => valueAt(c.w, [at.channel, j, ...t]));
    const products = values.map((v, k) => v * weights[k]);
    return { channel: ch, values, padding, weights, products, sum: products.reduce((s, p) => s + p, 0) };
  });
  const bias = c.b ? valueAt(c.b, [at.channel]) : null;
  const total = blocks.reduce((s, b) => s + b.sum, 0) + (bias ?? 0);
  return {
    kind: 'conv', nodeId: c.nodeId, opType: 'Conv', input: c.x.name, output: c.output, at, axes,
    group: { index: g, count: c.group, channels }, blocks, bias, total, stages: [],
  };
}
