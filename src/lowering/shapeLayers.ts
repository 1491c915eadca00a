import { applyActivation } from './activation';
import { attr, channelsLastOnly, fail, num, padsFor, spatial, tupleOf, type Emitter, type LowerCtx } from './context';

/** Pooling, padding, cropping, upsampling, flatten/reshape/permute, dense and normalisation. */

function poolRank(op: string): number {
  const m = /(\d)D$/.exec(op);
  return m ? Number(m[1]) : 2;
}

export const pool: Emitter = (c) => {
  channelsLastOnly(c);
  const n = poolRank(c.node.opType);
  const kernel = tupleOf(c, 'pool_size', n, 2);
  const s = attr(c, 'strides');
  const strides = s === undefined ? kernel : tupleOf(c, 'strides', n, kernel);
  const pads = padsFor(c, kernel, strides, new Array(n).fill(1));
  const ceil = attr(c, 'ceil_mode') === true ? 1 : 0;
  const isMax = /^Max/.test(c.node.opType);
  const attrs: Record<string, number | number[]> = { kernel_shape: kernel, strides, pads, ceil_mode: ceil };
  // Keras (TF) 'same' averages only over real pixels; numeric padding follows PyTorch and counts the zeros.
  if (!isMax) attrs.count_include_pad = typeof attr(c, 'padding') === 'number' || Array.isArray(attr(c, 'padding')) ? 1 : 0;
  c.done(c.b.op(isMax ? 'MaxPool' : 'AveragePool', [c.b.get(c.ins[0], 'cf')], attrs), 'cf');
};

export const globalPool: Emitter = (c) => {
  channelsLastOnly(c);
  const y = c.b.op(/Max/.test(c.node.opType) ? 'GlobalMaxPool' : 'GlobalAveragePool', [c.b.get(c.ins[0], 'cf')]);
  if (attr(c, 'keepdims') === true) c.done(y, 'cf');
  else c.done(c.b.op('Flatten', [y], { axis: 1 }), 'cl');
};

function pairsOf(c: LowerCtx, name: string, n: number): [number, number][] {
  const v = attr(c, name);
  if (typeof v === 'number') return new Array(n).fill(0).map(() => [v, v]);
  if (Array.isArray(v) && n === 1 && v.length === 2 && v.every((x) => typeof x === 'number')) return [[v[0] as number, v[1] as number]];
  if (Array.isArray(v) && v.length === n) return v.map((x) => (typeof x === 'number' ? [x, x] : [(x as number[])[0], (x as number[])[1]]));
  return fail(c, `cannot read '${name}'`);
}

export const zeroPad: Emitter = (c) => {
  channelsLastOnly(c);
  const n = poolRank(c.node.opType);
  const p = pairsOf(c, 'padding', n);
  const pads = [0, 0, ...p.map((x) => x[0]), 0, 0, ...p.map((x) => x[1])];
  c.done(c.b.op('Pad', [c.b.get(c.ins[0], 'cf'), c.b.intConst('pads', pads)]), 'cf');
};

export const crop: Emitter = (c) => {
  channelsLastOnly(c);
  const n = poolRank(c.node.opType);
  const p = pairsOf(c, 'cropping', n);
  const sizes = spatial(c.inShapes[0]);
  const axes = p.map((_, i) => i + 2);
  const starts = p.map((x) => x[0]);
  const ends = p.map((x, i) => sizes[i] - x[1]);
  c.done(c.b.op('Slice', [c.b.get(c.ins[0], 'cf'), c.b.intConst('starts', starts), c.b.intConst('ends', ends), c.b.intConst('axes', axes)]), 'cf');
};

export const upsample: Emitter = (c) => {
  channelsLastOnly(c);
  const n = poolRank(c.node.opType);
  const f = tupleOf(c, 'size', n, 2);
  const interp = attr(c, 'interpolation') ?? 'nearest';
  if (interp !== 'nearest') fail(c, `UpSampling interpolation '${String(interp)}' is not lowered yet (only 'nearest')`);
  const scales = c.b.floatConst('scales', [n + 2], Float32Array.from([1, 1, ...f]));
  c.done(c.b.op('Resize', [c.b.get(c.ins[0], 'cf'), '', scales], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }), 'cf');
};

