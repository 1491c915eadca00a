import type { OpFamily, ViewEdge, ViewGraph, ViewNode, ViewTensor } from '../../src/protocol/viewModel';

/**
 * A synthetic CNN-shaped view graph of about `n` nodes for scale tests and the benchmark:
 * alternating residual blocks (conv-bn-relu-conv-bn + identity skip -> Add -> relu) and
 * inception-like modules (four branches joined by a Concat), scoped as stage/block like
 * PyTorch exports. Deterministic.
 */
export function syntheticGraph(n: number, title = `synthetic-${n}`): ViewGraph {
  const nodes: ViewNode[] = [];
  const edges: ViewEdge[] = [];
  const tensors: Record<string, ViewTensor> = {};
  const tensor = (name: string, c: number, s: number): string => {
    tensors[name] = { name, dtype: 'float32', shape: ['N', c, s, s], receptiveField: [3, 3], stride: [1, 1], bytes: c * s * s * 4 };
    return name;
  };
  const add = (op: string, family: OpFamily, inputs: string[], scope: string[], label = ''): string => {
    const id = `n${nodes.length}`;
    const out = tensor(`${id}_out`, 64, 56);
    nodes.push({
      id, name: `${scope.join('/')}/${op.toLowerCase()}_${nodes.length}`, op, domain: '', family, scope, label, attributes: { kernel_shape: '[3, 3]' },
      inputs, outputs: [out], params: family === 'convolution' ? 36864 : family === 'normalization' ? 128 : 0, macs: family === 'convolution' ? 115_605_504 : 0,
      activationBytes: 802816, formulas: family === 'convolution' ? ['H: (56 + 2·1 − 3)/1 + 1 = 56'] : [], warnings: [], hasSource: true,
    });
    for (const t of inputs) {
      const from = t === 'x' ? 'input:x' : t.replace(/_out$/, '');
      edges.push({ from, to: id, tensor: t });
    }
    return out;
  };
  tensor('x', 3, 224);
  let cur = add('Conv', 'convolution', ['x'], ['stem'], '7×7 /2 ×64');
  let block = 0;
  while (nodes.length < n - 2) {
    const stage = `stage${Math.floor(block / 8) + 1}`;
    const scope = [stage, `${stage}.${block % 8}`];
    if (block % 3 !== 2) {
      const a = add('Conv', 'convolution', [cur], [...scope, 'conv1'], '3×3 ×64');
      const b = add('BatchNormalization', 'normalization', [a], [...scope, 'bn1']);
      const c = add('Relu', 'activation', [b], [...scope, 'relu']);
      const d = add('Conv', 'convolution', [c], [...scope, 'conv2'], '3×3 ×64');
      const e = add('BatchNormalization', 'normalization', [d], [...scope, 'bn2']);
      const s = add('Add', 'merge', [e, cur], [...scope, 'add']);
      cur = add('Relu', 'activation', [s], [...scope, 'relu2']);
    } else {
      const b1 = add('Conv', 'convolution', [cur], [...scope, 'b1'], '1×1 ×64');
      const b2 = add('Conv', 'convolution', [add('Conv', 'convolution', [cur], [...scope, 'b2a'], '1×1 ×96')], [...scope, 'b2b'], '3×3 ×128');
      const b3 = add('Conv', 'convolution', [add('Conv', 'convolution', [cur], [...scope, 'b3a'], '1×1 ×16')], [...scope, 'b3b'], '5×5 ×32');
      const b4 = add('Conv', 'convolution', [add('MaxPool', 'pooling', [cur], [...scope, 'pool'], '3×3')], [...scope, 'b4'], '1×1 ×32');
      cur = add('Concat', 'merge', [b1, b2, b3, b4], [...scope, 'concat'], 'axis 1');
    }
    block++;
  }
  const g = add('GlobalAveragePool', 'pooling', [cur], ['head'], 'global');
  const out = add('Gemm', 'dense', [g], ['head'], '→1000');
  edges.push({ from: out.replace(/_out$/, ''), to: `output:${out}`, tensor: out });
  return {
    title, format: 'onnx', producer: 'synthetic', opsets: { '': 17 },
    inputs: [tensors['x']], outputs: [tensors[out]],
    totals: { params: nodes.reduce((s, v) => s + (v.params ?? 0), 0), macs: nodes.reduce((s, v) => s + (v.macs ?? 0), 0), activationBytes: 0, weightBytes: 0 },
    warnings: [], nodes, edges, tensors,
  };
}
