import type { Model } from '../../ir/types';
import type { Analysis } from '../types';
import { Dataflow } from './dataflow';
import { findBlocks, type BlockKind, type Refusal } from './regions';
import { scopeGroups } from './scopes';
import { findStages } from './stages';

/**
 * The model's groups, one tree for every model: the scopes its node names carry where they read as
 * blocks (blocks/scopes.ts), else the blocks found in its data flow (residual blocks, Inception
 * modules, SE blocks) and the stages they repeat in. Each group carries the figures a collapsed box
 * shows, summed here once from its layers' own.
 */
export type GroupKind = 'scope' | 'stage' | BlockKind;

export interface LayerGroup {
  /** Unique: the path's segments joined by '/'. */
  key: string;
  /** Segments from the outermost group down to this one. */
  path: string[];
  kind: GroupKind;
  /** A scope group's scope segment; for a found one, its kind and number ('bottleneck5'). */
  name: string;
  /** A found group's number among the model's groups of its kind, from 1 in graph order. */
  index: number;
  /** A stage: how many blocks, of which kind. */
  repeat?: { count: number; of: BlockKind };
  /** Index of the group around it in the list, -1 at the top. */
  parent: number;
  /** Node ids at any depth inside it, in topological order. */
  nodes: string[];
  /** Data tensors read from outside it, and those it writes that are read outside it (or are graph outputs). */
  inputs: string[];
  outputs: string[];
  /** Sums of its layers' figures; null when a layer's is unknown. */
  params: number | null;
  macs: number | null;
}

interface Draft {
  kind: GroupKind;
  name: string;
  segment: string;
  index: number;
  repeat?: { count: number; of: BlockKind };
  parent: number;
  members: number[];
}

export interface GroupSearch {
  groups: LayerGroup[];
  /** Scopes and merges that were not made groups, and why. */
  refused: Refusal[];
}

export function findGroups(model: Model, analysis: Analysis): GroupSearch {
  const flow = new Dataflow(model.graph, analysis);
  const scoped = scopeGroups(flow);
  if (scoped.groups.length) {
    const at = new Map(scoped.groups.map((g, i) => [g.key, i]));
    const drafts = scoped.groups.map((g): Draft => ({ kind: 'scope', name: g.segment, segment: g.segment, index: 0, parent: g.parent === null ? -1 : at.get(g.parent)!, members: g.members }));
    return { groups: finish(flow, drafts), refused: scoped.refused };
  }
  const found = findBlocks(flow);
  const drafts: Draft[] = [];
  const counts = new Map<GroupKind, number>();
  const number = (kind: GroupKind): number => {
    const n = (counts.get(kind) ?? 0) + 1;
    counts.set(kind, n);
    return n;
  };
  // Blocks come outermost first in graph order, so a block's parent is the last one holding its first node.
  const blockParent: number[] = [];
  const openBlocks: number[] = [];
  found.blocks.forEach((b, k) => {
    while (openBlocks.length && !found.blocks[openBlocks[openBlocks.length - 1]].members.includes(b.members[0])) openBlocks.pop();
    blockParent.push(openBlocks.length ? openBlocks[openBlocks.length - 1] : -1);
    openBlocks.push(k);
  });
  const top = found.blocks.map((_, k) => k).filter((k) => blockParent[k] < 0);
  const stages = findStages(flow, found.blocks, top, model.format !== 'onnx');
  const stageOf = new Map<number, number>();
  const stageFirst = new Map<number, number>();
  stages.forEach((s, i) => {
    stageFirst.set(s.blocks[0], i);
    for (const k of s.blocks) stageOf.set(k, i);
  });
  const draftOfBlock: number[] = [];
  const draftOfStage: number[] = [];
  found.blocks.forEach((b, k) => {
    const s = stageFirst.get(k);
    if (s !== undefined) {
      const st = stages[s];
      const index = number('stage');
      draftOfStage[s] = drafts.push({ kind: 'stage', name: `stage${index}`, segment: `stage${index}`, index, repeat: { count: st.blocks.length, of: st.of }, parent: -1, members: st.blocks.flatMap((j) => found.blocks[j].members).sort((x, y) => x - y) }) - 1;
    }
    const index = number(b.kind);
    const parent = blockParent[k] >= 0 ? draftOfBlock[blockParent[k]] : stageOf.has(k) ? draftOfStage[stageOf.get(k)!] : -1;
    draftOfBlock[k] = drafts.push({ kind: b.kind, name: `${b.kind}${index}`, segment: `${b.kind}${index}`, index, parent, members: b.members }) - 1;
  });
  return { groups: finish(flow, drafts), refused: [...scoped.refused, ...found.refused] };
}

/** Paths, tensors and figures of the drafts, parents before children. */
function finish(flow: Dataflow, drafts: Draft[]): LayerGroup[] {
  const out: LayerGroup[] = [];
  drafts.forEach((d) => {
    const parent = d.parent >= 0 ? out[d.parent] : undefined;
    const path = [...(parent?.path ?? []), d.segment];
    const inside = new Set(d.members);
    const inputs = new Set<string>();
    const written = new Set<string>();
    let params: number | null = 0;
    let macs: number | null = 0;
    for (const v of d.members) {
      for (const t of flow.reads[v]) {
        const p = flow.producer.get(t);
        if (p === undefined || !inside.has(p)) inputs.add(t);
      }
      for (const t of flow.nodes[v].outputs) {
        if (flow.graphOutputs.has(t) || flow.readers.get(t)?.some((s) => !inside.has(s))) written.add(t);
      }
      const f = flow.analysis.nodes.get(flow.ids[v]);
      params = params === null || !f || f.params === null ? null : params + f.params;
      macs = macs === null || !f || f.macs === null ? null : macs + f.macs;
    }
    out.push({
      key: path.join('/'),
      path,
      kind: d.kind,
      name: d.name,
      index: d.index,
      ...(d.repeat ? { repeat: d.repeat } : {}),
      parent: d.parent,
      nodes: d.members.map((v) => flow.ids[v]),
      inputs: [...inputs],
      outputs: [...written],
      params,
      macs,
    });
  });
  return out;
}
