/**
 * Oracle: ONNX Runtime's runtime shapes at several input sizes. Models with symbolic input dims
 * (a face-detector-like net built here: height × width input, stride-2 convs and pools with
 * padding and ceil_mode, branches concatenated, a Shape→Gather→Concat→Reshape head, resizes by
 * scale and by Shape-derived sizes, a stride-32 head; and the corpus' dynamic models) are analysed
 * once, symbolically; the symbolic shape of every tensor, evaluated at each size, must equal the
 * shape ONNX Runtime gives that tensor at that size, and no printed dim is longer than 40
 * characters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import type { Dim, Model, Node, Shape, TensorData } from '../../src/ir/types';
import { tensorFromBytes } from '../../src/ir/tensor';
import { analyze } from '../../src/analysis/analyze';
import { evalDim } from '../../src/analysis/dims';
import { displayShape, legendText } from '../../src/analysis/aliases';
import type { Analysis } from '../../src/analysis/types';
import { encodeModel, withExtraOutputs } from '../../src/formats/onnx/writer';
import { readModelFile } from '../../src/formats/index';
import { corpus } from '../helpers/corpus';
import { seededRandom } from '../../src/common/prng';

const int64 = (name: string, values: number[], dims = [values.length]): TensorData =>
  tensorFromBytes(name, 'int64', dims, new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer));
const float32 = (name: string, values: number[], dims = [values.length]): TensorData =>
  tensorFromBytes(name, 'float32', dims, new Uint8Array(Float32Array.from(values).buffer));

/** A small graph builder: each helper adds a node and returns its output's name. */
class Net {
  readonly nodes: Node[] = [];
  readonly inits: TensorData[] = [];
  private k = 0;
  private readonly rnd = seededRandom(3);

  op(opType: string, inputs: string[], attributes: Node['attributes'] = {}): string {
    const id = `${opType.toLowerCase()}${++this.k}`;
    this.nodes.push({ id, name: id, opType, domain: '', attributes, inputs, outputs: [id], scope: [] });
    return id;
  }

  init(t: TensorData): string {
    this.inits.push(t);
    return t.name;
  }

  conv(x: string, cin: number, cout: number, k: number, s: number, p: number): string {
    const w = this.init(float32(`w${this.k + 1}`, Array.from({ length: cout * cin * k * k }, () => this.rnd() - 0.5), [cout, cin, k, k]));
    return this.op('Conv', [x, w], { kernel_shape: [k, k], strides: [s, s], pads: [p, p, p, p] });
  }

  model(input: Shape, output: string): Model {
    return {
      format: 'onnx', producer: 'test', opsets: { '': 13 }, metadata: {}, readWarnings: [],
      graph: {
        name: 'facedet', nodes: this.nodes, valueInfo: new Map(),
        inputs: [{ name: 'x', dtype: 'float32', shape: input }],
        outputs: [{ name: output, dtype: 'float32', shape: null }],
        initializers: new Map(this.inits.map((t) => [t.name, t])),
      },
    };
  }
}

/** The face-detector-like net. With `fpn`, a stride-32 map upsampled ×2 is concatenated with the
 * stride-16 one, which only fits when height and width are multiples of 32. */
