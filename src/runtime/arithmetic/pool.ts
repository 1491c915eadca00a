import type { NodeWindow } from '../../analysis/window/geometry';
import type { HostTensor } from '../tensorView';
import { axesAt } from './conv';
import { product, valueAt } from './tensor';
import type { Arithmetic, OutputAt } from './types';

export interface PoolInputs {
  nodeId: string;
  opType: 'MaxPool' | 'AveragePool';
  output: string;
  x: HostTensor;
  window: NodeWindow;
  countIncludePad: boolean;
}

/**
 * MaxPool: the largest input cell of the window (padding never wins). AveragePool: the mean of the
 * window's cells; with count_include_pad the explicit padding cells count as zeros, otherwise only cells
 * inside the input count (ONNX reference op_pool_common; cells past the explicit padding, which ceil_mode
 * adds, never count).
 */
export function poolArithmetic(p: PoolInputs, at: OutputAt): Arithmetic {
  const n = at.batch ?? 0;
  const axes = axesAt(p.window, p.x, at, p.nodeId);
  const cells = product(axes.map((a) => a.taps));
  const padding = cells.map((cell) => cell.some((v, i) => v < 0 || v >= axes[i].size));
  const values = cells.map((cell, k) => (padding[k] ? 0 : valueAt(p.x, [n, at.channel, ...cell])));
  if (p.opType === 'MaxPool') {
    let picked = -1;
    values.forEach((v, k) => { if (!padding[k] && (picked < 0 || v > values[picked])) picked = k; });
    const total = picked < 0 ? -Infinity : values[picked];
    return { kind: 'pool', nodeId: p.nodeId, opType: p.opType, input: p.x.name, output: p.output, at, axes, blocks: [{ channel: at.channel, values, padding, sum: total, picked }], bias: null, pool: { mode: 'max' }, total, stages: [] };
  }
  const axesWin = p.window.axes;
  const counted = cells.map((cell, k) => !padding[k] || (p.countIncludePad && cell.every((v, i) => v >= -(axesWin[i].padBegin ?? 0) && v < axes[i].size + (axesWin[i].padEnd ?? 0))));
  const divisor = counted.filter(Boolean).length;
  const total = values.reduce((s, v, k) => s + (counted[k] ? v : 0), 0) / divisor;
  return {
    kind: 'pool', nodeId: p.nodeId, opType: p.opType, input: p.x.name, output: p.output, at, axes,
    blocks: [{ channel: at.channel, values, padding, sum: total }], bias: null,
    pool: { mode: 'mean', divisor, countIncludePad: p.countIncludePad }, total, stages: [],
  };
}
