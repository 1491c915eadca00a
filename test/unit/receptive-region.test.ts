/**
 * The receptive field on the input image (src/analysis/receptiveRegion.ts). Oracles:
 * - the analysis's own per-tensor numbers (receptive.ts): on every layer of VGG-16 and ResNet-50
 *   the region of one output pixel is as large as the receptive field, neighbours are a jump apart,
 *   and the outline is that field clipped at the image border, the rest being padding outside it;
 * - ONNX Runtime, by perturbation: on small generated models every input pixel is changed in turn
 *   (one batch) and the output pixels that change say, for each of them, which input pixels it sees.
 *   A back-projection that ignores strides is shown failing against it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { join } from 'node:path';
import { analyze } from '../../src/analysis/analyze';
import type { Analysis } from '../../src/analysis/types';
import { inputRegions, windowStep, type AxisRange, type AxisStep } from '../../src/analysis/receptiveRegion';
import { seededRandom } from '../../src/common/prng';
import { readModelFile } from '../../src/formats/index';
import { encodeModel } from '../../src/formats/onnx/writer';
import { bytesOf, tensorFromBytes } from '../../src/ir/tensor';
import type { AttrValue, Model, Node, TensorData } from '../../src/ir/types';

const zoo = join(__dirname, '..', '..', 'media', 'samples', 'zoo');
const light = join(process.env.CONVLENS_MODELS ?? join(__dirname, '..', '..', '..', 'shared', 'models'), 'onnx-backend', 'light');

const real = [
  join(zoo, 'vgg16.json'),
  join(light, 'light_vgg19.onnx'),
  join(light, 'light_resnet50.onnx'),
  join(zoo, 'resnet50.json'),
];

for (const file of real) {
  test(`receptive field on the input, every layer of ${file.split('/').pop()}: the analysis's field clipped at the border`, async () => {
    const a = analyze(await readModelFile(file));
    let layers = 0;
    for (const [name, t] of a.tensors) {
      if (!t.receptiveField || !t.stride || t.producer === undefined || !t.shape) continue;
      layers++;
      const rf = t.receptiveField;
      const jump = t.stride;
      const last = spatialLast(a, name, rf.length, file.endsWith('.json'));
      const at = (p: number[]) => {
        const r = inputRegions(a, name, p);
        assert.equal(r.length, 1, `${name}: one input region`);
        return r[0];
      };
      const first = at(rf.map(() => 0));
      assert.ok(first.size, `${name}: the input size is known`);
      const size = first.size;
      for (const p of [rf.map(() => 0), last.map((l) => l >> 1), last]) {
        const r = at(p);
        assert.deepEqual(r.extent, rf, `${name} at ${p}: the region is the analysis's receptive field`);
        for (let i = 0; i < rf.length; i++) {
          assert.equal(r.range[i].start, first.range[i].start + p[i] * jump[i], `${name} at ${p}: neighbours are a jump (${jump[i]}) apart`);
          const want = { start: Math.max(0, r.range[i].start), end: Math.min(size[i] - 1, r.range[i].end) };
          assert.deepEqual(r.clipped?.[i], want, `${name} at ${p}: the outline is the field clipped at the border`);
        }
        // Padding cells: the field's cells the outline leaves out all lie outside the image.
        const cells = rf.reduce((x, y) => x * y, 1);
        const inside = (r.clipped ?? []).reduce((x, c) => x * (c.end - c.start + 1), 1);
        const outside = countOutside(r.range, size);
        assert.equal(cells - inside, outside, `${name} at ${p}: every cell outside the outline is padding`);
      }
    }
    assert.ok(layers > 15, `${file}: ${layers} spatial layers checked`);
  });
}

test('receptive field on the input: a 3×3 stack grows 3 → 5 → 7, counted by perturbing each input pixel in ONNX Runtime', async () => {
  const m = small([['Conv', 3, 1, 1, 1], ['Conv', 3, 1, 1, 1], ['Conv', 3, 1, 1, 1]], 12);
  const a = analyze(m.model);
  const seen = await perturb(m, 12);
  const extents = m.outputs.map((o) => inputRegions(a, o, [6, 6])[0].extent);
  assert.deepEqual(extents, [[3, 3], [5, 5], [7, 7]]);
  for (const o of m.outputs) assert.deepEqual(inputRegions(a, o, [6, 6])[0].clipped, bbox(seen.get(o)!, [6, 6]), o);
});

const strided: Layer[] = [['Conv', 3, 2, 1, 1], ['MaxPool', 3, 2, 1, 1], ['Conv', 3, 1, 2, 2], ['Branch', 1, 1, 0, 1], ['Conv', 3, 1, 0, 1]];

test('receptive field on the input: strides, padding, dilation, pooling and a merged branch agree with ONNX Runtime pixel by pixel', async () => {
  const m = small(strided, 24);
  const a = analyze(m.model);
  const seen = await perturb(m, 24);
  const bad = mismatches(a, m, seen, windowStep);
  assert.deepEqual(bad, [], bad.slice(0, 5).join('\n'));
});

test('receptive field on the input: a back-projection that ignores the stride is caught by the same check', async () => {
  const m = small(strided, 24);
  const a = analyze(m.model);
  const seen = await perturb(m, 24);
  const noStride: AxisStep = (axis, kind, r) => windowStep({ ...axis, stride: 1 }, kind, r);
  assert.ok(mismatches(a, m, seen, noStride).length > 0, 'the broken propagation disagrees with the runtime');
});

// ---------------------------------------------------------------------------------------------

/** [op, kernel, stride, pad, dilation]; 'Branch' adds a 1×1 conv beside the previous layer's output and sums them. */
type Layer = ['Conv' | 'MaxPool' | 'Branch', number, number, number, number];