export const flatten: Emitter = (c) => c.done(c.b.op('Flatten', [c.b.get(c.ins[0], 'cl')], { axis: 1 }), 'cl');

export const reshape: Emitter = (c) => {
  const shape = c.outShape.slice(1);
  c.done(c.b.op('Reshape', [c.b.get(c.ins[0], 'cl'), c.b.intConst('shape', [0, ...shape])]), 'cl');
};

export const permuteLayer: Emitter = (c) => {
  const dims = attr(c, 'dims') as number[];
  c.done(c.b.op('Transpose', [c.b.get(c.ins[0], 'cl')], { perm: [0, ...dims] }), 'cl');
};

export const dense: Emitter = (c) => {
  const x = c.b.get(c.ins[0], 'cl');
  const k = c.w.spec('kernel');
  const W = c.b.floatConst(`${c.node.name}/kernel`, k.shape, c.w.get('kernel'));
  const rank = c.inShapes[0].length;
  let y: string;
  if (rank === 2) {
    const ins = [x, W];
    if (c.w.has('bias')) ins.push(c.b.floatConst(`${c.node.name}/bias`, c.w.spec('bias').shape, c.w.get('bias')));
    y = c.b.op('Gemm', ins);
  } else {
    y = c.b.op('MatMul', [x, W]);
    if (c.w.has('bias')) y = c.b.op('Add', [y, c.b.floatConst(`${c.node.name}/bias`, c.w.spec('bias').shape, c.w.get('bias'))]);
  }
  c.done(applyActivation(c.b, c.node.attributes.activation, y, c.outShape.length, 'cl', c.node.name), 'cl');
};

function channelAxisOnly(c: LowerCtx): void {
  const a = attr(c, 'axis') ?? -1;
  const axis = Array.isArray(a) && a.length === 1 ? a[0] : a;
  const rank = c.inShapes[0].length;
  if (axis !== -1 && axis !== rank - 1) fail(c, `only normalisation over the last (channel) axis is lowered, not axis ${JSON.stringify(a)}`);
}

export const batchNorm: Emitter = (c) => {
  channelAxisOnly(c);
  const C = c.inShapes[0][c.inShapes[0].length - 1];
  const vec = (name: string, dflt: number) => c.b.floatConst(`${c.node.name}/${name}`, [C], c.w.has(name) ? c.w.get(name) : new Float32Array(C).fill(dflt));
  const rank = c.inShapes[0].length;
  const layout = rank > 2 ? 'cf' : 'cl';
  const y = c.b.op('BatchNormalization', [c.b.get(c.ins[0], layout), vec('gamma', 1), vec('beta', 0), vec('moving_mean', 0), vec('moving_variance', 1)], {
    epsilon: num(c, 'epsilon', 1e-3),
  }, undefined, { epsilon: 'float' });
  c.done(y, layout);
};

export const layerNorm: Emitter = (c) => {
  channelAxisOnly(c);
  const C = c.inShapes[0][c.inShapes[0].length - 1];
  const vec = (name: string, dflt: number) => c.b.floatConst(`${c.node.name}/${name}`, [C], c.w.has(name) ? c.w.get(name) : new Float32Array(C).fill(dflt));
  const y = c.b.op('LayerNormalization', [c.b.get(c.ins[0], 'cl'), vec('gamma', 1), vec('beta', 0)], { axis: -1, epsilon: num(c, 'epsilon', 1e-3) }, undefined, { axis: 'int', epsilon: 'float' });
  c.done(y, 'cl');
};

/** tf.nn.local_response_normalization (depth_radius r, Σ over 2r+1 channels, alpha times the sum)
 * as ONNX LRN, whose alpha divides the sum by its size: alpha_onnx = alpha·(2r+1). */
export const lrn: Emitter = (c) => {
  const rank = c.inShapes[0].length;
  const layout = rank > 2 ? 'cf' : 'cl';
  const size = 2 * num(c, 'depth_radius', 5) + 1;
  const y = c.b.op('LRN', [c.b.get(c.ins[0], layout)], {
    size, alpha: num(c, 'alpha', 1) * size, beta: num(c, 'beta', 0.5), bias: num(c, 'bias', 1),
  }, undefined, { size: 'int', alpha: 'float', beta: 'float', bias: 'float' });
  c.done(y, layout);
};
