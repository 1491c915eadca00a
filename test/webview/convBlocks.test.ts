import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../src/analysis/analyze';
import { readModelFile } from '../../src/formats/index';
import { encodeModel } from '../../src/formats/onnx/writer';
import { bytesOf, tensorFromBytes } from '../../src/ir/tensor';
import type { Model, Node, TensorData } from '../../src/ir/types';
import { Engine } from '../../src/runtime/engine';
import { defaultAccess } from '../../src/runtime/access';
import { featureMapTensors } from '../../src/runtime/lowered';
import type { FromFeatureMaps, ToFeatureMaps } from '../../src/protocol/featureMaps';
import { startFeatureMapsHarness, type FeatureMapsHarness } from './featureMapsHarness';

/**
 * Step mode's block picture of a convolution (webview/featureMaps/blocks), in Chromium on a real run
 * of a generated model with a 3×3, a 1×1, a grouped and a depthwise convolution: every label is the
 * analysis's number (window sizes, kernel, channels, groups), the 1×1 shows its pixel column, the
 * grouped ones their groups.
 */
let h: FeatureMapsHarness;
const FILE = join(mkdtempSync(join(tmpdir(), 'convlens-blocks-')), 'convs.onnx');
const shots = process.env.CONVLENS_SCREENSHOTS;
/** [kernel, c_in, c_out, groups, stride] */
const LAYERS: [number, number, number, number, number][] = [[3, 1, 4, 1, 1], [1, 4, 6, 1, 1], [3, 6, 6, 2, 2], [3, 6, 6, 6, 1]];

function convs(): Model {
  const nodes: Node[] = [];
  const inits = new Map<string, TensorData>();
  let x = 'input';
  LAYERS.forEach(([k, cin, cout, g, s], i) => {
    const w = Float32Array.from({ length: cout * (cin / g) * k * k }, (_, j) => ((j * 7 + i) % 5) / 5 - 0.3);
    inits.set(`w${i}`, tensorFromBytes(`w${i}`, 'float32', [cout, cin / g, k, k], bytesOf(w)));
    const p = k >> 1;
    nodes.push({ id: `conv${i + 1}`, name: `conv${i + 1}`, opType: 'Conv', domain: '', inputs: [x, `w${i}`], outputs: [`c${i + 1}`], scope: [],
      attributes: { kernel_shape: [k, k], pads: [p, p, p, p], strides: [s, s], group: g }, attributeTypes: { kernel_shape: 'ints', pads: 'ints', strides: 'ints', group: 'int' } });
    x = `c${i + 1}`;
  });
  return {
    format: 'onnx', producer: 'test', opsets: { '': 13 }, metadata: {}, readWarnings: [],
    graph: { name: 'convs', nodes, initializers: inits, valueInfo: new Map(), inputs: [{ name: 'input', dtype: 'float32', shape: [1, 1, 20, 20] }], outputs: [{ name: x, dtype: 'float32', shape: null }] },
  };
}

before(async () => {
  writeFileSync(FILE, encodeModel(convs()));
  h = await startFeatureMapsHarness();
});
after(async () => {
  await h?.close();
});

test('Step mode draws each convolution as blocks labelled with the analysis\'s numbers: 3×3, 1×1 channel mixing, grouped, depthwise', async () => {
  const engine = new Engine(defaultAccess);
  const run = await engine.run({ modelPath: FILE, providers: ['cpu'], memoryBudgetMB: 256, picture: { kind: 'pattern', pattern: 'digit' }, normalization: 'auto', bgr: false, dims: {} });
  const page = await h.open(async (m: FromFeatureMaps, post: (m: ToFeatureMaps) => Promise<void>) => {
    if (m.type === 'ready') await post({ type: 'fmRun', model: FILE, where: run.where, millis: run.millis, notes: run.notes, top5: run.top5, tensors: featureMapTensors(run) });
    else if (m.type === 'step') await post({ type: 'reply', id: m.id, ok: true, value: await engine.step(m.nodeId !== undefined ? engine.stepIndexOf(m.nodeId) : m.index ?? 0) });
    else if (m.type === 'detail') await post({ type: 'reply', id: m.id, ok: true, value: await engine.detail(m.tensor) });
  });
  await page.locator('.tensor-item').first().waitFor();
  await page.getByRole('button', { name: 'Step ←/→' }).click();
  const a = analyze(await readModelFile(FILE));
  for (let i = 0; i < LAYERS.length; i++) {
    await page.waitForFunction((n) => (document.querySelector('.step-nav span')?.textContent ?? '').startsWith(`Layer ${n} of`), i + 1);
    const node = a.nodeById.get(`conv${i + 1}`)!;
    const win = a.nodes.get(node.id)!.window!;
    const [hIn, wIn] = win.axes.map((x) => x.in);
    const [hOut, wOut] = win.axes.map((x) => x.out);
    const cIn = a.tensors.get(node.inputs[0])!.shape![1] as number;
    const cOut = a.tensors.get(node.outputs[0])!.shape![1] as number;
    const per = cIn / win.groups;
    const text = async (cls: string) => (await page.locator(`.blk .${cls}`).allTextContents()).join(' ');
    assert.equal(await text('blk-in-label'), `input volume ${wIn}×${hIn}×${cIn}`, `conv${i + 1}`);
    assert.equal(await text('blk-kernel-label'), `kernel ${win.axes[1].kernel}×${win.axes[0].kernel}×${per}`);
    assert.equal(await text('blk-filters-label'), `${cOut} filters ${cOut}×(${win.axes[1].kernel}×${win.axes[0].kernel}×${per})`);
    assert.equal(await text('blk-out-label'), `output volume ${wOut}×${hOut}×${cOut}`);
    const oneByOne = win.axes.every((x) => x.kernel === 1);
    assert.equal(await page.locator('.blk .blk-column').count(), oneByOne ? 2 : 0, 'the 1×1 conv shows its pixel column in and out');
    const groupsNote = await page.locator('.blk .blk-groups').allTextContents();
    if (win.groups === 1) assert.deepEqual(groupsNote, []);
    else {
      assert.match(groupsNote[0], win.groups === cIn ? new RegExp(`^Depthwise: ${cIn} groups`) : new RegExp(`^${win.groups} groups of ${per} channels`));
      // One slab per group in the input and output volumes.
      assert.equal(await page.locator('.blk .blk-in.front').count() + await page.locator('.blk .blk-in.top').count(), 1 + win.groups);
    }
    if (shots) await page.locator('.blk').screenshot({ path: join(shots, `conv-blocks-${i + 1}.png`) });
    await page.keyboard.press('ArrowRight');
  }
  await page.close();
  await engine.dispose();
});
