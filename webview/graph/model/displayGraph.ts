import type { OpFamily, ViewGraph, ViewNode } from '../../../src/protocol/viewModel';
import { addFigures, formatShape } from '../../common/format';
import * as l10n from '@vscode/l10n';

/**
 * What is actually drawn: the ViewGraph after folding activations/BatchNorm into the layer
 * before them and replacing collapsed scope groups by one box each. Pure, so it is tested in Node.
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
  /** Node name, or member count for groups. */
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
}

export interface GroupInfo {
  key: string;
  path: string[];
  depth: number;
  /** ViewGraph node indexes inside the group (at any depth). */
  size: number;
}

export interface DisplayGraph {
  nodes: DisplayNode[];
  edges: DisplayEdge[];
  /** Display node index by id, and for every ViewNode id the index of the box that shows it. */
  indexOf: Map<string, number>;
  /** Every scope group in the model, outermost first. */
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
  const nodeIndex = new Map<string, number>(g.nodes.map((n, i) => [n.id, i]));
  const consumers = new Map<string, number>();
  for (const e of g.edges) consumers.set(e.from, (consumers.get(e.from) ?? 0) + 1);
  const incoming = new Map<string, string[]>();
  for (const e of g.edges) {
    const list = incoming.get(e.to) ?? [];
    list.push(e.from);
    incoming.set(e.to, list);
  }

  // rep[i]: the ViewNode index whose box shows node i after folding.
  const rep = g.nodes.map((_, i) => i);
  if (opt.fold) {
    g.nodes.forEach((n, i) => {
      if (!FOLDABLE.has(n.family)) return;
      const preds = incoming.get(n.id) ?? [];
      if (preds.length !== 1) return;
      const p = nodeIndex.get(preds[0]);
      if (p === undefined || consumers.get(preds[0]) !== 1) return;
      // Never fold across the edge of a collapsed group: the folded box would belong to two boxes.
      if (!sameCollapsedGroup(g.nodes[p], n, opt.collapsed)) return;
      rep[i] = rep[p];
    });
  }

  const groups = collectGroups(g.nodes);
  const nodes: DisplayNode[] = [];
  const indexOf = new Map<string, number>();
  const add = (d: DisplayNode): number => {
    nodes.push(d);
    indexOf.set(d.id, nodes.length - 1);
    return nodes.length - 1;
  };
  for (const t of g.inputs) add(terminal('input', t.name));

  g.nodes.forEach((n, i) => {
    const path = collapsedPrefix(n.scope, opt.collapsed);
    if (path) {
      const id = `group:${scopeKey(path)}`;
      let gi = indexOf.get(id);
      if (gi === undefined) {
        gi = add({ id, kind: 'group', family: 'other', title: path[path.length - 1], label: '', name: '', params: 0, macs: 0, members: [], scope: path, inTensors: [], outTensors: [] });
      }
      const box = nodes[gi];
      box.members.push(i);
      box.params = addFigures(box.params, n.params);
      box.macs = addFigures(box.macs, n.macs);
      indexOf.set(n.id, gi);
      return;
    }
    if (rep[i] !== i) {
      const box = nodes[indexOf.get(g.nodes[rep[i]].id)!];
      box.members.push(i);
      box.params = addFigures(box.params, n.params);
      box.macs = addFigures(box.macs, n.macs);
      box.label = [box.label, `+${n.op}`].filter(Boolean).join(' ');
      box.outTensors = n.outputs.filter(Boolean);
      indexOf.set(n.id, indexOf.get(g.nodes[rep[i]].id)!);
      return;
    }
    add({ id: n.id, kind: 'node', family: n.family, title: n.op, label: n.label, name: n.name, params: n.params, macs: n.macs, members: [i], scope: n.scope, inTensors: [], outTensors: n.outputs.filter(Boolean) });
  });
  for (const t of g.outputs) add(terminal('output', t.name));

  const edges: DisplayEdge[] = [];
  const seen = new Set<string>();
  for (const e of g.edges) {
    const from = indexOf.get(e.from);
    const to = indexOf.get(e.to);
    if (from === undefined || to === undefined || from === to) continue;
    const key = `${from}>${to}>${e.tensor}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push({ from, to, tensor: e.tensor, label: formatShape(g.tensors[e.tensor]?.shape, opt.hideBatchDim) });
    if (nodes[to].kind === 'group') pushUnique(nodes[to].inTensors, e.tensor);
    if (nodes[from].kind === 'group') pushUnique(nodes[from].outTensors, e.tensor);
  }
  for (const d of nodes) {
    if (d.kind !== 'group') continue;
    d.name = `${d.members.length} layers`;
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

function collectGroups(nodes: ViewNode[]): GroupInfo[] {
  const sizes = new Map<string, GroupInfo>();
  for (const n of nodes) {
    for (let d = 1; d <= n.scope.length; d++) {
      const path = n.scope.slice(0, d);
      const key = scopeKey(path);
      const info = sizes.get(key) ?? { key, path, depth: d, size: 0 };
      info.size++;
      sizes.set(key, info);
    }
  }
  return [...sizes.values()].filter((gi) => gi.size > 1).sort((a, b) => a.depth - b.depth);
}

/** Keys of every group at depth >= n (collapsing to depth n shows groups of depth n as boxes). */
export function collapseToDepth(groups: GroupInfo[], depth: number): Set<string> {
  return new Set(groups.filter((gi) => gi.depth === depth).map((gi) => gi.key));
}
