import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { viridis } from '../../src/runtime/colormap';
import { renderGrid } from '../../src/runtime/grid';
import { decodePngDataUrl } from '../../src/runtime/png';
import { channelStats, histogram } from '../../src/runtime/stats';
import { topK, softmax } from '../../src/runtime/classify';
import { renderFilters } from '../../src/runtime/filters';
import type { HostTensor } from '../../src/runtime/tensorView';

const tensor = (dims: number[], values: number[]): HostTensor => ({ name: 't', dims, dtype: 'float32', data: Float32Array.from(values) });

test('viridis from eleven control points stays close to the full published table (d3-scale-chromatic)', () => {
  // d3-scale-chromatic ships matplotlib's 256-entry viridis table; mermaid brings it into node_modules.
  const req = createRequire(__filename);
  const { interpolateViridis } = req('d3-scale-chromatic') as { interpolateViridis(t: number): string };
  let worst = 0, total = 0;
  for (let i = 0; i <= 255; i++) {
    const hex = interpolateViridis(i / 255);
    const ref = [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
    const ours = viridis(i / 255);
    for (let c = 0; c < 3; c++) {
      worst = Math.max(worst, Math.abs(ours[c] - ref[c]));
      total += Math.abs(ours[c] - ref[c]);
    }
  }
  assert.ok(worst <= 11, `largest channel difference ${worst}`);
  assert.ok(total / 768 <= 1.5, `mean channel difference ${total / 768}`);
  assert.deepEqual(viridis(0), [0x44, 0x01, 0x54]);
  assert.deepEqual(viridis(1), [0xfd, 0xe7, 0x25]);
});

test('a channel grid puts each channel in its tile, normalised to its own range, readable back from the PNG', () => {
  // [1, 2, 2, 3]: channel 0 counts 0..5, channel 1 is constant.
  const t = tensor([1, 2, 2, 3], [0, 1, 2, 3, 4, 5, 7, 7, 7, 7, 7, 7]);
  const g = renderGrid(t, { maxChannels: 16, targetWidth: 13, gap: 1 });
  assert.deepEqual([g.cols, g.rows, g.channelsShown], [2, 1, 2]);
  // tile target = (13 - 1) / 2 = 6 px; a 2×3 map is enlarged by 2 (whole factor) to 6×4.
  assert.deepEqual([g.tileWidth, g.tileHeight, g.width, g.height], [6, 4, 13, 4]);
  const img = decodePngDataUrl(g.png);
  const px = (x: number, y: number) => Array.from(img.data.slice((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));
  assert.deepEqual(px(0, 0), [...viridis(0), 255]); // value 0 = channel min
  assert.deepEqual(px(5, 3), [...viridis(1), 255]); // value 5 = channel max (bottom-right element, 2×2 block)
  assert.deepEqual(px(2, 0), [...viridis(1 / 5), 255]); // value 1
  assert.deepEqual(px(6, 0)[3], 0); // the gap is transparent
  assert.deepEqual(px(7, 0), [...viridis(0), 255]); // constant channel
});

test('large maps are box-averaged into the tile', () => {
  const values = Array.from({ length: 64 }, (_, i) => i % 8); // each row counts 0..7
  const g = renderGrid(tensor([1, 1, 8, 8], values), { maxChannels: 1, targetWidth: 4, gap: 0 });
  assert.deepEqual([g.width, g.height], [4, 4]);
  const img = decodePngDataUrl(g.png);
  // Each tile pixel is the mean of a 2×2 block: (0 + 1) / 2 and (6 + 7) / 2, over the range 0..7.
  assert.deepEqual(Array.from(img.data.slice(0, 3)), viridis(0.5 / 7));
  assert.deepEqual(Array.from(img.data.slice(12, 15)), viridis(6.5 / 7));
});

test('channel statistics and histogram', () => {
  const t = tensor([1, 2, 2, 2], [0, 0, 1, 3, -2, 2, 4, 0]);
  const s = channelStats(t);
  assert.deepEqual(s[0], { min: 0, max: 3, mean: 1, zeros: 0.5 });
  assert.deepEqual(s[1], { min: -2, max: 4, mean: 1, zeros: 0.25 });
  const h = histogram(t.data, 3);
  assert.deepEqual(h, { min: -2, max: 4, counts: [1, 4, 3] }); // bins [-2,0) [0,2) [2,4]
});

test('top-5: softmax of logits, ImageNet labels, 1001 outputs shift by a background class', () => {
  const logits = [1, 3, 2, 0.5, 4, -1];
  const p = softmax(Float32Array.from(logits));
  const labels = ['a', 'b', 'c', 'd', 'e', 'f'];
  const top = topK(tensor([1, 6], logits), labels, 3)!;
  assert.deepEqual(top.map((x) => x.label), ['e', 'b', 'c']);
  assert.ok(Math.abs(top[0].probability - p[4]) < 1e-12);
  const sum = [...p].reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-12);
  // Already probabilities: kept as they are.
  const probs = topK(tensor([1, 4, 1, 1], [0.1, 0.6, 0.2, 0.1]), null, 2)!;
  assert.deepEqual(probs.map((x) => [x.label, x.probability]), [['1', Math.fround(0.6)], ['2', Math.fround(0.2)]]);
  const shifted = topK(tensor([1, 7], [0, ...logits]), labels, 1)!;
  assert.deepEqual([shifted[0].index, shifted[0].label], [5, 'e']);
  assert.equal(topK(tensor([1, 3, 8, 8], new Array(192).fill(0)), labels), null);
});

test('first-layer filters as RGB patches: zero is mid-grey, the largest |weight| reaches 0 or 255', () => {
  // Two 1×1 filters over RGB: (1, 0, -1) and (0, 0.5, 0).
  const f = renderFilters(tensor([2, 3, 1, 1], [1, 0, -1, 0, 0.5, 0]))!;
  assert.equal(f.mode, 'rgb');
  const img = decodePngDataUrl(f.png);
  // cell = 16 px per weight; filters side by side with a 1 px gap.
  assert.deepEqual([img.width, img.height], [33, 16]);
  assert.deepEqual(Array.from(img.data.slice(0, 3)), [255, 128, 0]);
  const o = 17 * 4;
  assert.deepEqual(Array.from(img.data.slice(o, o + 3)), [128, 255, 128]);
});
