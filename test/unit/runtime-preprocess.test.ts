/**
 * Preprocessing: each preset gives exactly the tensor its formula says on a small generated image (the
 * expected values worked out here, from the pixel bytes, not by the code under test); the choice is kept
 * per model; channels-last inputs and outputs of any channel count are laid out as the model says and run
 * through ONNX Runtime equal to a run on a tensor built here.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { prepareInput } from '../../src/runtime/input';
import { presetSettings, saneSettings, DEFAULT_PREPROCESS, type PresetName, type PreprocessSettings } from '../../src/runtime/preprocess';
import { modelLayouts } from '../../src/runtime/layout';
import { Engine } from '../../src/runtime/engine';
import { defaultAccess } from '../../src/runtime/access';
import type { RgbImage } from '../../src/runtime/image';
import type { RunSpec } from '../../src/runtime/types';
import { generateChannelsLast, generatedFile } from '../helpers/generate';
import { readOnnx as readOnnxBytes } from '../../src/formats/onnx';
import { corpus } from '../helpers/corpus';
import { drawPattern } from '../../src/runtime/patterns';
import { PreprocessStore } from '../../src/editor/preprocessStore';

const close = (a: number, b: number, what: string, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

/** 4×3 pixels, every byte different, so a channel or pixel out of place shows. */
const W = 4, H = 3;
const image: RgbImage = { width: W, height: H, data: Uint8Array.from({ length: W * H * 3 }, (_, i) => (i * 23 + 7) % 256) };
const px = (x: number, y: number, c: number) => image.data[(y * W + x) * 3 + c];

/** Each preset's value of byte p in channel c, written from the conventions the presets are named for. */
const EXPECTED: Record<Exclude<PresetName, 'auto' | 'custom' | 'grayscale'>, (p: number, c: number) => number> = {
  imagenet: (p, c) => (p / 255 - [0.485, 0.456, 0.406][c]) / [0.229, 0.224, 0.225][c],
  unit: (p) => p / 255,
  symmetric: (p) => (p / 255 - 0.5) / 0.5,
  tf127_5: (p) => (p - 127.5) / 127.5,
  tf127_128: (p) => (p - 127) / 128,
  raw255: (p) => p,
};

const prep = (s: PreprocessSettings, shape: number[], dtype = 'float32') => prepareInput({ name: 'x', dtype, shape }, { kind: 'image', image }, { preprocessing: s, dims: {} });

test('every preset gives the tensor its formula says, NCHW and NHWC, RGB and BGR', () => {
  for (const [preset, f] of Object.entries(EXPECTED)) {
    for (const order of ['RGB', 'BGR'] as const) {
      const s = presetSettings(preset as PresetName, { ...DEFAULT_PREPROCESS, channels: order });
      const nchw = prep(s, [1, 3, H, W]).data as Float32Array;
      const nhwc = prep({ ...s, layout: 'NHWC' }, [1, H, W, 3]).data as Float32Array;
      for (let c = 0; c < 3; c++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
        const src = order === 'BGR' ? 2 - c : c;
        const want = f(px(x, y, src), c);
        close(nchw[c * H * W + y * W + x], want, `${preset} ${order} NCHW c${c} (${y}, ${x})`);
        close(nhwc[(y * W + x) * 3 + c], want, `${preset} ${order} NHWC c${c} (${y}, ${x})`);
      }
    }
  }
  const gray = prep(presetSettings('grayscale'), [1, 3, H, W]);
  for (let c = 0; c < 3; c++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    close((gray.data as Float32Array)[c * H * W + y * W + x], (0.299 * px(x, y, 0) + 0.587 * px(x, y, 1) + 0.114 * px(x, y, 2)) / 255, `grayscale c${c}`);
  }
  assert.equal(gray.applied?.order, 'gray');
});

test('the check fails on a deliberately wrong tensor: ImageNet values are not the [0, 1] ones', () => {
  const wrong = prep(presetSettings('unit'), [1, 3, H, W]).data as Float32Array;
  assert.throws(() => close(wrong[0], EXPECTED.imagenet(px(0, 0, 0), 0), 'imagenet'), /imagenet/);
});

