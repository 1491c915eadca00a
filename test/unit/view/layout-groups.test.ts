import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ViewGraph } from '../../../src/protocol/viewModel';
import { layeredLayout } from '../../../webview/graph/layout/layered';
import { EdgeKind } from '../../../webview/graph/layout/types';
import { collapseToDepth, deriveDisplayGraph } from '../../../webview/graph/model/displayGraph';
import { layoutGroups } from '../../../webview/graph/model/layoutGroups';
import { columnGapFor, LAYER_GAP, makeScene, NODE_H, NODE_W, type Scene } from '../../../webview/graph/render/scene';
import { syntheticGraph } from '../../webview/synthetic';

/** Scope groups in the layout: expanded frames never cover another group's boxes or frames. */
function scene(g: ViewGraph, collapsed: ReadonlySet<string> = new Set()): Scene {
  const display = deriveDisplayGraph(g, { fold: false, collapsed, hideBatchDim: true });
  const groups = layoutGroups(display);
  const edges = Int32Array.from(display.edges.flatMap((e) => [e.from, e.to]));
  const layout = layeredLayout({ nodeCount: display.nodes.length, edges, nodeWidth: NODE_W, nodeHeight: NODE_H, layerGap: LAYER_GAP, columnGap: columnGapFor(groups.maxDepth), groupOf: groups.groupOf, groupParent: groups.groupParent });
  return makeScene(display, layout, groups);
}

const inside = (scope: string[], key: string) => scope.slice(0, key.split('/').length).join('/') === key;

function overlaps(s: Scene): string[] {
  const bad: string[] = [];
  for (const f of s.frames) {
    s.display.nodes.forEach((d, v) => {
      const member = d.kind === 'node' ? inside(d.scope, f.key) : d.kind === 'group' ? inside(d.scope.slice(0, -1), f.key) : false;
      const x = s.layout.x[v];
      const y = s.layout.y[v];
      const hits = x + NODE_W / 2 > f.x0 && x - NODE_W / 2 < f.x1 && y + NODE_H / 2 > f.y0 && y - NODE_H / 2 < f.y1;
      const within = x - NODE_W / 2 > f.x0 && x + NODE_W / 2 < f.x1 && y - NODE_H / 2 > f.y0 + 18 && y + NODE_H / 2 < f.y1;
      if (member && !within) bad.push(`${d.title} ${d.name} sticks out of its frame ${f.key}`);
      if (!member && hits) bad.push(`frame ${f.key} covers ${d.name}`);
    });
    for (const o of s.frames) {
      if (o === f || inside(o.key.split('/'), f.key) || inside(f.key.split('/'), o.key)) continue;
      if (f.x0 < o.x1 && o.x0 < f.x1 && f.y0 < o.y1 && o.y0 < f.y1 && f.key < o.key) bad.push(`frames ${f.key} and ${o.key} overlap`);
    }
  }
  return bad;
}

test('two sequential groups, the second fed from the middle of the first: the second starts below the whole first', () => {
  // in -> A.x -> A.y -> A.z ; A.x -> B.p ; (B.p, A.z) -> B.q -> out
  const n = (id: string, scope: string[], inputs: string[]) => ({ id, name: id, op: 'Conv', domain: '', family: 'convolution' as const, scope, label: '', attributes: {}, inputs, outputs: [`${id}_o`], params: 0, macs: 0, activationBytes: 0, formulas: [], warnings: [], hasSource: false });
  const t = (name: string) => ({ name, dtype: 'float32', shape: [1, 8, 8, 8], receptiveField: [1, 1] as [number, number], stride: [1, 1] as [number, number], bytes: 0 });
  const nodes = [n('x', ['A', 'x'], ['in']), n('y', ['A', 'y'], ['x_o']), n('z', ['A', 'z'], ['y_o']), n('p', ['B', 'p'], ['x_o']), n('q', ['B', 'q'], ['p_o', 'z_o'])];
  const edges = [['input:in', 'x', 'in'], ['x', 'y', 'x_o'], ['y', 'z', 'y_o'], ['x', 'p', 'x_o'], ['p', 'q', 'p_o'], ['z', 'q', 'z_o'], ['q', 'output:q_o', 'q_o']].map(([from, to, tensor]) => ({ from, to, tensor }));
  const tensors = Object.fromEntries(['in', 'x_o', 'y_o', 'z_o', 'p_o', 'q_o'].map((k) => [k, t(k)]));
  const g = { title: 't', format: 'onnx', producer: '', opsets: {}, inputs: [t('in')], outputs: [t('q_o')], totals: { params: 0, macs: 0, activationBytes: 0, weightBytes: 0 }, warnings: [], nodes, edges, tensors } as unknown as ViewGraph;
  const s = scene(g);
  const layerOf = (id: string) => s.layout.layer[s.display.indexOf.get(id)!];
  assert.ok(layerOf('p') > layerOf('z'), `B.p (layer ${layerOf('p')}) below all of A (A.z at ${layerOf('z')})`);
  assert.deepEqual(overlaps(s), []);
  // Without groups the same graph puts B.p beside A.
  const flat = { ...g, nodes: g.nodes.map((v) => ({ ...v, scope: [] })) } as ViewGraph;
  const f = scene(flat);
  assert.ok(f.layout.layer[f.display.indexOf.get('p')!] <= f.layout.layer[f.display.indexOf.get('z')!]);
});

test('synthetic ResNet/Inception stages and blocks: no frame covers another group, every box inside its frames, chain edges straight', () => {
  for (const size of [300, 2000]) {
    const s = scene(syntheticGraph(size));
    assert.ok(s.frames.length > 40);
    assert.deepEqual(overlaps(s).slice(0, 5), [], `synthetic ${size}`);
    // Concat inputs still stand side by side on one layer inside their block.
    const concat = s.display.nodes.findIndex((d) => d.title === 'Concat');
    const preds = s.display.edges.filter((e) => e.to === concat).map((e) => e.from);
    assert.equal(new Set(preds.map((p) => s.layout.layer[p])).size, 1);
    assert.equal(new Set(preds.map((p) => s.layout.x[p])).size, 4);
    for (let e = 0; e < s.display.edges.length; e++) if (s.layout.edgeKind[e] === EdgeKind.Back) assert.fail('no back edges in a DAG');
  }
});

test('with stages collapsed to depth 2 the group boxes sit inside their stage frames', () => {
  const g = syntheticGraph(300);
  const display = deriveDisplayGraph(g, { fold: false, collapsed: new Set(), hideBatchDim: true });
  const s = scene(g, collapseToDepth(display.groups, 2));
  assert.ok(s.display.nodes.some((d) => d.kind === 'group'));
  assert.ok(s.frames.every((f) => f.depth === 1));
  assert.deepEqual(overlaps(s), []);
});
