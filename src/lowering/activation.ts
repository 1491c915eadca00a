import type { AttrValue } from '../ir/types';
import type { Layout, OnnxBuilder } from './builder';
import { filled } from './tensors';
import { ModelError } from '../ir/types';

/** A Keras activation by name applied to ONNX tensor `x` (rank `rank`, in `layout`); returns the result. */
export function applyActivation(b: OnnxBuilder, name: AttrValue | undefined, x: string, rank: number, layout: Layout, where: string): string {
  const act = typeof name === 'string' ? name.toLowerCase() : 'linear';
  const channelAxis = layout === 'cf' && rank > 2 ? 1 : -1;
  switch (act) {
    case 'linear': case '': return x;
    case 'relu': return b.op('Relu', [x]);
    case 'relu6': return b.op('Clip', [x, b.floatConst('zero', [], filled(1, 0)), b.floatConst('six', [], filled(1, 6))]);
    case 'sigmoid': return b.op('Sigmoid', [x]);
    case 'tanh': return b.op('Tanh', [x]);
    case 'softmax': return b.op('Softmax', [x], { axis: channelAxis });
    case 'elu': return b.op('Elu', [x], { alpha: 1 });
    case 'selu': return b.op('Selu', [x]);
    case 'softplus': return b.op('Softplus', [x]);
    case 'softsign': return b.op('Softsign', [x]);
    case 'exponential': return b.op('Exp', [x]);
    case 'hard_sigmoid': return b.op('HardSigmoid', [x], { alpha: 0.2, beta: 0.5 });
    case 'swish': case 'silu': return b.op('Mul', [x, b.op('Sigmoid', [x])]);
    default: throw new ModelError(`activation '${act}' cannot be lowered to ONNX`, where);
  }
}