test("a custom form's mean/std are applied per channel; 'auto' says what it chose", () => {
  const custom: PreprocessSettings = { ...DEFAULT_PREPROCESS, preset: 'custom', mean: [10, 20, 30], std: [2, 4, 8] };
  const d = prep(custom, [1, 3, H, W]).data as Float32Array;
  for (let c = 0; c < 3; c++) close(d[c * H * W + 5], (px(1, 1, c) - [10, 20, 30][c]) / [2, 4, 8][c], `custom c${c}`);
  const auto3 = prep(DEFAULT_PREPROCESS, [1, 3, H, W]);
  assert.equal(auto3.applied?.preset, 'imagenet');
  assert.match(auto3.applied?.auto ?? '', /3 channels: ImageNet mean\/std/);
  assert.match(auto3.description, /auto: the input has 3 channels/);
  const auto1 = prep(DEFAULT_PREPROCESS, [1, 1, H, W]);
  assert.equal(auto1.applied?.preset, 'unit');
  close((auto1.data as Float32Array)[0], (0.299 * px(0, 0, 0) + 0.587 * px(0, 0, 1) + 0.114 * px(0, 0, 2)) / 255, 'auto 1 channel');
  const u8 = prep({ ...presetSettings('imagenet'), layout: 'NHWC' }, [1, H, W, 3], 'uint8');
  assert.equal(u8.applied?.preset, 'raw255');
  assert.equal(u8.data[0], px(0, 0, 0));
});

test("'crop' resizes the shorter side and takes the centre; 'stretch' resizes to the size", () => {
  const wide: RgbImage = { width: 8, height: 4, data: Uint8Array.from({ length: 8 * 4 * 3 }, (_, i) => (i * 37) % 256) };
  const p = prepareInput({ name: 'x', dtype: 'float32', shape: [1, 3, 2, 2] }, { kind: 'image', image: wide }, { preprocessing: { ...presetSettings('raw255'), resize: 'crop', layout: 'NCHW' }, dims: {} });
  assert.deepEqual(p.applied?.resizedTo, [4, 2]);
  // Halving is a 2×2 box mean (half-pixel centres); the centre 2 of the 4 columns are source columns 2–5.
  const at = (x: number, y: number, c: number) => wide.data[(y * 8 + x) * 3 + c];
  for (let c = 0; c < 3; c++) for (let y = 0; y < 2; y++) for (let x = 0; x < 2; x++) {
    const sx = 2 + 2 * x, sy = 2 * y;
    close((p.data as Float32Array)[c * 4 + y * 2 + x], (at(sx, sy, c) + at(sx + 1, sy, c) + at(sx, sy + 1, c) + at(sx + 1, sy + 1, c)) / 4, `crop c${c} (${y}, ${x})`, 1e-4);
  }
  const s = prepareInput({ name: 'x', dtype: 'float32', shape: [1, 3, 2, 2] }, { kind: 'image', image: wide }, { preprocessing: { ...presetSettings('raw255'), layout: 'NCHW' }, dims: {} });
  assert.equal(s.applied?.resizedTo, undefined);
  close((s.data as Float32Array)[0], (at(1, 0, 0) + at(2, 0, 0) + at(1, 1, 0) + at(2, 1, 0)) / 4, 'stretch 8→2 reads source columns 1–2 (half-pixel)', 1e-4);
});

test('settings from a webview or an old state are checked: unknown words and zero std fall back', () => {
  assert.deepEqual(saneSettings({ preset: 'tf127_128', mean: [1], std: [1] }).mean, [127]);
  const bad = saneSettings({ preset: 'custom', resize: 'zoom', channels: 'CMYK', mean: ['a'], std: [0], layout: 'NDHWC' });
  assert.deepEqual([bad.resize, bad.channels, bad.layout, bad.mean, bad.std], ['stretch', 'RGB', 'auto', [0], [255]]);
  assert.equal(saneSettings(null).preset, 'auto');
});

const engine = new Engine(defaultAccess);
after(() => engine.dispose());

/** The model's input built here from the pattern's pixels (NHWC: channel fastest), [0, 1] scaling. */
function nhwcFeed(rgb: Float32Array, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(h * w * c);
  for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) {
    const [r, g, b] = [rgb[p * 3], rgb[p * 3 + 1], rgb[p * 3 + 2]];
    // channel 4 is alpha (opaque); 5 and after are luma, as ConvLens documents
    out[p * c + k] = k < 3 ? rgb[p * 3 + k] : k === 3 ? 1 : 0.299 * r + 0.587 * g + 0.114 * b;
  }
  return out;
}

