import type { OpFamily, ViewGraph, ViewGroup, ViewNode, ViewQuantLayer } from '../../../src/protocol/viewModel';
import { addFigures, formatShape } from '../../common/format';
import { groupTitle } from './groupTitle';
import { ScopeTrie } from './scopeTrie';
import * as l10n from '@vscode/l10n';

/**
 * What is actually drawn: the ViewGraph with each quantised layer's (de)quantisers drawn inside its
 * box, after folding activations/BatchNorm into the layer before them (when asked) and replacing
 * collapsed groups (the analysis's, ViewGraph.groups) by one box each, which shows the group's own
 * figures and in/out shapes. Pure, so it is tested in Node.
 */
export type DisplayKind = 'node' | 'group' | 'input' | 'output';

export interface DisplayNode {
  /** A ViewNode id, 'group:<path>', 'input:<tensor>' or 'output:<tensor>'. */
  id: string;
  kind: DisplayKind;
  family: OpFamily;
  /** Op type, group name, or tensor name. */
  title: string;
  /** Key attributes ('3×3 /2 ×64'), with folded ops appended ('+BN +Relu'). */
  label: string;
  /** A quantised layer's mark ('int8'), drawn as a tag on the box. */
  badge?: string;
  /** Node name, or, for a group, how many layers it holds. */
  name: string;
  /** null when unknown (for a group or folded box: when any member's is). */
  params: number | null;
  macs: number | null;
  /** Indexes into ViewGraph.nodes drawn by this box (itself and what was folded in). */
  members: number[];
  scope: string[];
  /** Tensors entering/leaving the box (used for collapsed groups and thumbnails). */
  inTensors: string[];
  outTensors: string[];
}

export interface DisplayEdge {
  from: number;
  to: number;
  tensor: string;
  label: string;
  /** The shape only the file declares (value_info): the label is drawn marked. */
  declared: boolean;
}

export interface GroupInfo {
  key: string;
  path: string[];
  /** As a frame's header and a collapsed box say it (groupTitle). */
  title: string;
  depth: number;
  /** ViewGraph node indexes inside the group (at any depth). */
  size: number;
}

export interface DisplayGraph {
  nodes: DisplayNode[];
  edges: DisplayEdge[];
  /** Display node index by id, and for every ViewNode id the index of the box that shows it. */
  indexOf: Map<string, number>;
  /** Every group in the model, outermost first. */
  groups: GroupInfo[];
}

export interface DisplayOptions {
  fold: boolean;
  collapsed: ReadonlySet<string>;
  hideBatchDim: boolean;
}

export const scopeKey = (path: string[]): string => path.join('/');

const FOLDABLE = new Set<OpFamily>(['activation', 'normalization']);

