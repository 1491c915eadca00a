/**
 * TF.js layers models built and saved in the test with @tensorflow/tfjs (the oracle), read back with
 * our reader: every layer's output shape equals tfjs's layer.outputShape and the parameter total
 * (learned + BatchNorm moving statistics) equals model.countParams(). Weight shards: quantised and
 * float16 weights decode to the saved values; a missing shard is named in the message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readModelFile } from '../../src/formats/index';
import { analyze } from '../../src/analysis/analyze';
import { loadWeights } from '../../src/formats/tfjs/weights';
import { functionalCnn, saveTfjs, sequentialCnn, tf } from './tfjs-fixtures';

for (const [label, make] of [['Sequential', sequentialCnn], ['Functional (branches, Add, Multiply, Concatenate, nested Sequential)', functionalCnn]] as const) {
  test(`tfjs ${label}: shapes equal layer.outputShape, params equal countParams()`, async () => {
    const m = make();
    const path = await saveTfjs(m);
    const model = await readModelFile(path);
    assert.equal(model.format, 'tfjs');
    const a = analyze(model);
    assert.deepEqual(a.warnings, []);
    let compared = 0;
    for (const layer of m.layers) {
      const node = model.graph.nodes.find((n) => n.name === layer.name);
      if (!node) {
        // Input layers become graph inputs; a nested model becomes its layers.
        const input = model.graph.inputs.find((i) => i.name === layer.name);
        const nested = model.graph.nodes.filter((n) => n.scope[0] === layer.name);
        assert.ok(input || nested.length, `layer '${layer.name}' is missing from the graph`);
        const t = input ? a.tensors.get(input.name) : a.tensors.get(nested[nested.length - 1].outputs[0]);
        assert.deepEqual(t?.shape?.slice(1), (layer.outputShape as number[]).slice(1), layer.name);
        continue;
      }
      const shape = a.tensors.get(node.outputs[0])?.shape;
      assert.deepEqual(shape?.slice(1), (layer.outputShape as number[]).slice(1), `output shape of '${layer.name}'`);
      assert.equal(shape?.[0], 'N');
      compared++;
    }
    assert.ok(compared >= 8);
    assert.equal(a.totals.params + (a.totals.buffers ?? 0), m.countParams());
    assert.ok(model.graph.nodes.every((n) => n.source && n.source.length > 0), 'every layer keeps its JSON range');
    rmSync(dirname(path), { recursive: true, force: true });
  });
}

/** IEEE half from a float (round to nearest even), written here so the test does not share the reader's decoder. */
function toHalf(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  let mant = x & 0x7fffff;
  if (exp <= 0) return sign; // tiny values flush to zero (none in this test)
  if (exp >= 31) return sign | 0x7c00;
  const round = mant & 0x1fff;
  mant >>>= 13;
  if (round > 0x1000 || (round === 0x1000 && (mant & 1))) mant++;
  return (sign | (exp << 10)) + mant;
}

test('tfjs weights: uint8 and uint16 quantisation (q·scale + min) and float16 decode to the saved values', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-q-'));
  const m = tf.sequential({ layers: [tf.layers.dense({ name: 'd', inputShape: [5], units: 4 })] });
  const kernel = m.getWeights()[0].dataSync() as Float32Array;
  const bias = Float32Array.from([0.5, -0.25, 1, 2]);
  const min = Math.min(...kernel);
  const max = Math.max(...kernel);
  const s8 = (max - min) / 255;
  const q8 = Uint8Array.from(kernel, (v) => Math.round((v - min) / s8));
  const half = Uint16Array.from(bias, toHalf);
  const path = await saveTfjs(m, dir);
  const json = JSON.parse(readFileSync(path, 'utf8'));
  json.weightsManifest = [{
    paths: ['q.bin'],
    weights: [
      { name: 'd/kernel', shape: [5, 4], dtype: 'float32', quantization: { dtype: 'uint8', scale: s8, min } },
      { name: 'd/bias', shape: [4], dtype: 'float32', quantization: { dtype: 'float16' } },
    ],
  }];
  writeFileSync(path, JSON.stringify(json));
  writeFileSync(join(dir, 'q.bin'), Buffer.concat([Buffer.from(q8), Buffer.from(half.buffer)]));
  const model = await readModelFile(path);
  const k = model.graph.initializers.get('d/kernel')!.values();
  for (let i = 0; i < kernel.length; i++) assert.ok(Math.abs(k[i] - kernel[i]) <= s8 / 2 + 1e-7, `kernel[${i}] ${k[i]} vs ${kernel[i]}`);
  assert.deepEqual(Array.from(model.graph.initializers.get('d/bias')!.values()), [0.5, -0.25, 1, 2]);
  assert.deepEqual(model.graph.nodes[0].weights, ['d/kernel', 'd/bias']);

  // uint16: a finer grid, so the error bound shrinks with it.
  const s16 = (max - min) / 65535;
  json.weightsManifest[0].weights[0].quantization = { dtype: 'uint16', scale: s16, min };
  writeFileSync(path, JSON.stringify(json));
  const q16 = Uint16Array.from(kernel, (v) => Math.round((v - min) / s16));
  writeFileSync(join(dir, 'q.bin'), Buffer.concat([Buffer.from(q16.buffer), Buffer.from(half.buffer)]));
  const k16 = (await readModelFile(path)).graph.initializers.get('d/kernel')!.values();
  for (let i = 0; i < kernel.length; i++) assert.ok(Math.abs(k16[i] - kernel[i]) <= s16 / 2 + 1e-7);
  rmSync(dir, { recursive: true, force: true });
});

