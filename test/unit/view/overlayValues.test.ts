import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layeredLayout } from '../../../webview/graph/layout/layered';
import { layerTopology } from '../../../webview/graph/layout/layers';
import { deriveDisplayGraph } from '../../../webview/graph/model/displayGraph';
import { layoutGroups } from '../../../webview/graph/model/layoutGroups';
import { boxColors, boxValues, rampColor, scaleOf, topBoxes } from '../../../webview/graph/model/overlayValues';
import { corpusGraph } from '../../webview/corpusGraphs';
import { syntheticGraph } from '../../webview/synthetic';

/** What topBoxes promises, said the plain way: every positive figure sorted, largest first, ties in graph order. */
function sortedTop(values: (number | null)[], n: number): number[] {
  return values.map((v, i) => [v, i] as const).filter(([v]) => v !== null && v > 0).sort((a, b) => b[0]! - a[0]! || a[1] - b[1]).slice(0, n).map(([, i]) => i);
}

test('the top boxes are the largest figures, ties in graph order, zero and unknown left out', async () => {
  const g = await corpusGraph('onnx-backend', 'light', 'light_resnet50.onnx');
  const d = deriveDisplayGraph(g, { fold: true, collapsed: new Set(), hideBatchDim: true });
  for (const metric of ['params', 'macs', 'memory'] as const) {
    const values = boxValues(g, d, metric);
    assert.deepEqual(topBoxes(values), sortedTop(values, 10), metric);
  }
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let round = 0; round < 200; round++) {
    // Few distinct figures, so ties are common; some boxes without one.
    const values = Array.from({ length: 1 + Math.floor(next() * 60) }, () => (next() < 0.2 ? null : Math.floor(next() * 6)));
    for (const n of [0, 1, 3, 10]) assert.deepEqual(topBoxes(values, n), sortedTop(values, n), JSON.stringify([values, n]));
  }
});

test('each box is coloured as the legend colours its figure', async () => {
  const g = await corpusGraph('onnx-backend', 'light', 'light_resnet50.onnx');
  const d = deriveDisplayGraph(g, { fold: true, collapsed: new Set(), hideBatchDim: true });
  const values = boxValues(g, d, 'params');
  const s = scaleOf(values)!;
  const colors = boxColors(values, s, 'rgb(30, 30, 30)', 'rgb(40, 90, 200)', 'rgb(230, 60, 40)');
  values.forEach((v, i) => {
    if (!(v! > 0)) return assert.equal(colors[i], undefined);
    const t = s.max === s.min ? 1 : Math.log(v! / s.min) / Math.log(s.max / s.min);
    assert.equal(colors[i], rampColor(t, 'rgb(30, 30, 30)', 'rgb(40, 90, 200)', 'rgb(230, 60, 40)'));
  });
  assert.equal(colors[values.indexOf(s.max)], 'rgb(140, 47, 36)', 'the largest: the fill 55% of the way to the high colour (30 + 0.55 × 200, 30 + 0.55 × 30, 30 + 0.55 × 10)');
});

test('layers computed ahead (as the worker does while the page measures) give the same layout', () => {
  const d = deriveDisplayGraph(syntheticGraph(3000), { fold: false, collapsed: new Set(), hideBatchDim: true });
  const groups = layoutGroups(d);
  const edges = Int32Array.from(d.edges.flatMap((e) => [e.from, e.to]));
  const input = { nodeCount: d.nodes.length, edges, nodeWidth: 200, nodeHeight: 40, layerGap: 40, columnGap: 40, groupOf: groups.groupOf, groupParent: groups.groupParent };
  const ahead = layeredLayout(input, layerTopology(input));
  const whole = layeredLayout(input);
  assert.ok(groups.groupParent.length > 0, 'with groups');
  for (const k of ['x', 'y', 'layer', 'edgeKind', 'edgePoints'] as const) assert.deepEqual(ahead[k], whole[k], k);
});
