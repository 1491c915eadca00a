/**
 * Constant folding checked against ONNX Runtime: a tf2onnx-style Pad whose pads come from a
 * constant through Cast/Transpose/Reshape/Split/Concat, hundreds of random chains of folded ops
 * (every folded value and shape equal to what ORT computes when it runs the same graph), and a huge
 * ConstantOfShape that keeps its shape and is never built.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import type { AttrValue, Model, Node, TensorData } from '../../src/ir/types';
import { tensorFromBytes } from '../../src/ir/tensor';
import { analyze } from '../../src/analysis/analyze';
import { evalDim } from '../../src/analysis/dims';
import { encodeModel, withExtraOutputs } from '../../src/formats/onnx/writer';
import { readOnnx } from '../../src/formats/onnx/reader';
import { constantChain } from '../helpers/constChains';

const node = (id: string, opType: string, inputs: string[], outputs: string[], attributes: Record<string, AttrValue> = {}): Node =>
  ({ id, name: id, opType, domain: '', attributes, inputs, outputs, scope: [] });
const int32 = (name: string, dims: number[], v: number[]): TensorData => tensorFromBytes(name, 'int32', dims, new Uint8Array(Int32Array.from(v).buffer));
const int64 = (name: string, v: number[]): TensorData => tensorFromBytes(name, 'int64', [v.length], new Uint8Array(BigInt64Array.from(v.map(BigInt)).buffer));

async function runOrt(bytes: Uint8Array, feeds: Record<string, ort.Tensor> = {}): Promise<Record<string, ort.Tensor>> {
  const s = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3, graphOptimizationLevel: 'disabled' });
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

const numbers = (t: ort.Tensor): number[] => Array.from(t.data as ArrayLike<number | bigint>, (x) => Number(x));

test("tf2onnx's Pad(x, Concat(Split(Cast(constant)))) folds, and every later shape equals ONNX Runtime's", async () => {
  const m: Model = {
    format: 'onnx', producer: 'tf2onnx-like', opsets: { '': 13 }, metadata: {}, readWarnings: [],
    graph: {
      name: 'g',
      nodes: [
        node('cast', 'Cast', ['paddings'], ['p64'], { to: 7 }),
        node('tr', 'Transpose', ['p64'], ['pt'], { perm: [1, 0] }),
        node('flat', 'Reshape', ['pt', 'minus1'], ['pflat']),
        node('split', 'Split', ['pflat', 'halves'], ['before', 'after'], { axis: 0 }),
        node('cat', 'Concat', ['before', 'after'], ['pads'], { axis: 0 }),
        node('pad', 'Pad', ['x', 'pads'], ['padded'], { mode: 'constant' }),
        node('conv', 'Conv', ['padded', 'w'], ['c'], { kernel_shape: [3, 3], strides: [2, 2] }),
        node('relu', 'Relu', ['c'], ['y']),
      ],
      inputs: [{ name: 'x', dtype: 'float32', shape: [1, 3, 9, 10] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: null }],
      valueInfo: new Map(),
      initializers: new Map([
        // TF's paddings [[0,0],[0,0],[1,2],[3,0]] (NCHW after the exporter's transpose), int32 as TF writes them.
        ['paddings', int32('paddings', [4, 2], [0, 0, 0, 0, 1, 2, 3, 0])],
        ['minus1', int64('minus1', [-1])],
        ['halves', int64('halves', [4, 4])],
        ['w', tensorFromBytes('w', 'float32', [8, 3, 3, 3], new Uint8Array(8 * 27 * 4))],
      ]),
    },
  };
  const a = analyze(m, { useDeclaredShapes: false });
  assert.deepEqual(a.warnings.filter((w) => w.kind === 'cannot-infer'), []);
  assert.deepEqual(a.tensors.get('pads')?.value, [0, 0, 1, 3, 0, 0, 2, 0]);
  const names = ['p64', 'pt', 'pflat', 'before', 'after', 'pads', 'padded', 'c', 'y'];
  const out = await runOrt(withExtraOutputs(encodeModel(m), names), { x: new ort.Tensor('float32', new Float32Array(270), [1, 3, 9, 10]) });
  for (const n of names) assert.deepEqual(a.tensors.get(n)?.shape, [...out[n].dims], n);
  assert.deepEqual(a.tensors.get('padded')?.shape, [1, 3, 12, 13]);
});

function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(a), Math.abs(b));
}

const ORT_TYPES: Record<string, string> = { float32: 'float32', int64: 'int64', int32: 'int32', bool: 'bool' };

test('random chains of folded ops over constants fold to the values and shapes ONNX Runtime computes', async () => {
  let compared = 0;
  const ops = new Set<string>();
  for (let seed = 1; seed <= 300; seed++) {
    const chain = constantChain(seed, 3 + (seed % 8), seed % 2 === 0 ? 18 : 14);
    const bytes = encodeModel(chain.model());
    const where = `seed ${seed}`;
    let runtime: Record<string, ort.Tensor>;
    try {
      runtime = await runOrt(bytes);
    } catch (e) {
      assert.fail(`${where}: ONNX Runtime rejects the generated chain: ${(e as Error).message}`);
    }
    // Read back from the bytes: the fold must work on what the reader makes of the file.
    const a = analyze(readOnnx(bytes), { useDeclaredShapes: false });
    assert.deepEqual(a.warnings.map((w) => `${w.node}: ${w.message}`), [], where);
    for (const n of chain.nodes) ops.add(n.opType);
    for (const name of chain.produced) {
      const t = a.tensors.get(name);
      const r = runtime[name];
      const at = `${where}, ${name}`;
      assert.ok(t && r, `${at}: missing`);
      assert.deepEqual(t.shape, [...r.dims], `${at}: shape`);
      assert.equal(ORT_TYPES[t.dtype], r.type, `${at}: dtype`);
      const s = a.nodes.get(name.replace(/_\d+$/, ''));
      assert.ok(s, `${at}: node figures`);
      const mine = analysisValue(a, name);
      assert.ok(mine, `${at}: not folded`);
      const theirs = numbers(r);
      assert.equal(mine.length, theirs.length, `${at}: element count`);
      for (let i = 0; i < theirs.length; i++) {
        assert.ok(close(mine[i], theirs[i]), `${at}[${i}]: analysis ${mine[i]}, ONNX Runtime ${theirs[i]} (all: ${JSON.stringify(mine)} vs ${JSON.stringify(theirs)})`);
      }
      compared++;
    }
  }
  assert.ok(compared > 1500, `only ${compared} tensors compared`);
  assert.ok(ops.size >= 45, `only ${ops.size} op types: ${[...ops].sort().join(', ')}`);
});

/** The folded value the analysis holds for a tensor (the engine's state, through the analysis). */
function analysisValue(a: ReturnType<typeof analyze>, name: string): number[] | undefined {
  return a.tensors.get(name)?.value;
}

