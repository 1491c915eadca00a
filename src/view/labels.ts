import type { Dim, Node } from '../ir/types';
import { intAttr, intsAttr, strAttr } from './attributes';
import type { NodeWindow } from '../analysis/window/geometry';

/** The short attribute label drawn on a node, e.g. '3×3 /2 ×64' (kernel, stride, out channels). */

function compact(v: number[]): string {
  return v.every((x) => x === v[0]) ? String(v[0]) : v.join('×');
}

/** `pool`: pooling has no output channels of its own to show. */
export function windowLabel(w: NodeWindow, pool: boolean): string {
  const parts: string[] = [];
  parts.push(w.axes.map((a) => a.kernel).join('×'));
  const strides = w.axes.map((a) => a.stride);
  const dilations = w.axes.map((a) => a.dilation);
  if (strides.some((s) => s !== 1)) parts.push(`/${compact(strides)}`);
  if (dilations.some((d) => d !== 1)) parts.push(`d${compact(dilations)}`);
  if (w.depthwise) parts.push('dw');
  else if (w.groups > 1) parts.push(`g${w.groups}`);
  if (!pool && w.outChannels !== null) parts.push(`×${w.outChannels}`);
  return parts.join(' ');
}

export function shapeText(shape: Dim[] | null | undefined): string {
  return shape ? shape.join('×') : '?';
}

/** Labels for nodes without a sliding window. `outShape` is the first output's inferred shape. */
export function otherLabel(node: Node, outShape: Dim[] | null): string {
  const op = node.opType;
  const keras = node.domain === 'keras';
  if (/^Global/.test(op)) return 'global';
  if (op === 'Gemm' || op === 'MatMul' || op === 'Dense') {
    const units = intAttr(node, 'units', 'output_dim') ?? outShape?.[outShape.length - 1];
    return units === undefined ? '' : `→${units}`;
  }
  if (op === 'Concat' || op === 'Concatenate') {
    const axis = intAttr(node, 'axis', 'concat_axis');
    return axis === undefined ? '' : `axis ${axis}`;
  }
  if (op === 'Activation') return strAttr(node, 'activation') ?? '';
  if (op === 'LeakyRelu' || op === 'LeakyReLU') {
    const a = node.attributes['alpha'];
    return typeof a === 'number' ? `α ${Number(a.toPrecision(3))}` : '';
  }
  if (op === 'Softmax' || op === 'LogSoftmax') {
    const axis = intAttr(node, 'axis');
    return axis === undefined ? '' : `axis ${axis}`;
  }
  if (op === 'Dropout') {
    const r = node.attributes['ratio'] ?? node.attributes['rate'] ?? node.attributes['p'];
    return typeof r === 'number' ? `p ${r}` : '';
  }
  if (op === 'Transpose' || op === 'Permute') {
    const perm = intsAttr(node, 'perm', 'dims');
    return perm ? `(${perm.join(',')})` : '';
  }
  if (['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Expand', 'Resize', 'Upsample', 'UpSampling2D'].includes(op) && outShape) {
    return `→${shapeText(keras || outShape.length > 1 ? outShape.slice(1) : outShape)}`;
  }
  return '';
}
