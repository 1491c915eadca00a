/**
 * A model written the way tf2onnx writes a Keras CNN (there is no tf2onnx export in the corpus, and
 * TensorFlow cannot be installed here): it imitates tf2onnx 1.16's output for a small functional Keras
 * model, not the exporter itself. What it copies: node names under "StatefulPartitionedCall/model/…"
 * (the SavedModel's call scope, then the Keras layer names), tensor names with ":0" suffixes and
 * "__N" for nodes tf2onnx adds, an NHWC input ("input_1", batch "unk__N") with a Transpose to NCHW
 * in front of the first Conv, BatchNormalization folded into the Conv weights and bias (one Conv per
 * Conv2D+BN, named after its BiasAdd), Relu, residual Adds, a Keras GlobalAveragePooling2D as a
 * ReduceMean, the Dense layer as MatMul + Add, the producer "tf2onnx", and its opset imports
 * (ai.onnx 13 and ai.onnx.ml 2). Seeded weights; ONNX Runtime runs it.
 */
import type { Model } from '../../src/ir/types';
import { GraphBuilder, generatedFile } from './generate';

const P = 'StatefulPartitionedCall/model';

export function generateTf2onnxCnn(seed = 17): Model {
  const b = new GraphBuilder(seed, true);
  let fresh = 0;
  const conv = (layer: string, x: string, cin: number, cout: number, k: number, stride: number): string => {
    const w = b.weight(`${P}/${layer}/Conv2D/ReadVariableOp:0`, [cout, cin, k, k], Math.sqrt(6 / (cin * k * k)));
    const bias = b.weight(`${P}/${layer}/BiasAdd/ReadVariableOp:0`, [cout], 0.01);
    // tf2onnx pads 'same' convolutions explicitly.
    const p = (k - 1) >> 1;
    return b.node(`${P}/${layer}/BiasAdd`, 'Conv', [x, w, bias], { kernel_shape: [k, k], strides: [stride, stride], pads: [p, p, p, p], dilations: [1, 1], group: 1 }, `${P}/${layer}/BiasAdd:0`);
  };
  const relu = (layer: string, x: string): string => b.node(`${P}/${layer}/Relu`, 'Relu', [x], {}, `${P}/${layer}/Relu:0`);
  let x = b.node(`${P}/conv1/Conv2D__${++fresh + 5}`, 'Transpose', ['input_1'], { perm: [0, 3, 1, 2] }, `${P}/conv1/Conv2D__6:0`);
  x = relu('conv1_relu', conv('conv1', x, 3, 32, 3, 2));
  x = b.node(`${P}/pool1/MaxPool`, 'MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] }, `${P}/pool1/MaxPool:0`);
  let c = 32;
  for (const [block, cout, stride] of [['block1', 32, 1], ['block2', 64, 2]] as [string, number, number][]) {
    let y = relu(`${block}_relu1`, conv(`${block}_conv1`, x, c, cout, 3, stride));
    y = conv(`${block}_conv2`, y, cout, cout, 3, 1);
    const short = cout !== c || stride !== 1 ? conv(`${block}_shortcut`, x, c, cout, 1, stride) : x;
    x = relu(`${block}_out`, b.node(`${P}/${block}_add/add`, 'Add', [y, short], {}, `${P}/${block}_add/add:0`));
    c = cout;
  }
  x = b.node(`${P}/global_average_pooling2d/Mean`, 'ReduceMean', [x], { axes: [2, 3], keepdims: 0 }, `${P}/global_average_pooling2d/Mean:0`);
  const w = b.weight(`${P}/dense/MatMul/ReadVariableOp:0`, [c, 10], Math.sqrt(6 / c));
  const bias = b.weight(`${P}/dense/BiasAdd/ReadVariableOp:0`, [10], 0.01);
  x = b.node(`${P}/dense/MatMul`, 'MatMul', [x, w], {}, `${P}/dense/MatMul:0`);
  x = b.node(`${P}/dense/BiasAdd`, 'Add', [x, bias], {}, `${P}/dense/BiasAdd:0`);
  b.node(`${P}/dense/Softmax`, 'Softmax', [x], { axis: 1 }, 'dense');
  const m = b.model('tf2onnx', [{ name: 'input_1', dtype: 'float32', shape: ['unk__58', 128, 128, 3] }], [{ name: 'dense', dtype: 'float32', shape: ['unk__59', 10] }]);
  return { ...m, producer: 'tf2onnx', producerVersion: '1.16.1 15c810', irVersion: 8, opsets: { '': 13, 'ai.onnx.ml': 2 } };
}

export const tf2onnxFile = (): string => generatedFile('tf2onnx-keras-cnn-seed17', () => generateTf2onnxCnn());
