/**
 * The inference process end to end, on CPU, against the shared corpus: final outputs against the expected
 * tensors, every captured intermediate shape against static analysis, the first convolution recomputed by
 * hand, a killed process, provider fallback and bad input.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceClient } from '../../src/runtime/client';
import type { RunSpec } from '../../src/runtime/types';
import { readModelFile } from '../../src/formats/index';
import { analyze } from '../../src/analysis/analyze';
import { TensorProtoType, type TensorProto } from '../../src/formats/onnx/schema';
import { convertTensor } from '../../src/formats/onnx/tensor';
import { corpus } from '../helpers/corpus';
import { defaultAccess } from '../../src/runtime/access';

const client = new InferenceClient({ workerPath: join(__dirname, '..', '..', 'src', 'runtime', 'worker.ts'), execArgv: ['--import', 'tsx'] });
after(() => client.dispose());

const spec = (modelPath: string, extra: Partial<RunSpec> = {}): RunSpec => ({
  modelPath, providers: ['cpu'], memoryBudgetMB: 2048, picture: { kind: 'pattern', pattern: 'checkerboard' },
  normalization: 'auto', bgr: false, dims: {}, imagenetLabelsFile: join(__dirname, '..', '..', 'media', 'labels', 'imagenet.txt'), ...extra,
});

function readPb(path: string): { dims: number[]; values: Float32Array } {
  const t = convertTensor(TensorProtoType.decode(readFileSync(path)) as unknown as TensorProto, { warnings: [] }, path);
  return { dims: t.dims, values: Float32Array.from(t.values()) };
}

/** Every captured tensor has the shape static analysis gives it. */
async function checkShapes(modelPath: string, tensors: { name: string; dims: number[]; producer: string }[]): Promise<number> {
  const analysis = analyze(await readModelFile(modelPath));
  let checked = 0;
  for (const t of tensors) {
    if (!t.producer) continue;
    const info = analysis.tensors.get(t.name);
    assert.ok(info?.shape, `${modelPath}: analysis has no shape for ${t.name}`);
    assert.deepEqual(t.dims, info.shape, `${modelPath}: ${t.name} (${info.producer})`);
    assert.equal(t.producer, info.producer);
    checked++;
  }
  return checked;
}

const lightDir = corpus('onnx-backend', 'light');
for (const file of readdirSync(lightDir).filter((f) => f.endsWith('.onnx')).sort()) {
  test(`light model ${file}: output equals the expected tensor; every intermediate has its static shape`, async () => {
    const path = join(lightDir, file);
    const expected = readPb(join(lightDir, file.replace('.onnx', '_output_0.pb')));
    const r = await client.run(spec(path, { returnTensors: ['*outputs'] }));
    assert.equal(r.provider, 'cpu');
    const out = r.returned[0];
    assert.deepEqual(out.dims, expected.dims);
    for (let i = 0; i < expected.values.length; i++) assert.ok(Math.abs(out.data[i] - expected.values[i]) <= 1e-5, `${file}[${i}]: ${out.data[i]} vs ${expected.values[i]}`);
    const checked = await checkShapes(path, r.tensors);
    assert.ok(checked >= 10, `only ${checked} intermediates captured`);
    assert.equal(r.thumbnails.length, checked);
    assert.ok(r.thumbnails.every((t) => t.png.startsWith('data:image/png;base64,')));
    assert.equal(r.top5?.length, 5);
    assert.ok(r.top5!.every((p) => Math.abs(p.probability - 0.001) < 1e-6)); // these models' weights are constant: a uniform softmax
  });
}

