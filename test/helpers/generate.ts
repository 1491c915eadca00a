/**
 * Generators of real, valid models for tests and benchmarks, built as IR and written as ONNX by
 * our writer (so ONNX Runtime can run them): the ResNet-50 v1 topology with random weights, a long
 * chain, and a wide Inception-like graph. Deterministic (seeded), written to a temp folder on demand;
 * never committed.
 */
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensorFromBytes, bytesOf } from '../../src/ir/tensor';
import type { AttrValue, Graph, Model, Node, TensorData, ValueInfo } from '../../src/ir/types';
import { scopeFromName } from '../../src/ir/scope';
import { encodeModel } from '../../src/formats/onnx/writer';
import { seededRandom as prng } from '../../src/common/prng';

export { prng };

/** Builds a graph node by node; names follow PyTorch's exporter ('/layer1/layer1.0/conv1/Conv'). */
export class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly initializers = new Map<string, TensorData>();
  private readonly rand: () => number;
  /** When false, weights are declared (dims, dtype) but hold no data: for topology-only tests. */
  constructor(seed: number, private readonly weights: boolean) {
    this.rand = prng(seed);
  }

  /** Uniform(-bound, bound) float32 weights; bound = sqrt(6 / fanIn) keeps activations in range (He). */
  weight(name: string, dims: number[], bound: number, offset = 0): string {
    const n = dims.reduce((a, b) => a * b, 1);
    if (!this.weights) {
      this.initializers.set(name, { name, dtype: 'float32', dims, byteLength: 0, missing: true,
        bytes: () => { throw new Error(`${name} was generated without data`); },
        values: () => { throw new Error(`${name} was generated without data`); } });
      return name;
    }
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = offset + (this.rand() * 2 - 1) * bound;
    this.initializers.set(name, tensorFromBytes(name, 'float32', dims, bytesOf(a)));
    return name;
  }

  node(name: string, opType: string, inputs: string[], attributes: Record<string, AttrValue> = {}, output = `${name}_output_0`): string {
    const attributeTypes: Node['attributeTypes'] = {};
    for (const [k, v] of Object.entries(attributes)) {
      attributeTypes[k] = Array.isArray(v) ? 'ints' : typeof v === 'string' ? 'string' : k === 'epsilon' || k === 'momentum' || k === 'alpha' || k === 'beta' ? 'float' : 'int';
    }
    this.nodes.push({ id: name, name, opType, domain: '', attributes, attributeTypes, inputs, outputs: [output], scope: scopeFromName(name) });
    return output;
  }

  conv(prefix: string, weightPrefix: string, x: string, cin: number, cout: number, k: number, stride: number, bias = false, group = 1): string {
    const fanIn = (cin / group) * k * k;
    const w = this.weight(`${weightPrefix}.weight`, [cout, cin / group, k, k], Math.sqrt(6 / fanIn));
    const inputs = [x, w];
    if (bias) inputs.push(this.weight(`${weightPrefix}.bias`, [cout], 0.01));
    const p = (k - 1) >> 1;
    return this.node(`${prefix}/Conv`, 'Conv', inputs, { kernel_shape: [k, k], strides: [stride, stride], pads: [p, p, p, p], dilations: [1, 1], group });
  }

  bn(prefix: string, weightPrefix: string, x: string, c: number): string {
    const scale = this.weight(`${weightPrefix}.weight`, [c], 0.25, 0.75);
    const bias = this.weight(`${weightPrefix}.bias`, [c], 0.05);
    const mean = this.weight(`${weightPrefix}.running_mean`, [c], 0.05);
    const variance = this.weight(`${weightPrefix}.running_var`, [c], 0.5, 1);
    return this.node(`${prefix}/BatchNormalization`, 'BatchNormalization', [x, scale, bias, mean, variance], { epsilon: 1e-5, momentum: 0.9 });
  }

  model(name: string, inputs: ValueInfo[], outputs: ValueInfo[], opset = 13): Model {
    const graph: Graph = { name, nodes: this.nodes, inputs, outputs, valueInfo: new Map(), initializers: this.initializers };
    return { format: 'onnx', producer: 'convlens-test-generator', opsets: { '': opset }, metadata: {}, graph, readWarnings: [] };
  }
}

export interface GenerateOptions {
  /** Fill weights with seeded random values (default true); false declares them without data. */
  weights?: boolean;
  seed?: number;
}

