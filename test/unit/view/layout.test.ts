import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layeredLayout } from '../../../webview/graph/layout/layered';
import { EdgeKind } from '../../../webview/graph/layout/types';
import { deriveDisplayGraph, collapseToDepth } from '../../../webview/graph/model/displayGraph';
import { EdgeNavigator } from '../../../webview/graph/model/navigation';
import { syntheticGraph } from '../../webview/synthetic';

const SIZE = { nodeWidth: 200, nodeHeight: 40, layerGap: 40, columnGap: 40 };

function layout(n: number, pairs: [number, number][]) {
  return layeredLayout({ nodeCount: n, edges: Int32Array.from(pairs.flat()), ...SIZE });
}

test('a residual block: main chain straight at x = 0, the identity skip is an arc in a lane to the left', () => {
  // 0 in -> 1 conv -> 2 bn -> 3 relu -> 4 conv -> 5 add(4, 0) -> 6 out
  const r = layout(7, [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [0, 5], [5, 6]]);
  for (let v = 0; v < 7; v++) {
    assert.equal(r.x[v], 0, `node ${v} on the chain`);
    assert.equal(r.layer[v], v);
  }
  assert.equal(r.edgeKind[5], EdgeKind.Skip);
  const pts = r.edgePoints.slice(r.edgeOffset[5], r.edgeOffset[6]);
  assert.ok(pts[2] < -SIZE.nodeWidth / 2, 'the arc runs left of the chain');
  assert.ok(r.bounds.minX <= pts[2]);
  for (const e of [0, 1, 2, 3, 4, 6]) assert.equal(r.edgeKind[e], EdgeKind.Adjacent);
});

test('parallel branches end side by side on one layer above their Concat, in input order, the Concat centred under them', () => {
  // 0 -> {1 -> 2 -> 3}, {4}, {5 -> 6} -> 7 concat(3, 4, 6)
  const r = layout(8, [[0, 1], [1, 2], [2, 3], [0, 4], [0, 5], [5, 6], [3, 7], [4, 7], [6, 7]]);
  const inputs = [3, 4, 6];
  assert.deepEqual(new Set(inputs.map((v) => r.layer[v])).size, 1);
  assert.ok(r.x[3] < r.x[4] && r.x[4] < r.x[6], 'the Concat\'s input order, left to right');
  assert.equal(r.x[5], r.x[6], 'a branch keeps its column');
  assert.equal(r.x[1], r.x[3], 'the longest branch is straight too');
  assert.ok(Math.abs(r.x[7] - (r.x[3] + r.x[6]) / 2) < 1, 'the Concat is centred under its inputs');
  assert.ok(Math.abs(r.x[0] - r.x[7]) < 1, 'the fan-out above it too');
});

test('the Concat\'s input order decides the branch order, not the node order or the branch lengths', () => {
  // Branches created in the order c, b, a; concat(a, b, c): a is the longest.
  // 0 -> 1 (c) ; 0 -> 2 (b) ; 0 -> 3 -> 4 -> 5 (a) ; 6 concat(5, 2, 1)
  const r = layout(7, [[0, 1], [0, 2], [0, 3], [3, 4], [4, 5], [5, 6], [2, 6], [1, 6]]);
  assert.ok(r.x[5] < r.x[2] && r.x[2] < r.x[1], `${[...r.x]}`);
});

test('left to right swaps the axes: layers become columns, skips arc above', () => {
  const pairs: [number, number][] = [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [0, 5], [5, 6]];
  const r = layeredLayout({ nodeCount: 7, edges: Int32Array.from(pairs.flat()), ...SIZE, direction: 'LR' });
  for (let v = 1; v < 7; v++) {
    assert.ok(r.x[v] > r.x[v - 1], 'each layer to the right of the one before');
    assert.equal(r.y[v], r.y[0], 'the chain is straight');
  }
  assert.equal(r.w[0], SIZE.nodeWidth);
  const pts = r.edgePoints.slice(r.edgeOffset[5], r.edgeOffset[6]);
  assert.ok(pts[3] < r.y[0] - SIZE.nodeHeight / 2, 'the arc runs above the chain');
});

test('cycles left by collapsed groups do not hang the layout, and are marked as back edges', () => {
  const r = layout(3, [[0, 1], [1, 2], [2, 1]]);
  assert.equal(r.x.length, 3);
  assert.ok([...r.edgeKind].includes(EdgeKind.Back));
});

// Its speed is measured in `npm run bench` (graphView), against references of the same run: a timed test only measures the machine's load.
test('10,000 nodes lay out: every box placed at a finite position, the skips found', () => {
  const g = syntheticGraph(10_000);
  const d = deriveDisplayGraph(g, { fold: false, collapsed: new Set(), hideBatchDim: true });
  const edges = Int32Array.from(d.edges.flatMap((e) => [e.from, e.to]));
  const r = layeredLayout({ nodeCount: d.nodes.length, edges, ...SIZE });
  assert.ok(d.nodes.length >= 10_000);
  assert.equal(r.x.length, d.nodes.length);
  assert.ok([...r.x, ...r.y].every(Number.isFinite));
  assert.ok(r.edgeKind.filter((k) => k === EdgeKind.Skip).length > 100);
});

test('folding puts BatchNorm and Relu into the conv before them; collapsing a depth replaces groups by boxes with their shapes', () => {
  const g = syntheticGraph(60);
  const flat = deriveDisplayGraph(g, { fold: false, collapsed: new Set(), hideBatchDim: true });
  const folded = deriveDisplayGraph(g, { fold: true, collapsed: new Set(), hideBatchDim: true });
  assert.ok(folded.nodes.length < flat.nodes.length);
  const conv = folded.nodes.find((d) => d.title === 'Conv' && d.label.includes('+BatchNormalization +Relu'));
  assert.ok(conv, 'conv with BN and Relu folded in');
  assert.equal(conv.members.length, 3);
  assert.equal(folded.indexOf.get(g.nodes[conv.members[2]].id), folded.indexOf.get(conv.id));
  const c1 = deriveDisplayGraph(g, { fold: false, collapsed: collapseToDepth(flat.groups, 1), hideBatchDim: true });
  const groups = c1.nodes.filter((d) => d.kind === 'group');
  assert.ok(groups.length >= 1);
  assert.equal(groups[0].label, '64×56×56 → 64×56×56');
  assert.equal(groups[0].params, groups[0].members.reduce((s, i) => s + (g.nodes[i].params ?? 0), 0));
  const two = deriveDisplayGraph(g, { fold: false, collapsed: collapseToDepth(flat.groups, 2), hideBatchDim: false });
  assert.ok(two.nodes.length > c1.nodes.length && two.nodes.length < flat.nodes.length);
  assert.ok(two.edges.every((e) => e.label.startsWith('N×')), 'batch dim kept when asked');
});

test('keyboard navigation follows edges: down to a consumer, sideways among siblings, up to a producer', () => {
  const d = deriveDisplayGraph(syntheticGraph(60), { fold: false, collapsed: new Set(), hideBatchDim: true });
  const nav = new EdgeNavigator();
  nav.setGraph(d);
  const split = d.nodes.findIndex((_, i) => nav.consumers(i).length === 4);
  assert.ok(split >= 0);
  const first = nav.step(split, 'down');
  const second = nav.step(first, 'right');
  assert.notEqual(first, second);
  assert.ok(nav.consumers(split).includes(second));
  assert.equal(nav.step(second, 'up'), split);
});
