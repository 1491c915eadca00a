import { convRank } from '../analysis/ops/keras/weights';
import { applyActivation } from './activation';
import { channelsLastOnly, fail, num, padsFor, spatial, tupleOf, type Emitter, type LowerCtx } from './context';
import { permute } from './tensors';

/** Keras convolutions -> ONNX Conv / ConvTranspose, channels-first, kernels transposed from Keras layout. */

function geometry(c: LowerCtx) {
  channelsLastOnly(c);
  const n = convRank(c.node.opType);
  const kernel = tupleOf(c, 'kernel_size', n, 1);
  const strides = tupleOf(c, 'strides', n, 1);
  const dilations = tupleOf(c, 'dilation_rate', n, 1);
  return { n, kernel, strides, dilations };
}

/** Keras [k..., cin, cout] -> ONNX [cout, cin, k...]. */
function convKernel(data: Float32Array, shape: number[]): { data: Float32Array; dims: number[] } {
  const n = shape.length - 2;
  const perm = [n + 1, n, ...Array.from({ length: n }, (_, i) => i)];
  return { data: permute(data, shape, perm), dims: perm.map((p) => shape[p]) };
}

/** Inputs of an ONNX Conv/ConvTranspose: `x`, the Keras kernel `kernel` in ONNX layout, and the bias if any. */
function convInputs(c: LowerCtx, x: string, kernel: string): string[] {
  const W = convKernel(c.w.get(kernel), c.w.spec(kernel).shape);
  const inputs = [x, c.b.floatConst(`${c.node.name}/${kernel}`, W.dims, W.data)];
  if (c.w.has('bias')) inputs.push(c.b.floatConst(`${c.node.name}/bias`, c.w.spec('bias').shape, c.w.get('bias')));
  return inputs;
}

function finish(c: LowerCtx, y: string): void {
  const rank = c.outShape.length;
  c.done(applyActivation(c.b, c.node.attributes.activation, y, rank, 'cf', c.node.name), 'cf');
}

export const conv: Emitter = (c) => {
  const g = geometry(c);
  const y = c.b.op('Conv', convInputs(c, c.b.get(c.ins[0], 'cf'), 'kernel'), {
    kernel_shape: g.kernel, strides: g.strides, dilations: g.dilations, pads: padsFor(c, g.kernel, g.strides, g.dilations),
    group: num(c, 'groups', 1),
  });
  finish(c, y);
};

/** Keras depthwise kernel [k..., cin, dm] -> ONNX [cin·dm, 1, k...] with group = cin. */
function depthwise(c: LowerCtx, g: ReturnType<typeof geometry>, x: string, withBias: boolean): string {
  const spec = c.w.spec('depthwise_kernel');
  const n = g.n;
  const perm = [n, n + 1, ...Array.from({ length: n }, (_, i) => i)];
  const data = permute(c.w.get('depthwise_kernel'), spec.shape, perm);
  const cin = spec.shape[n];
  const dm = spec.shape[n + 1];
  const inputs = [x, c.b.floatConst(`${c.node.name}/depthwise_kernel`, [cin * dm, 1, ...g.kernel], data)];
  if (withBias && c.w.has('bias')) inputs.push(c.b.floatConst(`${c.node.name}/bias`, [cin * dm], c.w.get('bias')));
  return c.b.op('Conv', inputs, {
    kernel_shape: g.kernel, strides: g.strides, dilations: g.dilations, pads: padsFor(c, g.kernel, g.strides, g.dilations), group: cin,
  });
}

export const depthwiseConv: Emitter = (c) => {
  const g = geometry(c);
  finish(c, depthwise(c, g, c.b.get(c.ins[0], 'cf'), true));
};

export const separableConv: Emitter = (c) => {
  const g = geometry(c);
  const mid = depthwise(c, g, c.b.get(c.ins[0], 'cf'), false);
  finish(c, c.b.op('Conv', convInputs(c, mid, 'pointwise_kernel'), { kernel_shape: new Array(g.n).fill(1) }));
};

/** Keras transposed kernel [k..., filters, cin] -> ONNX ConvTranspose [cin, filters, k...]; pads and
 * output_padding chosen so that ONNX's size s·(in−1) + op + k_eff − pads equals Keras's output size. */
export const convTranspose: Emitter = (c) => {
  const g = geometry(c);
  const inputs = convInputs(c, c.b.get(c.ins[0], 'cf'), 'kernel');
  const ins = spatial(c.inShapes[0]);
  const outs = spatial(c.outShape);
  const same = c.node.attributes.padding === 'same';
  const begin: number[] = [];
  const end: number[] = [];
  const outPad: number[] = [];
  for (let i = 0; i < g.n; i++) {
    const keff = (g.kernel[i] - 1) * g.dilations[i] + 1;
    const natural = g.strides[i] * (ins[i] - 1) + keff;
    let total = natural - outs[i];
    let op = 0;
    if (total < 0) {
      op = -total;
      total = 0;
    }
    // TF puts the odd pixel of SAME padding at the end of the forward conv, i.e. pads the start less.
    const b0 = same ? Math.floor(total / 2) : 0;
    begin.push(b0);
    end.push(total - b0);
    outPad.push(op);
    if (op >= g.strides[i] && op >= g.dilations[i]) fail(c, 'this transposed convolution output size cannot be expressed in ONNX');
  }
  const y = c.b.op('ConvTranspose', inputs, { kernel_shape: g.kernel, strides: g.strides, dilations: g.dilations, pads: [...begin, ...end], output_padding: outPad });
  finish(c, y);
};