/** ResNet-50 v1 (He et al. 2015; stride on the first 1x1 of a bottleneck, as in the original Caffe
 * model): 7x7 stem, 3-4-6-3 bottlenecks with projection shortcuts, unfused BatchNormalization,
 * GlobalAveragePool, Flatten, Gemm to 1000 classes. 25.6M parameters, 175 nodes. */
export function generateResNet50(options: GenerateOptions = {}): Model {
  const b = new GraphBuilder(options.seed ?? 50, options.weights ?? true);
  let x = b.conv('/conv1', 'conv1', 'input', 3, 64, 7, 2);
  x = b.bn('/bn1', 'bn1', x, 64);
  x = b.node('/relu/Relu', 'Relu', [x]);
  x = b.node('/maxpool/MaxPool', 'MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
  let cin = 64;
  const stages: [number, number, number][] = [[3, 64, 1], [4, 128, 2], [6, 256, 2], [3, 512, 2]];
  stages.forEach(([blocks, width, stride], s) => {
    for (let i = 0; i < blocks; i++) {
      const layer = `layer${s + 1}`;
      const p = `/${layer}/${layer}.${i}`;
      const w = `${layer}.${i}`;
      const st = i === 0 ? stride : 1;
      const cout = width * 4;
      let y = b.conv(`${p}/conv1`, `${w}.conv1`, x, cin, width, 1, st);
      y = b.bn(`${p}/bn1`, `${w}.bn1`, y, width);
      y = b.node(`${p}/relu/Relu`, 'Relu', [y]);
      y = b.conv(`${p}/conv2`, `${w}.conv2`, y, width, width, 3, 1);
      y = b.bn(`${p}/bn2`, `${w}.bn2`, y, width);
      y = b.node(`${p}/relu_1/Relu`, 'Relu', [y]);
      y = b.conv(`${p}/conv3`, `${w}.conv3`, y, width, cout, 1, 1);
      y = b.bn(`${p}/bn3`, `${w}.bn3`, y, cout);
      let shortcut = x;
      if (i === 0) {
        shortcut = b.conv(`${p}/downsample/downsample.0`, `${w}.downsample.0`, x, cin, cout, 1, st);
        shortcut = b.bn(`${p}/downsample/downsample.1`, `${w}.downsample.1`, shortcut, cout);
      }
      y = b.node(`${p}/Add`, 'Add', [y, shortcut]);
      x = b.node(`${p}/relu_2/Relu`, 'Relu', [y]);
      cin = cout;
    }
  });
  x = b.node('/avgpool/GlobalAveragePool', 'GlobalAveragePool', [x]);
  x = b.node('/Flatten', 'Flatten', [x], { axis: 1 });
  const fcW = b.weight('fc.weight', [1000, 2048], Math.sqrt(6 / 2048));
  const fcB = b.weight('fc.bias', [1000], 0.01);
  b.node('/fc/Gemm', 'Gemm', [x, fcW, fcB], { alpha: 1, beta: 1, transB: 1 }, 'output');
  return b.model('resnet50', [{ name: 'input', dtype: 'float32', shape: ['batch', 3, 224, 224] }], [{ name: 'output', dtype: 'float32', shape: ['batch', 1000] }]);
}

/** A chain of exactly `n` nodes: blocks of Conv(4->4, 3x3) -> Relu -> Add(residual) on a 1x4x8x8
 * input, topped up with Relu nodes. Weights are tiny so 3,000+ residual adds stay finite. */
export function generateChain(n: number, options: GenerateOptions = {}): Model {
  const b = new GraphBuilder(options.seed ?? 7, options.weights ?? true);
  let x = 'input';
  let k = 0;
  while (b.nodes.length + 3 <= n) {
    const p = `/block${k}`;
    const w = b.weight(`block${k}.conv.weight`, [4, 4, 3, 3], 1e-3);
    const y = b.node(`${p}/conv/Conv`, 'Conv', [x, w], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
    const r = b.node(`${p}/relu/Relu`, 'Relu', [y]);
    x = b.node(`${p}/Add`, 'Add', [x, r]);
    k++;
  }
  while (b.nodes.length < n) x = b.node(`/tail/relu${b.nodes.length}/Relu`, 'Relu', [x]);
  // The last node's output is the graph output.
  const last = b.nodes[b.nodes.length - 1];
  last.outputs = ['output'];
  return b.model(`chain${n}`, [{ name: 'input', dtype: 'float32', shape: [1, 4, 8, 8] }], [{ name: 'output', dtype: 'float32', shape: [1, 4, 8, 8] }]);
}

/** A wide Inception-like graph: a stem, then `modules` blocks of four parallel branches (1x1; 1x1->3x3;
 * 1x1->5x5; 3x3 max-pool->1x1) joined by Concat, then GlobalAveragePool, Flatten, Gemm. */
export function generateInception(modules = 9, options: GenerateOptions = {}): Model {
  const b = new GraphBuilder(options.seed ?? 3, options.weights ?? true);
  let x = b.conv('/stem/conv', 'stem.conv', 'input', 3, 64, 7, 2, true);
  x = b.node('/stem/relu/Relu', 'Relu', [x]);
  x = b.node('/stem/pool/MaxPool', 'MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
  let cin = 64;
  for (let m = 0; m < modules; m++) {
    const p = `/inception${m}`;
    const w = `inception${m}`;
    const c = 16 + 8 * m;
    const relu = (name: string, y: string): string => b.node(`${p}/${name}/Relu`, 'Relu', [y]);
    const b1 = relu('b1_relu', b.conv(`${p}/b1`, `${w}.b1`, x, cin, c, 1, 1, true));
    const b2 = relu('b2_relu', b.conv(`${p}/b2b`, `${w}.b2b`, relu('b2a_relu', b.conv(`${p}/b2a`, `${w}.b2a`, x, cin, c, 1, 1, true)), c, c * 2, 3, 1, true));
    const b3 = relu('b3_relu', b.conv(`${p}/b3b`, `${w}.b3b`, relu('b3a_relu', b.conv(`${p}/b3a`, `${w}.b3a`, x, cin, c / 2, 1, 1, true)), c / 2, c, 5, 1, true));
    const pool = b.node(`${p}/b4_pool/MaxPool`, 'MaxPool', [x], { kernel_shape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] });
    const b4 = relu('b4_relu', b.conv(`${p}/b4`, `${w}.b4`, pool, cin, c, 1, 1, true));
    x = b.node(`${p}/Concat`, 'Concat', [b1, b2, b3, b4], { axis: 1 });
    cin = c * 5;
  }
  x = b.node('/head/GlobalAveragePool', 'GlobalAveragePool', [x]);
  x = b.node('/head/Flatten', 'Flatten', [x], { axis: 1 });
  const fcW = b.weight('fc.weight', [10, cin], Math.sqrt(6 / cin));
  b.node('/head/fc/Gemm', 'Gemm', [x, fcW], { transB: 1 }, 'output');
  return b.model('inception', [{ name: 'input', dtype: 'float32', shape: [1, 3, 64, 64] }], [{ name: 'output', dtype: 'float32', shape: [1, 10] }]);
}

/** Folder for generated files (outside the repo, reused between runs). */
export const generatedDir = join(tmpdir(), 'convlens-generated');

/** Writes the model made by `make` to the temp folder as `name`.onnx unless it is already there
 * (generation is deterministic), and returns the path. */
export function generatedFile(name: string, make: () => Model): string {
  mkdirSync(generatedDir, { recursive: true });
  const path = join(generatedDir, `${name}.onnx`);
  if (existsSync(path) && statSync(path).size > 0) return path;
  const bytes = encodeModel(make());
  // Write then rename, so a concurrent test never sees half a file.
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
  return path;
}

export const resnet50File = (): string => generatedFile('resnet50-v1-seed50', () => generateResNet50());
export const chainFile = (n = 10_000): string => generatedFile(`chain-${n}-seed7`, () => generateChain(n));
export const inceptionFile = (modules = 9): string => generatedFile(`inception-${modules}-seed3`, () => generateInception(modules));

/**
 * A tf2onnx-style channels-last model: input [1, h, w, c] (NHWC) → Transpose(0, 3, 1, 2) → Conv(c → cout,
 * 1×1, bias) → Relu → Transpose(0, 2, 3, 1) → output [1, h, w, cout] (NHWC again), seeded weights.
 */
export function generateChannelsLast(h: number, w: number, c: number, cout: number, seed = 11): Model {
  const b = new GraphBuilder(seed, true);
  const t = b.node('/to_nchw/Transpose', 'Transpose', ['input'], { perm: [0, 3, 1, 2] });
  const y = b.conv('/conv', 'conv', t, c, cout, 1, 1, true);
  const r = b.node('/relu/Relu', 'Relu', [y]);
  b.node('/to_nhwc/Transpose', 'Transpose', [r], { perm: [0, 2, 3, 1] }, 'output');
  return b.model(`nhwc-${h}x${w}x${c}`, [{ name: 'input', dtype: 'float32', shape: [1, h, w, c] }], [{ name: 'output', dtype: 'float32', shape: [1, h, w, cout] }]);
}