test("MNIST (real weights) reads the drawn '3' as 3; its first convolution and ReLU recomputed by hand match the captured tensors", async () => {
  const path = corpus('real', 'mnist_c_cxx.onnx');
  const model = await readModelFile(path);
  const analysis = analyze(model);
  const conv = analysis.order.map((id) => analysis.nodeById.get(id)!).find((n) => n.opType === 'Conv')!;
  const relu = analysis.order.map((id) => analysis.nodeById.get(id)!).find((n) => n.opType === 'Relu')!;
  const r = await client.run(spec(path, { picture: { kind: 'pattern', pattern: 'digit' }, returnTensors: [model.graph.inputs[0].name, conv.outputs[0], ...relu.inputs, relu.outputs[0]] }));
  assert.equal(r.top5![0].label, '3');
  assert.ok(r.top5![0].probability > 0.9, `p(3) = ${r.top5![0].probability}`);
  assert.ok(r.filters, 'first-layer filters drawn');
  await checkShapes(path, r.tensors);

  const got = new Map(r.returned.map((t) => [t.name, t]));
  const x = got.get(model.graph.inputs[0].name)!;
  const y = got.get(conv.outputs[0])!;
  const w = model.graph.initializers.get(conv.inputs[1])!;
  const wv = w.values();
  const b = conv.inputs[2] ? model.graph.initializers.get(conv.inputs[2])?.values() : undefined;
  const [cout, cin, kh, kw] = w.dims;
  const [, , H, W] = x.dims;
  const [, , OH, OW] = y.dims;
  const padT = Math.floor((OH - 1 + kh - H) / 2), padL = Math.floor((OW - 1 + kw - W) / 2); // SAME_UPPER, stride 1
  let worst = 0;
  for (let co = 0; co < cout; co++) for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
    let s = b ? b[co] : 0;
    for (let ci = 0; ci < cin; ci++) for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
      const iy = oy + ky - padT, ix = ox + kx - padL;
      if (iy >= 0 && iy < H && ix >= 0 && ix < W) s += x.data[(ci * H + iy) * W + ix] * wv[((co * cin + ci) * kh + ky) * kw + kx];
    }
    worst = Math.max(worst, Math.abs(s - y.data[(co * OH + oy) * OW + ox]));
  }
  assert.ok(worst < 1e-3, `conv recomputed differs by ${worst}`);
  const ri = got.get(relu.inputs[0])!, ro = got.get(relu.outputs[0])!;
  assert.ok(ri.data.some((v) => v < 0));
  ri.data.forEach((v, i) => assert.equal(ro.data[i], Math.max(0, v)));
});

test('the session is reused for a second image; a requested provider that is absent falls back to CPU and says why', async () => {
  const path = corpus('real', 'mnist_c_cxx.onnx');
  const a = await client.run(spec(path, { providers: ['cuda', 'cpu'], picture: { kind: 'pattern', pattern: 'noise', seed: 3 } }));
  const b = await client.run(spec(path, { providers: ['cuda', 'cpu'], picture: { kind: 'pattern', pattern: 'gradient' } }));
  assert.equal(a.provider, 'cpu');
  assert.equal(a.where, 'cpu');
  assert.ok(a.notes.some((n) => n.startsWith('cuda: could not load')), a.notes.join('\n'));
  assert.equal(b.sessionReused, true);
  assert.equal(b.loadMillis, 0);
  assert.notDeepEqual(a.top5, b.top5);
  // Later runs write into the previous run's buffers: each must still see only its own input.
  const again = await client.run(spec(path, { providers: ['cuda', 'cpu'], picture: { kind: 'pattern', pattern: 'noise', seed: 3 }, returnTensors: ['*outputs'] }));
  const other = await client.run(spec(path, { providers: ['cuda', 'cpu'], picture: { kind: 'pattern', pattern: 'gradient' }, returnTensors: ['*outputs'] }));
  const third = await client.run(spec(path, { providers: ['cuda', 'cpu'], picture: { kind: 'pattern', pattern: 'noise', seed: 3 }, returnTensors: ['*outputs'] }));
  assert.deepEqual(again.top5, a.top5);
  assert.deepEqual(other.top5, b.top5);
  assert.deepEqual(Array.from(third.returned[0].data), Array.from(again.returned[0].data));
  assert.notDeepEqual(Array.from(other.returned[0].data), Array.from(again.returned[0].data));
});

test('killing the inference process mid-run fails that run clearly; the next run starts a fresh process and succeeds', async () => {
  const big = corpus('onnx-backend', 'light', 'light_vgg19.onnx');
  const startsBefore = client.starts;
  let killed = false;
  const run = client.run(spec(big), (m) => {
    if (!killed && m.startsWith('running on')) {
      killed = true;
      process.kill(client.pid!, 'SIGKILL');
    }
  });
  await assert.rejects(run, (e: Error) => /inference process stopped unexpectedly while running the model \(signal SIGKILL\)/.test(e.message));
  assert.ok(killed);
  const r = await client.run(spec(corpus('real', 'mnist_c_cxx.onnx'), { picture: { kind: 'pattern', pattern: 'digit' } }));
  assert.equal(r.top5![0].label, '3');
  assert.equal(client.starts, startsBefore + 1);
});

