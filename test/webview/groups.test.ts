import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ViewGraph } from '../../src/protocol/viewModel';
import { formatCount } from '../../webview/common/format';
import { groupTitle } from '../../webview/graph/model/groupTitle';
import { corpusGraph, fileGraph } from './corpusGraphs';
import { showGraph, startHarness, type Harness } from './harness';
import { boxOverlaps, sceneFacts, textProblems, type Facts } from './layoutChecks';

/**
 * Collapsed groups of models without scope names (the analysis's blocks and stages), drawn in
 * Chromium from real analyze() output: each group box says its title, its layers, the analysis's
 * params and MACs and its in/out shapes, within its box (text measured by the browser), and
 * collapsing goes one depth at a time (ResNet-50: 4 stages, then 16 bottlenecks inside them).
 */
const zoo = join(__dirname, '..', '..', 'media', 'samples', 'zoo');
const SHOTS = process.env.CONVLENS_SHOTS;

let h: Harness;
let page: Page;
before(async () => {
  h = await startHarness();
  page = await h.open({ width: 1200, height: 800 });
});
after(async () => h?.close());

async function collapseTo(depth: number): Promise<Facts> {
  const done = page.evaluate(() => new Promise((r) => document.addEventListener('convlens-rendered', r, { once: true })));
  await page.selectOption('#cl-depth', String(depth));
  await done;
  return sceneFacts(page);
}

/** Group boxes that do not say their figures: the params and MACs the analysis gave their group, and their shapes. */
function figureProblems(f: Facts, g: ViewGraph): string[] {
  const out: string[] = [];
  f.boxes.forEach((b, i) => {
    if (b.kind !== 'group') return;
    const said = f.runs.filter((r) => r.box === i).map((r) => r.text).join(' ');
    const group = g.groups?.find((gr) => groupTitle(gr) === b.title);
    if (!group) return void out.push(`${b.title}: no group of the analysis`);
    for (const want of [formatCount(group.params), formatCount(group.macs), ...b.label.split(' ')]) {
      if (!said.replace(/\s+/g, ' ').includes(want)) out.push(`${b.title} does not say ${want}`);
    }
  });
  return out;
}

/** With CONVLENS_SHOTS set, the view fitted at 800 and 1600 px wide, for a person to look at. */
async function shots(name: string): Promise<void> {
  if (!SHOTS) return;
  for (const width of [800, 1600]) {
    await page.setViewportSize({ width, height: 900 });
    await page.click('#cl-fit').catch(() => undefined);
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`) });
  }
  await page.setViewportSize({ width: 1200, height: 800 });
}

const groupBoxes = (f: Facts) => f.boxes.filter((b) => b.kind === 'group');

test('light ResNet-50: collapsed to depth 1, 4 stages; to depth 2, 16 bottlenecks; each says its figures within its box', async () => {
  const g = await corpusGraph('onnx-backend', 'light', 'light_resnet50.onnx');
  await showGraph(page, g);
  const stages = await collapseTo(1);
  assert.deepEqual(groupBoxes(stages).map((b) => b.title), ['stage 1: 3 × bottleneck', 'stage 2: 4 × bottleneck', 'stage 3: 6 × bottleneck', 'stage 4: 3 × bottleneck']);
  assert.deepEqual(figureProblems(stages, g), []);
  assert.deepEqual(textProblems(stages), []);
  assert.deepEqual(boxOverlaps(stages), []);
  await shots('resnet50-stages');
  const blocks = await collapseTo(2);
  assert.equal(groupBoxes(blocks).length, 16);
  assert.ok(groupBoxes(blocks).every((b) => /^bottleneck \d+$/.test(b.title)));
  assert.deepEqual(figureProblems(blocks, g), []);
  assert.deepEqual(textProblems(blocks), []);
  assert.deepEqual(boxOverlaps(blocks), []);
  await shots('resnet50-bottlenecks');

  // The checks fail on a box that does not say its figures, or whose text runs past its edge.
  const broken: Facts = { ...blocks, runs: blocks.runs.map((r) => (blocks.boxes[r.box].kind === 'group' ? { ...r, text: r.text.replace(/\d/g, '#'), width: r.width * 4 } : r)) };
  const first = groupBoxes(blocks)[0].title;
  assert.ok(figureProblems(broken, g).some((p) => p.startsWith(first)), 'a group box without its figures is caught');
  assert.ok(textProblems(broken).length > 0, 'text wider than its box is caught');
});

test('GoogLeNet (zoo) and light Inception v1: 9 Inception modules collapse to boxes with their figures', async () => {
  for (const g of [await fileGraph(join(zoo, 'googlenet.json')), await corpusGraph('onnx-backend', 'light', 'light_inception_v1.onnx')]) {
    await showGraph(page, g);
    const f = await collapseTo(1);
    assert.deepEqual(groupBoxes(f).map((b) => b.title), Array.from({ length: 9 }, (_, i) => `Inception module ${i + 1}`), g.title);
    assert.deepEqual(figureProblems(f, g), []);
    assert.deepEqual(textProblems(f), []);
    assert.deepEqual(boxOverlaps(f), []);
    await shots(`${g.title}-modules`);
  }
});

test('Ultraface RFB-320: the RFB block nests its branches; collapsed at depth 1 it is one box, at depth 2 the branches are', async () => {
  const g = await corpusGraph('real', 'Ultraface_version-RFB-320.onnx');
  await showGraph(page, g);
  const one = await collapseTo(1);
  assert.deepEqual(groupBoxes(one).map((b) => b.title), ['RFB block 1']);
  assert.deepEqual(figureProblems(one, g), []);
  assert.deepEqual(textProblems(one), []);
  const two = await collapseTo(2);
  assert.deepEqual(groupBoxes(two).map((b) => b.title), ['Inception module 1']);
  assert.deepEqual(textProblems(two), []);
  await shots('ultraface-rfb');
});