test('tfjs weights: a missing shard still draws the graph, and names the file in the warning and on use', async () => {
  const path = await saveTfjs(sequentialCnn());
  rmSync(join(dirname(path), 'weights.bin'));
  const model = await readModelFile(path);
  assert.ok(model.graph.nodes.length > 10);
  assert.ok(model.readWarnings.some((w) => w.includes("'weights.bin'")), model.readWarnings.join('\n'));
  const w = model.graph.initializers.get('c1/kernel')!;
  assert.equal(w.missing, true);
  assert.throws(() => w.values(), /weights\.bin/);
  rmSync(dirname(path), { recursive: true, force: true });
});

test('tfjs graph model (GraphDef JSON): drawn with Placeholder inputs, weight Consts as initializers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-gm-'));
  const json = {
    format: 'graph-model',
    modelTopology: {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '-1' }, { size: '8' }, { size: '8' }, { size: '3' }] } } } },
        { name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: {} } } },
        { name: 'conv', op: 'Conv2D', input: ['x', 'w'], attr: { strides: { list: { i: ['1', '1', '1', '1'] } }, padding: { s: Buffer.from('SAME').toString('base64') } } },
        { name: 'relu', op: 'Relu', input: ['conv', '^x'] },
      ],
    },
    weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'w', shape: [3, 3, 3, 4], dtype: 'float32' }] }],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  writeFileSync(join(dir, 'w.bin'), Buffer.alloc(3 * 3 * 3 * 4 * 4));
  const model = await readModelFile(join(dir, 'model.json'));
  assert.deepEqual(model.graph.inputs.map((i) => [i.name, i.shape]), [['x', ['N', 8, 8, 3]]]);
  assert.deepEqual(model.graph.nodes.map((n) => `${n.domain}:${n.opType}(${n.inputs.join(',')})`), ['tf:Conv2D(x,w)', 'tf:Relu(conv)']);
  assert.equal(model.graph.nodes[0].attributes.padding, 'SAME');
  assert.deepEqual(model.graph.outputs.map((o) => o.name), ['relu']);
  assert.equal(model.graph.initializers.get('w')?.dims.join('x'), '3x3x3x4');
  rmSync(dir, { recursive: true, force: true });
});

test('tfjs weights: a shard shorter than the manifest loses only the weights past its end, and the warning counts those', async () => {
  const groups = [{
    paths: ['w.bin'],
    weights: [{ name: 'a', shape: [2], dtype: 'float32' as const }, { name: 'b', shape: [2], dtype: 'float32' as const }, { name: 'c', shape: [1], dtype: 'bool' as const }],
  }];
  const warnings: string[] = [];
  const out = await loadWeights(groups, async () => new Uint8Array(new Float32Array([1, 2, 3]).buffer), warnings);
  assert.deepEqual(Array.from(out.get('a')!.values()), [1, 2]);
  assert.equal(out.get('b')!.missing, true);
  assert.equal(out.get('c')!.missing, true);
  assert.equal(out.get('c')!.dtype, 'bool', 'a missing weight keeps the dtype it would have been read with');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^2 weights are missing: the shards 'w\.bin' hold 12 bytes, fewer than the manifest lists \(weight 'b' ends at byte 16\)$/);
});