test('cancel stops a run; the next one works', async () => {
  const run = client.run(spec(corpus('onnx-backend', 'light', 'light_densenet121.onnx')), (m) => { if (m.startsWith('running')) client.cancel(); });
  await assert.rejects(run, { name: 'CancelledError' });
  const r = await client.run(spec(corpus('real', 'mnist_c_cxx.onnx')));
  assert.ok(r.thumbnails.length > 0);
});

test('bad input gets a message that says what and where, and the process stays usable', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-bad-'));
  const missing = join(dir, 'nope.onnx');
  await assert.rejects(client.run(spec(missing)), (e: Error) => e.message.includes(missing));
  const junk = join(dir, 'junk.onnx');
  writeFileSync(junk, Buffer.from('this is not a model'));
  await assert.rejects(client.run(spec(junk)), (e: Error) => e.message.includes('junk.onnx'));
  const old = corpus('onnx-backend', 'pytorch-converted', 'test_AvgPool2d', 'model.onnx'); // opset-1 AveragePool
  await assert.rejects(client.run(spec(old)), (e: Error) => e.message.startsWith(`${old}: ONNX Runtime rejected the model`) && e.message.includes('AveragePool(1)'));
  const img = join(dir, 'cat.png');
  writeFileSync(img, 'not a png');
  await assert.rejects(client.run(spec(corpus('real', 'mnist_c_cxx.onnx'), { picture: { kind: 'image', path: img } })), (e: Error) => e.message.includes(`${img}: not a PNG or JPEG`));
  const r = await client.run(spec(corpus('real', 'mnist_c_cxx.onnx')));
  assert.equal(r.provider, 'cpu');
});

test('a Keras JSON model without weights is lowered to ONNX and run; the result says its weights were generated', async () => {
  const path = corpus('keras-json', 'mnist_cnn.json');
  const inputs = await client.inspect({ modelPath: path, providers: ['cpu'], memoryBudgetMB: 2048 });
  assert.deepEqual(inputs[0].shape?.[0], 'N'); // the host asks for it once per model
  const r = await client.run(spec(path, { picture: { kind: 'pattern', pattern: 'digit' }, returnTensors: ['*outputs'], dims: { N: 1 } }));
  assert.match(r.weightsNote ?? '', /weights generated, not read/);
  assert.equal(r.top5?.length, 5);
  const out = r.returned[0].data;
  assert.ok(Math.abs(out.reduce((a, b) => a + b, 0) - 1) < 1e-4, 'softmax output sums to 1');
  const lowered = analyze(await defaultAccess.read(path));
  for (const t of r.tensors.filter((x) => x.producer)) assert.deepEqual(t.dims, lowered.tensors.get(t.name)?.shape?.map((d) => (d === 'N' ? 1 : d)), t.name);
  assert.ok(r.thumbnails.length >= 5);
});

test('detail and step views come from the last run', async () => {
  const path = corpus('real', 'mnist_c_cxx.onnx');
  const r = await client.run(spec(path, { picture: { kind: 'pattern', pattern: 'digit' } }));
  const first = r.thumbnails[0];
  const d = await client.detail(first.tensor);
  assert.deepEqual(d.shape, first.shape);
  assert.equal(d.channelStats.length, first.shape[1]);
  assert.equal(d.histogram.counts.reduce((a, b) => a + b, 0), first.shape.reduce((a, b) => a * b, 1));
  const s = await client.step({ index: 0 });
  assert.equal(s.opType, 'Conv');
  assert.ok(s.explanation.window, 'a convolution step carries its window geometry');
  assert.ok(s.explanation.lines.some((l) => l.includes('✓')), s.explanation.lines.join('\n'));
  await assert.rejects(client.detail('no-such-tensor'), /'no-such-tensor' was not captured/);
});