function faceDetector(fpn: boolean): Model {
  const n = new Net();
  let t = n.op('Relu', [n.conv('x', 3, 8, 3, 2, 1)]);                                   // /2
  t = n.op('MaxPool', [t], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 });         // /4
  // A GoogLeNet-style 3×3/1 pool with ceil_mode and a branch pooled 3×3/2 then upsampled back.
  t = n.op('MaxPool', [t], { kernel_shape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], ceil_mode: 1 });
  const c2 = n.conv(t, 8, 16, 3, 1, 1);
  t = n.op('Concat', [n.conv(c2, 16, 8, 1, 1, 0), n.conv(c2, 16, 8, 3, 1, 1)], { axis: 1 });
  t = n.conv(t, 16, 16, 3, 2, 1);                                                        // /8
  const s16 = n.op('AveragePool', [t], { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 1, 1], ceil_mode: 1 }); // /16
  const s32 = n.conv(s16, 16, 16, 3, 2, 1);                                              // /32
  // Resize to the stride-16 map's size, read from its Shape, then add: one tensor, one spelling.
  const sizes = n.op('Shape', [s16]);
  const up = n.op('Resize', [s32, '', '', sizes], { mode: 'nearest' });
  let merged = n.op('Add', [up, s16]);
  if (fpn) {
    const up2 = n.op('Resize', [s32, '', n.init(float32('scales', [1, 1, 2, 2]))], { mode: 'nearest' });
    merged = n.op('Concat', [merged, up2], { axis: 1 });
  }
  const cm = fpn ? 32 : 16;
  t = n.op('MaxPool', [merged], { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 1, 1], ceil_mode: 1 });
  const head = n.conv(n.op('Add', [t, n.conv(merged, cm, cm, 3, 2, 1)]), cm, 8, 1, 1, 0);   // the stride-32 head
  // Shape → Gather → Unsqueeze → Concat → Reshape: [N, anchors, 4].
  const batch = n.op('Unsqueeze', [n.op('Gather', [n.op('Shape', [head]), n.init(int64('zero', [0], []))], { axis: 0 }), n.init(int64('ax0', [0]))]);
  const target = n.op('Concat', [batch, n.init(int64('rest', [-1, 4]))], { axis: 0 });
  const boxes = n.op('Reshape', [n.op('Transpose', [head], { perm: [0, 2, 3, 1] }), target]);
  return n.model(['N', 3, 'height', 'width'], boxes);
}

interface Size { [symbol: string]: number }

/** Every node output's runtime shape, for the input shape given. */
async function runtimeShapes(bytes: Uint8Array, model: Model, feeds: Record<string, number[]>): Promise<Map<string, number[]>> {
  const names = model.graph.nodes.flatMap((x) => x.outputs.filter((o) => o !== ''));
  const s = await ort.InferenceSession.create(withExtraOutputs(bytes, names), { logSeverityLevel: 3, graphOptimizationLevel: 'disabled' });
  try {
    const inputs: Record<string, ort.Tensor> = {};
    for (const [name, dims] of Object.entries(feeds)) inputs[name] = new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
    const r = await s.run(inputs);
    return new Map(names.filter((x) => r[x]).map((x) => [x, r[x].dims.map(Number)]));
  } finally {
    await s.release();
  }
}

/** Compares every tensor's symbolic shape, evaluated at each size, with ORT's; returns how many. */
async function agreesAtSizes(model: Model, bytes: Uint8Array, sizes: Size[]): Promise<{ a: Analysis; compared: number }> {
  const a = analyze(model, { useDeclaredShapes: false });
  assert.deepEqual(a.warnings.filter((w) => w.kind === 'cannot-infer').map((w) => w.message), []);
  let compared = 0;
  for (const size of sizes) {
    const feeds: Record<string, number[]> = {};
    for (const v of model.graph.inputs) {
      if (model.graph.initializers.has(v.name)) continue;
      feeds[v.name] = (v.shape ?? []).map((d) => evalDim(d, size) as number);
    }
    const runtime = await runtimeShapes(bytes, model, feeds);
    for (const [name, dims] of runtime) {
      const st = a.tensors.get(name)?.shape;
      assert.ok(st, `'${name}' has a static shape`);
      assert.deepEqual(st.map((d) => evalDim(d, size)), dims, `'${name}': ${JSON.stringify(st)} at ${JSON.stringify(size)}`);
      compared++;
    }
  }
  return { a, compared };
}

/** The longest dim as printed (with the analysis' aliases). */
function longestDim(a: Analysis): Dim {
  let longest: Dim = '';
  for (const t of a.tensors.values()) {
    for (const d of displayShape(t.shape, a.dimAliases) ?? []) if (String(d).length > String(longest).length) longest = d;
  }
  return longest;
}