interface Small {
  model: Model;
  outputs: string[];
}

/** A one-channel-in, 3-channel model of the layers, no activations (so every tap shows), seeded weights. */
function small(layers: Layer[], size: number): Small {
  const rand = seededRandom(5);
  const nodes: Node[] = [];
  const inits = new Map<string, TensorData>();
  const weight = (name: string, dims: number[]): string => {
    const v = new Float32Array(dims.reduce((x, y) => x * y, 1)).map(() => 0.2 + rand());
    inits.set(name, tensorFromBytes(name, 'float32', dims, bytesOf(v)));
    return name;
  };
  const node = (id: string, opType: string, inputs: string[], attributes: Record<string, AttrValue>): string => {
    const attributeTypes: Node['attributeTypes'] = {};
    for (const [k, v] of Object.entries(attributes)) attributeTypes[k] = Array.isArray(v) ? 'ints' : 'int';
    nodes.push({ id, name: id, opType, domain: '', attributes, attributeTypes, inputs, outputs: [`${id}_out`], scope: [] });
    return `${id}_out`;
  };
  let x = 'input';
  let c = 1;
  const outputs: string[] = [];
  layers.forEach(([op, k, s, p, d], i) => {
    const attrs = { kernel_shape: [k, k], strides: [s, s], pads: [p, p, p, p], dilations: [d, d] };
    if (op === 'MaxPool') x = node(`pool${i}`, 'MaxPool', [x], attrs);
    else if (op === 'Conv') {
      x = node(`conv${i}`, 'Conv', [x, weight(`w${i}`, [3, c, k, k])], attrs);
      c = 3;
    } else {
      const side = node(`side${i}`, 'Conv', [x, weight(`w${i}`, [3, c, k, k])], attrs);
      x = node(`sum${i}`, 'Add', [x, side], {});
    }
    outputs.push(x);
  });
  const model: Model = {
    format: 'onnx', producer: 'test', opsets: { '': 13 }, metadata: {}, readWarnings: [],
    graph: {
      name: 'rf', nodes, initializers: inits, valueInfo: new Map(),
      inputs: [{ name: 'input', dtype: 'float32', shape: ['N', 1, size, size] }],
      outputs: outputs.map((name) => ({ name, dtype: 'float32' as const, shape: null })),
    },
  };
  return { model, outputs };
}