test('a ConstantOfShape of 10^12 elements keeps its shape and is never built', () => {
  const m: Model = {
    format: 'onnx', producer: 'test', opsets: { '': 17 }, metadata: {}, readWarnings: [],
    graph: {
      name: 'g',
      nodes: [
        node('big', 'ConstantOfShape', ['shape'], ['huge']),
        node('shape', 'Shape', ['huge'], ['s']),
        node('sum', 'ReduceSum', ['huge'], ['total'], { keepdims: 0 }),
      ],
      inputs: [], outputs: [], valueInfo: new Map(),
      initializers: new Map([['shape', int64('shape', [1000, 1000, 1000, 1000])]]),
    },
  };
  const before = process.memoryUsage().heapUsed;
  const a = analyze(m);
  assert.ok(process.memoryUsage().heapUsed - before < 200e6);
  assert.deepEqual(a.tensors.get('huge')?.shape, [1000, 1000, 1000, 1000]);
  assert.equal(a.tensors.get('huge')?.value, undefined);
  assert.deepEqual(a.tensors.get('s')?.value, [1000, 1000, 1000, 1000]);
  assert.deepEqual(a.tensors.get('total')?.shape, []);
  assert.equal(a.tensors.get('total')?.value, undefined);
});

test('symbolic Shape elements flow through the same evaluators: Gather, Mul, Unsqueeze, Concat, Cast, ReduceProd', async () => {
  const m: Model = {
    format: 'onnx', producer: 'test', opsets: { '': 13 }, metadata: {}, readWarnings: [],
    graph: {
      name: 'g',
      nodes: [
        node('shape', 'Shape', ['x'], ['s']),
        node('n', 'Gather', ['s', 'i0'], ['n0'], { axis: 0 }),
        node('hw', 'Slice', ['s', 'from2', 'to4'], ['hw']),
        node('prod', 'ReduceProd', ['hw'], ['area'], { keepdims: 1 }),
        node('cast', 'Cast', ['area'], ['area32'], { to: 6 }),
        node('back', 'Cast', ['area32'], ['area64'], { to: 7 }),
        node('twice', 'Mul', ['area64', 'two'], ['area2']),
        node('un', 'Unsqueeze', ['n0', 'i0'], ['n1']),
        node('cat', 'Concat', ['n1', 'three', 'area2'], ['target'], { axis: 0 }),
        node('cut', 'Slice', ['x', 'zero', 'half', 'three'], ['xs']),
        node('cat2', 'Concat', ['x', 'x'], ['xx'], { axis: 3 }),
        node('r', 'Reshape', ['xx', 'target'], ['y']),
      ],
      inputs: [{ name: 'x', dtype: 'float32', shape: ['N', 3, 'H', 'W'] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: null }],
      valueInfo: new Map(),
      initializers: new Map([
        ['i0', tensorFromBytes('i0', 'int64', [], new Uint8Array(BigInt64Array.from([0n]).buffer))],
        ['from2', int64('from2', [2])], ['to4', int64('to4', [4])], ['two', int64('two', [2])],
        ['three', int64('three', [3])], ['zero', int64('zero', [0])], ['half', int64('half', [2 ** 62])],
      ]),
    },
  };
  const a = analyze(m, { useDeclaredShapes: false });
  assert.deepEqual(a.warnings.filter((w) => w.kind === 'cannot-infer'), []);
  assert.equal(a.tensors.get('target')?.value, undefined);
  const y = a.tensors.get('y')?.shape;
  assert.equal(y?.length, 3);
  for (const [N, H, W] of [[1, 2, 3], [2, 5, 4]]) {
    const out = await runOrt(encodeModel(m), { x: new ort.Tensor('float32', new Float32Array(N * 3 * H * W), [N, 3, H, W]) });
    assert.deepEqual(y?.map((d) => evalDim(d, { N, H, W })), [...out.y.dims], `${JSON.stringify(y)} at N=${N} H=${H} W=${W}`);
  }
});