for (const [h, w, c, cout] of [[56, 56, 256, 8], [320, 320, 4, 4]]) {
  test(`a channels-last [1, ${h}, ${w}, ${c}] input runs as ${c} channels of ${h}×${w} and equals ONNX Runtime on a tensor built here`, async () => {
    const file = generatedFile(`nhwc-${h}x${w}x${c}-${cout}`, () => generateChannelsLast(h, w, c, cout));
    const model = readOnnxBytes(readFileSync(file), { path: file });
    assert.deepEqual(modelLayouts(model).inputs.get('input')?.layout, 'NHWC');
    const spec: RunSpec = { modelPath: file, providers: ['cpu'], memoryBudgetMB: 512, picture: { kind: 'pattern', pattern: 'gradient' }, preprocessing: presetSettings('unit'), dims: {}, returnTensors: ['input', 'output'] };
    const r = await engine.run(spec);
    const a = r.preprocessing[0];
    assert.deepEqual([a.layout, a.channels, a.height, a.width], ['NHWC', c, h, w]);
    assert.match(a.layoutReason, /transposes it from NHWC/);

    const feed = nhwcFeed(drawPattern('gradient', w, h, 1), h, w, c);
    const fed = r.returned.find((t) => t.name === 'input')!.data;
    for (let i = 0; i < feed.length; i += 97) close(fed[i], feed[i], `input[${i}]`);
    const s = await ort.InferenceSession.create(readFileSync(file), { executionProviders: ['cpu'] });
    const want = ((await s.run({ input: new ort.Tensor('float32', feed, [1, h, w, c]) })).output.data as Float32Array);
    await s.release();
    const got = r.returned.find((t) => t.name === 'output')!.data;
    for (let i = 0; i < want.length; i++) close(got[i], want[i], `output[${i}]`, 1e-4);
    // Drawn as the model lays them out: c maps of h×w in, cout maps of h×w out.
    const input = await engine.detail('input');
    assert.deepEqual([input.grid.channels, input.grid.mapHeight, input.grid.mapWidth], [c, h, w]);
    const output = await engine.detail('output');
    assert.deepEqual([output.grid.channels, output.grid.mapHeight, output.grid.mapWidth], [cout, h, w]);
    // The same check fails when the layout is forced wrong: the fed tensor is not the one built here.
    const wrong = await engine.run({ ...spec, preprocessing: { ...presetSettings('unit'), layout: 'NCHW' } });
    const wfed = wrong.returned.find((t) => t.name === 'input')!.data;
    assert.ok(feed.some((v, i) => Math.abs(wfed[i] - v) > 1e-3), 'forcing NCHW changed nothing');
  });
}

test('the model decides the layout: MNIST (its Conv reads the input) is NCHW', async () => {
  const mnist = readOnnxBytes(readFileSync(corpus('real', 'mnist_c_cxx.onnx')));
  const e = [...modelLayouts(mnist).inputs.values()][0];
  assert.equal(e?.layout, 'NCHW');
});

test('the choice is remembered per model, checked on the way out, and cleared', async () => {
  const stored = new Map<string, unknown>();
  const memento = { get: (k: string) => stored.get(k), update: async (k: string, v: unknown) => void (v === undefined ? stored.delete(k) : stored.set(k, v)), keys: () => [...stored.keys()] };
  const uri = (p: string) => ({ toString: () => `file://${p}` }) as never;
  const store = new PreprocessStore(memento as never);
  await store.set(uri('/w/face.onnx'), presetSettings('tf127_128'));
  await store.set(uri('/w/mnist.onnx'), { ...presetSettings('unit'), channels: 'BGR' });
  assert.deepEqual(store.get(uri('/w/face.onnx'))?.mean, [127]);
  assert.equal(store.get(uri('/w/mnist.onnx'))?.channels, 'BGR');
  assert.equal(store.get(uri('/w/other.onnx')), undefined);
  stored.set(PreprocessStore.key(uri('/w/old.onnx')), { preset: 'custom', std: [0] });
  assert.deepEqual(store.get(uri('/w/old.onnx'))?.std, [255]);
  await store.set(uri('/w/face.onnx'), null);
  assert.equal(store.get(uri('/w/face.onnx')), undefined);
});
