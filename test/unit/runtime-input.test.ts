import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { decodeImage, readImageFile, resizeBilinear } from '../../src/runtime/image';
import { imageLayout, prepareInput } from '../../src/runtime/input';
import { listInputDims, valuesOf } from '../../src/analysis/inputDims';
import { drawPattern } from '../../src/runtime/patterns';

const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('bilinear resize uses half-pixel centres (2×2 -> 4×4 worked by hand)', () => {
  const out = resizeBilinear(new Float32Array([0, 1, 2, 3]), 2, 2, 1, 4, 4);
  // source x for output x: (x + 0.5) / 2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1)
  const row0 = [0, 0.25, 0.75, 1];
  const col0 = [0, 0.5, 1.5, 2];
  for (let x = 0; x < 4; x++) close(out[x], row0[x]);
  for (let y = 0; y < 4; y++) close(out[y * 4], col0[y]);
  close(out[1 * 4 + 1], 0.25 * 2 + 0.25); // y=0.25, x=0.25
  close(out[15], 3);
});

test('downscaling by 2 averages each 2×2 block', () => {
  const src = new Float32Array([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]);
  const out = resizeBilinear(src, 4, 4, 1, 2, 2);
  assert.deepEqual(Array.from(out), [5, 9, 21, 25]);
});

test('PNG and JPEG decode to RGB; alpha is composited onto black', () => {
  const png = new PNG({ width: 2, height: 1 });
  png.data.set([255, 0, 0, 255, 0, 200, 100, 128]);
  const rgb = decodeImage(PNG.sync.write(png), 'a.png');
  assert.deepEqual([rgb.width, rgb.height], [2, 1]);
  assert.deepEqual(Array.from(rgb.data), [255, 0, 0, 0, 100, 50]);

  const w = 16, h = 16, rgba = Buffer.alloc(w * h * 4);
  for (let i = 0; i < w * h; i++) rgba.set([200, 40, 90, 255], i * 4);
  const jpg = jpeg.encode({ width: w, height: h, data: rgba }, 100).data;
  const j = decodeImage(jpg, 'b.jpg');
  assert.equal(j.width, 16);
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(j.data[c] - [200, 40, 90][c]) <= 3);
});

test('a file that is no image, or is missing, gets a message naming it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-img-'));
  const bad = join(dir, 'notes.png');
  writeFileSync(bad, 'hello');
  await assert.rejects(readImageFile(bad), (e: Error) => e.message.includes(bad) && /not a PNG or JPEG/.test(e.message));
  await assert.rejects(readImageFile(join(dir, 'missing.jpg')), (e: Error) => /missing\.jpg: image file not found/.test(e.message));
  const broken = join(dir, 'broken.png');
  writeFileSync(broken, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]));
  await assert.rejects(readImageFile(broken), (e: Error) => e.message.startsWith(`${broken}: cannot decode the PNG`));
});

test('layout follows the input shape: NCHW, NHWC, CHW, flat MNIST vectors, none', () => {
  assert.equal(imageLayout([1, 3, 224, 224])?.layout, 'NCHW');
  assert.equal(imageLayout([1, 224, 224, 3])?.layout, 'NHWC');
  assert.equal(imageLayout([1, 28, 28, 1])?.layout, 'NHWC');
  assert.equal(imageLayout([1, 1, 28, 28])?.layout, 'NCHW');
  assert.equal(imageLayout([3, 32, 32])?.layout, 'CHW');
  assert.deepEqual(imageLayout([1, 784]), { layout: 'flat', batch: 1, channels: 1, height: 28, width: 28 });
  assert.equal(imageLayout([1, 10]), null);
});