test('face-detector-like net at odd sizes: every tensor equals ONNX Runtime, the head is ceil(height/32)', async () => {
  const m = faceDetector(false);
  const sizes = [{ N: 1, height: 97, width: 131 }, { N: 2, height: 33, width: 65 }, { N: 1, height: 250, width: 181 }, { N: 3, height: 64, width: 32 }];
  const { a, compared } = await agreesAtSizes(m, encodeModel(m), sizes);
  assert.ok(compared >= sizes.length * m.graph.nodes.length);
  const out = a.tensors.get(m.graph.outputs[0].name)?.shape;
  assert.deepEqual(out, ['N', '2*ceil(height/32)*ceil(width/32)', 4]);
  const head = a.tensors.get(m.graph.nodes.find((x) => x.opType === 'Transpose')!.inputs[0])?.shape;
  assert.deepEqual(head, ['N', 8, 'ceil(height/32)', 'ceil(width/32)']);
  assert.ok(String(longestDim(a)).length <= 40, `longest dim: ${longestDim(a)}`);
});

test('face-detector-like net with an FPN concat, at multiples of 32: every tensor equals ONNX Runtime', async () => {
  const m = faceDetector(true);
  const sizes = [{ N: 1, height: 320, width: 256 }, { N: 2, height: 96, width: 160 }];
  const { a } = await agreesAtSizes(m, encodeModel(m), sizes);
  assert.ok(String(longestDim(a)).length <= 40, `longest dim: ${longestDim(a)}`);
});

test('real/image_classifier32.onnx (a named batch_size): every tensor equals ONNX Runtime at several batch sizes', async () => {
  const path = corpus('real/image_classifier32.onnx');
  const m = await readModelFile(path);
  assert.deepEqual(m.graph.inputs[0].shape, ['batch_size', 3, 32, 32]);
  const { a } = await agreesAtSizes(m, readFileSync(path), [{ batch_size: 1 }, { batch_size: 3 }, { batch_size: 8 }]);
  assert.ok(String(longestDim(a)).length <= 40, `longest dim: ${longestDim(a)}`);
});

/**
 * The Ultra-Light face detectors, their fixed input re-declared as N × 3 ×
 * p2o.DynamicDimension.0 × p2o.DynamicDimension.1 (as Paddle2ONNX writes dynamic dims): a real
 *  exporter's detector graph (dilated RFB branches, Concat of heads, Reshape to [N, -1, k]) at two
 * batch sizes. Their declared value_info is dropped, so every shape is inferred.
 */
for (const file of ['real/version-slim-320.onnx', 'real/version-RFB-640.onnx', 'real/Ultraface_version-RFB-320.onnx']) {
  test(`${file} at a symbolic input size: every tensor equals ONNX Runtime; H and W aliases`, async () => {
    const m = await readModelFile(corpus(file));
    m.graph.inputs[0].shape = ['N', 3, 'p2o.DynamicDimension.0', 'p2o.DynamicDimension.1'];
    m.graph.valueInfo.clear();
    for (const o of m.graph.outputs) o.shape = null;
    // Their anchor priors are constants for the exported size, so ORT runs them only there.
    const [h, w] = file.includes('640') ? [480, 640] : [240, 320];
    const sizes = [[1, h, w]].map(([N, y, x]) => ({ N, 'p2o.DynamicDimension.0': y, 'p2o.DynamicDimension.1': x }));
    const { a } = await agreesAtSizes(m, encodeModel(m), sizes);
    assert.deepEqual([...(a.dimAliases ?? [])].slice(0, 2), [['p2o.DynamicDimension.0', 'H'], ['p2o.DynamicDimension.1', 'W']]);
    // The anchor count of the concatenated heads, a sum of four products ('2*ceil(H/16)*ceil(W/16)+…',
    // 84 characters), has no short exact spelling: it prints as e1 (N*e1 per batch), the legend
    // holding the expression.
    assert.equal(legendText(a.dimAliases).split(', ')[2], 'e1 = 2*ceil(H/16)*ceil(W/16)+2*ceil(H/32)*ceil(W/32)+3*ceil(H/64)*ceil(W/64)+3*ceil(H/8)*ceil(W/8)');
    assert.ok(String(longestDim(a)).length <= 40, `longest dim: ${longestDim(a)}`);
  });
}