/** Per output tensor and output pixel (y·W + x), the input pixels whose change (±100, one at a time,
 * as one batch) changes any channel of it. */
async function perturb(m: Small, size: number): Promise<Map<string, Map<number, [number, number][]>>> {
  const px = size * size;
  const batch = 2 * px + 1;
  const data = new Float32Array(batch * px).map((_, i) => Math.sin(i % px));
  for (let q = 0; q < px; q++) {
    data[(1 + q) * px + q] += 100;
    data[(1 + px + q) * px + q] -= 100;
  }
  const s = await ort.InferenceSession.create(encodeModel(m.model));
  const r = await s.run({ input: new ort.Tensor('float32', data, [batch, 1, size, size]) });
  const seen = new Map<string, Map<number, [number, number][]>>();
  for (const o of m.outputs) {
    const t = r[o];
    const [, ch, h, w] = t.dims as number[];
    const v = t.data as Float32Array;
    const per = ch * h * w;
    const map = new Map<number, [number, number][]>();
    for (let b = 1; b < batch; b++) {
      const q = (b - 1) % px;
      for (let c = 0; c < ch; c++) {
        for (let y = 0; y < h * w; y++) {
          const i = c * h * w + y;
          if (Math.abs(v[b * per + i] - v[i]) > 1e-3 * (1 + Math.abs(v[i]))) {
            const list = map.get(y) ?? [];
            list.push([Math.floor(q / size), q % size]);
            map.set(y, list);
          }
        }
      }
    }
    map.set(-1, [[h, w]]);
    seen.set(o, map);
  }
  return seen;
}

function bbox(seen: Map<number, [number, number][]>, p: number[]): AxisRange[] | null {
  const [, w] = seen.get(-1)![0];
  const list = seen.get(p[0] * w + p[1]);
  if (!list) return null;
  const ys = list.map((c) => c[0]);
  const xs = list.map((c) => c[1]);
  return [{ start: Math.min(...ys), end: Math.max(...ys) }, { start: Math.min(...xs), end: Math.max(...xs) }];
}

/** Output pixels whose outline differs from the pixels the runtime saw: equal where the field lies
 * inside the image; where it crosses the border, the seen ones lie within it (a dilated kernel's
 * outer taps may fall in the padding, so the seen pixels can stop short of the outline). */
function mismatches(a: Analysis, m: Small, seen: Map<string, Map<number, [number, number][]>>, step: AxisStep): string[] {
  const bad: string[] = [];
  for (const o of m.outputs) {
    const [h, w] = seen.get(o)!.get(-1)![0];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const r = inputRegions(a, o, [y, x], step)[0];
        const want = bbox(seen.get(o)!, [y, x]);
        const interior = r.range.every((q, i) => q.start >= 0 && q.end < (r.size as number[])[i]);
        const ok = interior ? JSON.stringify(r.clipped) === JSON.stringify(want) : want !== null && r.clipped !== null && want.every((q, i) => q.start >= r.clipped![i].start && q.end <= r.clipped![i].end);
        if (!ok) bad.push(`${o} (${y}, ${x}): outline ${JSON.stringify(r.clipped)}, runtime ${JSON.stringify(want)}`);
      }
    }
  }
  return bad;
}

/** The last position per spatial axis of a tensor: its H, W axes are 1..n in the zoo's channels-last
 * JSON (Keras layout), the last n in ONNX's NCHW. */
function spatialLast(a: Analysis, name: string, n: number, channelsLast: boolean): number[] {
  const shape = a.tensors.get(name)!.shape!.map((d) => (typeof d === 'number' ? d : 1));
  return (channelsLast ? shape.slice(1, 1 + n) : shape.slice(shape.length - n)).map((d) => d - 1);
}

/** Cells of a 2-D range with a coordinate outside an image of `size`, counted one by one. */
function countOutside(range: readonly AxisRange[], size: readonly number[]): number {
  let n = 0;
  for (let y = range[0].start; y <= range[0].end; y++) {
    for (let x = range[1].start; x <= range[1].end; x++) if (y < 0 || x < 0 || y >= size[0] || x >= size[1]) n++;
  }
  return n;
}