export function deriveDisplayGraph(g: ViewGraph, opt: DisplayOptions): DisplayGraph {
  const steps = deriveSteps(g, opt);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Loop iterations between the points where deriveSteps lets a large graph's page have a turn. */
const STEP = 1024;

/**
 * deriveDisplayGraph as steps (render/slices.ts runSliced): it yields now and then in its loops over
 * nodes and edges, so the page can paint and answer input while a 50,000-node graph is derived.
 */
export function* deriveSteps(g: ViewGraph, opt: DisplayOptions): Generator<void, DisplayGraph> {
  const nodeIndex = new Map<string, number>();
  for (let i = 0; i < g.nodes.length; i++) nodeIndex.set(g.nodes[i].id, i);
  // head[i]: the node whose box shows node i before folding: a quantised layer's anchor for its members.
  const head = g.nodes.map((_, i) => i);
  const quant = new Map<number, ViewQuantLayer>();
  for (const l of g.quantLayers ?? []) {
    const a = nodeIndex.get(l.anchor);
    if (a === undefined) continue;
    quant.set(a, l);
    for (const m of l.members) {
      const k = nodeIndex.get(m);
      if (k !== undefined) head[k] = a;
    }
  }
  // rep[i]: the ViewNode index whose box shows node i after folding.
  const rep = [...head];
  if (opt.fold) {
    // Edges between boxes by box number (a head's index; a pseudo id such as input:x, a negative one);
    // edges inside a box are not counted. Only folding needs them: skipped otherwise (50,000-node graphs).
    const others = new Map<string, number>();
    const boxOf = (id: string): number => {
      const i = nodeIndex.get(id);
      if (i !== undefined) return head[i];
      let k = others.get(id);
      if (k === undefined) others.set(id, (k = -1 - others.size));
      return k;
    };
    const consumers = new Map<number, number>();
    const incoming = new Map<number, number[]>();
    for (const e of g.edges) {
      const from = boxOf(e.from);
      const to = boxOf(e.to);
      if (from === to) continue;
      consumers.set(from, (consumers.get(from) ?? 0) + 1);
      const list = incoming.get(to);
      if (list) list.push(from);
      else incoming.set(to, [from]);
    }
    g.nodes.forEach((n, i) => {
      if (head[i] !== i || !FOLDABLE.has(n.family)) return;
      const preds = incoming.get(i) ?? [];
      if (preds.length !== 1) return;
      const p = preds[0];
      if (p < 0 || consumers.get(p) !== 1) return;
      // Never fold across the edge of a collapsed group: the folded box would belong to two boxes.
      if (!sameCollapsedGroup(g.nodes[p], n, opt.collapsed)) return;
      rep[i] = rep[p];
    });
    // A quantised layer's members go where its anchor went.
    g.nodes.forEach((_, i) => {
      if (head[i] !== i) rep[i] = rep[head[i]];
    });
  }

  yield;
  const groups = g.groups ? collectGroups(g.groups) : groupsFromScopes(g.nodes);
  yield;
  const groupByKey = new Map((g.groups ?? []).map((gr) => [gr.key, gr]));
  const nodes: DisplayNode[] = [];
  const indexOf = new Map<string, number>();
  const add = (d: DisplayNode): number => {
    nodes.push(d);
    indexOf.set(d.id, nodes.length - 1);
    return nodes.length - 1;
  };
  for (const t of g.inputs) add(terminal('input', t.name));

  for (let i = 0; i < g.nodes.length; i++) {
    if (i % STEP === STEP - 1) yield;
    const n = g.nodes[i];
    // A quantised layer's members are grouped with it, wherever their own names put them.
    const path = collapsedPrefix(g.nodes[head[i]].scope, opt.collapsed);
    if (path) {
      const id = `group:${scopeKey(path)}`;
      let gi = indexOf.get(id);
      if (gi === undefined) {
        const gr = groupByKey.get(scopeKey(path));
        // The figures are the analysis's for the whole group; a group it does not list sums its layers.
        gi = add({ id, kind: 'group', family: 'other', title: gr ? groupTitle(gr) : path[path.length - 1], label: '', name: '', params: gr ? gr.params : 0, macs: gr ? gr.macs : 0, members: [], scope: path, inTensors: [], outTensors: [] });
      }
      const box = nodes[gi];
      box.members.push(i);
      if (!groupByKey.has(scopeKey(path))) {
        box.params = addFigures(box.params, n.params);
        box.macs = addFigures(box.macs, n.macs);
      }
      indexOf.set(n.id, gi);
      continue;
    }
    const r = rep[i];
    const rid = g.nodes[r].id;
    let bi = indexOf.get(rid);
    if (bi === undefined) {
      // The box is made by the first node it shows (a quantised layer's input dequantiser comes
      // before its anchor), with the head's content; the head is its first member.
      const top = g.nodes[r];
      const layer = quant.get(r);
      const box: DisplayNode = { id: top.id, kind: 'node', family: top.family, title: layer?.op ?? top.op, label: top.label, name: top.name, params: top.params, macs: top.macs, members: [r], scope: top.scope, inTensors: [], outTensors: top.outputs.filter(Boolean) };
      if (layer) box.badge = layer.mark;
      bi = add(box);
    }
    if (i === r) continue;
    indexOf.set(n.id, bi);
    const box = nodes[bi];
    box.members.push(i);
    box.params = addFigures(box.params, n.params);
    box.macs = addFigures(box.macs, n.macs);
    // Folded layers are named on the box; a quantised layer's own (de)quantisers are not.
    if (head[i] === i) box.label = [box.label, `+${quant.get(i)?.op ?? n.op}`].filter(Boolean).join(' ');
    if (i > r) box.outTensors = n.outputs.filter(Boolean);
  }
  for (const t of g.outputs) add(terminal('output', t.name));

  const edges: DisplayEdge[] = [];
  // The edges already drawn into each box, as lists through `intoNext` (no key per edge: 50,000-node
  // graphs), so that a tensor is drawn once between two boxes.
  const intoFirst = new Int32Array(nodes.length).fill(-1);
  const intoNext: number[] = [];
  const labels = new Map<string, string>();
  for (let k = 0; k < g.edges.length; k++) {
    if (k % STEP === STEP - 1) yield;
    const e = g.edges[k];
    const from = indexOf.get(e.from);
    const to = indexOf.get(e.to);
    if (from === undefined || to === undefined || from === to) continue;
    let j = intoFirst[to];
    while (j >= 0 && !(edges[j].from === from && edges[j].tensor === e.tensor)) j = intoNext[j];
    if (j >= 0) continue;
    intoNext.push(intoFirst[to]);
    intoFirst[to] = edges.length;
    const t = g.tensors[e.tensor];
    let label = labels.get(e.tensor);
    if (label === undefined) labels.set(e.tensor, (label = formatShape(t?.shape, opt.hideBatchDim)));
    edges.push({ from, to, tensor: e.tensor, label, declared: t?.shapeSource === 'declared' });
    if (nodes[to].kind === 'group') pushUnique(nodes[to].inTensors, e.tensor);
    if (nodes[from].kind === 'group') pushUnique(nodes[from].outTensors, e.tensor);
  }
  for (const d of nodes) {
    if (d.kind !== 'group') continue;
    const gr = groupByKey.get(scopeKey(d.scope));
    if (gr) {
      d.inTensors = [...gr.inputs];
      d.outTensors = [...gr.outputs];
    }
    d.name = l10n.t('{0} layers', d.members.length);
    d.label = `${d.inTensors.map((t) => formatShape(g.tensors[t]?.shape, opt.hideBatchDim)).join(', ')} → ${d.outTensors.map((t) => formatShape(g.tensors[t]?.shape, opt.hideBatchDim)).join(', ')}`;
  }
  return { nodes, edges, indexOf, groups };
}

function terminal(kind: 'input' | 'output', tensor: string): DisplayNode {
  return { id: `${kind}:${tensor}`, kind, family: kind, title: kind === 'input' ? l10n.t('Input') : l10n.t('Output'), label: '', name: tensor, params: 0, macs: 0, members: [], scope: [], inTensors: kind === 'output' ? [tensor] : [], outTensors: kind === 'input' ? [tensor] : [] };
}

function pushUnique(list: string[], v: string): void {
  if (!list.includes(v)) list.push(v);
}

/** The outermost collapsed prefix of a scope path, if any. */
export function collapsedPrefix(scope: string[], collapsed: ReadonlySet<string>): string[] | null {
  if (collapsed.size === 0) return null;
  for (let d = 1; d <= scope.length; d++) {
    const p = scope.slice(0, d);
    if (collapsed.has(scopeKey(p))) return p;
  }
  return null;
}

function sameCollapsedGroup(a: ViewNode, b: ViewNode, collapsed: ReadonlySet<string>): boolean {
  const pa = collapsedPrefix(a.scope, collapsed);
  const pb = collapsedPrefix(b.scope, collapsed);
  return (pa ? scopeKey(pa) : null) === (pb ? scopeKey(pb) : null);
}

function collectGroups(groups: ViewGroup[]): GroupInfo[] {
  return groups.filter((gr) => gr.size > 1).map((gr) => ({ key: gr.key, path: gr.path, title: groupTitle(gr), depth: gr.path.length, size: gr.size })).sort((a, b) => a.depth - b.depth);
}

/** A view model that lists no groups (made by hand, as the synthetic benchmark graphs are): its nodes' paths are the groups. */
function groupsFromScopes(nodes: ViewNode[]): GroupInfo[] {
  const trie = new ScopeTrie<number>();
  for (const n of nodes) {
    const chain = trie.walk(n.scope, true);
    for (let d = 1; d < chain.length; d++) chain[d].value = (chain[d].value ?? 0) + 1;
  }
  return trie.nodes((t) => t.value! > 1).map((t) => {
    const path = ScopeTrie.path(t);
    return { key: scopeKey(path), path, title: t.name, depth: t.depth, size: t.value! };
  });
}

/** Keys of every group at depth >= n (collapsing to depth n shows groups of depth n as boxes). */
export function collapseToDepth(groups: GroupInfo[], depth: number): Set<string> {
  return new Set(groups.filter((gi) => gi.depth === depth).map((gi) => gi.key));
}