test('ImageNet normalisation in NCHW, RGB and BGR, batch copies', () => {
  const spec = { name: 'x', dtype: 'float32', shape: [2, 3, 16, 16] as (number | string)[] };
  const p = prepareInput(spec, { kind: 'pattern', pattern: 'checkerboard' }, { normalization: 'auto', bgr: false, dims: {} });
  const d = p.data as Float32Array;
  assert.equal(p.layout, 'NCHW');
  assert.equal(d.length, 2 * 3 * 256);
  close(d[0], (1 - 0.485) / 0.229); // (c0, y0, x0) white square
  close(d[2], (0 - 0.485) / 0.229); // x = 2: next square (16 px / 8 squares) is black
  close(d[256 + 0], (1 - 0.456) / 0.224); // green channel
  close(d[768 + 0], d[0]); // second batch item is the same picture
  const g = prepareInput(spec, { kind: 'pattern', pattern: 'gradient' }, { normalization: 'unit', bgr: true, dims: {} });
  const gd = g.data as Float32Array;
  // gradient: R = u (x ramp), B = 1 - (u + v) / 2; with BGR the first plane holds blue.
  close(gd[15], 1 - (1 + 0) / 2); // x = 15, y = 0
  close(gd[2 * 256 + 15], 1); // third plane holds red
});

test('NHWC grayscale with [-1, 1] and uint8 inputs get raw pixel values', () => {
  const p = prepareInput({ name: 'img', dtype: 'float32', shape: [1, 8, 8, 1] }, { kind: 'pattern', pattern: 'checkerboard' }, { normalization: 'symmetric', bgr: false, dims: {} });
  assert.equal(p.layout, 'NHWC');
  assert.deepEqual(Array.from((p.data as Float32Array).slice(0, 2)), [1, -1]);
  const u = prepareInput({ name: 'img', dtype: 'uint8', shape: [1, 4, 4, 3] }, { kind: 'pattern', pattern: 'checkerboard' }, { normalization: 'imagenet', bgr: false, dims: {} });
  assert.ok(u.data instanceof Uint8Array);
  assert.deepEqual(Array.from(u.data.slice(0, 6)), [255, 255, 255, 0, 0, 0]); // 4 px / 8 squares: one pixel each
});

test('symbolic dims take the chosen sizes, the others their defaults, and resolve from the map', () => {
  const specs = [
    { name: 'a', dtype: 'float32', shape: ['N', 3, 'H', 'W'] as (number | string)[] },
    { name: 'b', dtype: 'float32', shape: ['N', 10] as (number | string)[] },
  ];
  assert.deepEqual(valuesOf(listInputDims(specs)), { N: 1, H: 224, W: 224 });
  assert.deepEqual(valuesOf(listInputDims(specs, {}, { N: 2, H: 32 })), { N: 2, H: 32, W: 224 });
  const p = prepareInput(specs[0], { kind: 'pattern', pattern: 'noise', seed: 7 }, { normalization: 'unit', bgr: false, dims: { N: 2, H: 32, W: 48 } });
  assert.deepEqual(p.dims, [2, 3, 32, 48]);
  assert.throws(() => prepareInput(specs[0], { kind: 'pattern', pattern: 'noise' }, { normalization: 'unit', bgr: false, dims: { N: 1 } }), /symbolic dim 'H'/);
  const z = prepareInput(specs[1], { kind: 'pattern', pattern: 'noise' }, { normalization: 'unit', bgr: false, dims: { N: 1 } });
  assert.equal(z.layout, 'zeros');
});

test('patterns: seeded noise repeats, the digit is a white stroke on black inside the MNIST box', () => {
  assert.deepEqual(drawPattern('noise', 8, 8, 3), drawPattern('noise', 8, 8, 3));
  assert.notDeepEqual(drawPattern('noise', 8, 8, 3), drawPattern('noise', 8, 8, 4));
  const d = drawPattern('digit', 28, 28);
  let ink = 0, border = 0;
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
    const v = d[(y * 28 + x) * 3];
    ink += v;
    if (x < 4 || x > 23 || y < 4 || y > 23) border += v;
  }
  assert.ok(ink > 60 && ink < 250, `ink ${ink}`);
  assert.equal(border, 0);
  // A '3' is open on the left: the left third of the middle row has no ink, the right part has.
  const row = (y: number, x0: number, x1: number) => { let s = 0; for (let x = x0; x < x1; x++) s += d[(y * 28 + x) * 3]; return s; };
  assert.equal(row(14, 0, 9), 0);
  assert.ok(row(8, 14, 24) > 0.5);
});
