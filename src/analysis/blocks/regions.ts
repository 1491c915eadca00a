import type { Dataflow } from './dataflow';
import { immediateDominators } from './dominators';
import { isActivation, isConv, isDepthwise, isDilated, isGate, isGlobalPool, mergeKind } from './ops';

/**
 * The repeated blocks CNNs are built from, found in the data flow where node names carry no scopes.
 * A block is the region between a fan-out and the merge that closes it: every node on a path from
 * the fan-out (the merge's immediate dominator) to the merge. It is a block only when nothing in it
 * but the merge is read outside it, so that the block has one way in and one way out.
 */
export type BlockKind = 'residual' | 'basic' | 'bottleneck' | 'inverted-residual' | 'rfb' | 'inception' | 'branches' | 'se';

export interface Block {
  kind: BlockKind;
  /** The fan-out the block starts from (outside the block), -1 for none. */
  entry: number;
  /** Its last node: the merge, or the activation right after a residual merge. */
  exit: number;
  /** Node indexes in topological order. */
  members: number[];
}

/** A merge whose region is not a block, and why (one line, naming the nodes). */
export interface Refusal {
  at: string;
  reason: string;
}

/** Regions larger than this are not blocks a reader folds (and walking them is not free). */
const MAX_REGION = 4096;

export function findBlocks(flow: Dataflow): { blocks: Block[]; refused: Refusal[] } {
  const idom = immediateDominators(flow);
  const candidates: Block[] = [];
  const refused: Refusal[] = [];
  for (let m = 0; m < flow.size; m++) {
    const merge = mergeKind(flow.nodes[m]);
    if (!merge || flow.preds[m].length + (flow.readsInput(m) ? 1 : 0) < 2) continue;
    const name = flow.ids[m];
    const d = idom[m];
    if (d < 0) {
      refused.push({ at: name, reason: `${name}: its inputs share no fan-out node` });
      continue;
    }
    const region = between(flow, d, m);
    if (!region) {
      refused.push({ at: name, reason: `${name}: more than ${MAX_REGION} nodes from ${flow.ids[d]}` });
      continue;
    }
    const escape = escapeOf(flow, region, m);
    if (escape) {
      refused.push({ at: name, reason: `${name}: ${escape}, so ${flow.ids[d]} → ${name} is not one block` });
      continue;
    }
    const kind = classify(flow, region, d, m, merge);
    if (!kind) continue;
    let exit = m;
    const next = flow.succs[m];
    if (kind !== 'inception' && kind !== 'branches' && kind !== 'se' && next.length === 1 && flow.preds[next[0]].length === 1 && isActivation(flow.nodes[next[0]])) {
      exit = next[0];
      region.push(exit);
    }
    candidates.push({ kind, entry: d, exit, members: region });
  }
  return { blocks: nest(flow.size, candidates), refused };
}

/** Every node on a path from d to m (d left out), in topological order; null past MAX_REGION. */
function between(flow: Dataflow, d: number, m: number): number[] | null {
  const seen = new Set<number>([m]);
  const stack = [m];
  while (stack.length) {
    const v = stack.pop()!;
    for (const p of flow.preds[v]) {
      if (p === d || seen.has(p)) continue;
      seen.add(p);
      if (seen.size > MAX_REGION) return null;
      stack.push(p);
    }
  }
  return [...seen].sort((a, b) => a - b);
}

/** The first member other than the merge that is read outside the region, said as a phrase; null when none. */
function escapeOf(flow: Dataflow, region: number[], m: number): string | null {
  const inside = new Set(region);
  for (const v of region) {
    if (v === m) continue;
    if (flow.feedsOutput[v]) return `${flow.ids[v]} is also a graph output`;
    const out = flow.succs[v].find((s) => !inside.has(s));
    if (out !== undefined) return `the branch through ${flow.ids[v]} also feeds ${flow.ids[out]} outside it`;
  }
  return null;
}

function classify(flow: Dataflow, region: number[], d: number, m: number, merge: 'sum' | 'concat' | 'product'): BlockKind | null {
  const nodes = region.map((v) => flow.nodes[v]);
  const innerMerges = region.filter((v) => v !== m && flow.preds[v].length >= 2 && mergeKind(flow.nodes[v]));
  if (merge === 'product') return nodes.some(isGlobalPool) && nodes.some(isGate) ? 'se' : null;
  if (merge === 'concat') {
    // An Inception module: three or more side-by-side branches that convolve, none merging inside;
    // two (AlexNet's towers, SqueezeNet's fire expand) are parallel branches.
    if (innerMerges.length) return null;
    const branches = flow.preds[m].filter((p) => p !== d && hasConvBack(flow, p, d));
    return branches.length >= 3 ? 'inception' : branches.length === 2 ? 'branches' : null;
  }
  const convs = longestConvPath(flow, region, d, m);
  if (nodes.some(isDilated) && innerMerges.some((v) => mergeKind(flow.nodes[v]) === 'concat')) return 'rfb';
  if (convs === 3) return nodes.some(isDepthwise) ? 'inverted-residual' : 'bottleneck';
  if (convs === 2) return 'basic';
  return convs >= 1 ? 'residual' : null;
}

/** A convolution on the branch from d that ends at p (p itself or before it, up to d). */
function hasConvBack(flow: Dataflow, p: number, d: number): boolean {
  const seen = new Set<number>();
  const stack = [p];
  while (stack.length) {
    const v = stack.pop()!;
    if (v === d || seen.has(v)) continue;
    seen.add(v);
    if (isConv(flow.nodes[v])) return true;
    stack.push(...flow.preds[v]);
  }
  return false;
}

/** The most convolutions on one path from d to m: 3 for a bottleneck's main branch, 2 for a basic block's. */
function longestConvPath(flow: Dataflow, region: number[], d: number, m: number): number {
  const count = new Map<number, number>([[d, 0]]);
  for (const v of region) {
    let best = 0;
    for (const p of flow.preds[v]) best = Math.max(best, count.get(p) ?? 0);
    count.set(v, best + (v !== m && isConv(flow.nodes[v]) ? 1 : 0));
  }
  return count.get(m) ?? 0;
}

/**
 * The candidates that nest: smallest first, a block is kept when every kept block it touches lies
 * wholly inside it (an SE block inside an inverted residual, an RFB's branches inside its residual).
 */
function nest(n: number, candidates: Block[]): Block[] {
  const owner = new Int32Array(n).fill(-1);
  const kept: Block[] = [];
  const order = candidates.map((_, i) => i).sort((a, b) => candidates[a].members.length - candidates[b].members.length || a - b);
  for (const c of order) {
    const b = candidates[c];
    const inside = new Set(b.members);
    const touched = new Set<number>();
    for (const v of b.members) if (owner[v] >= 0) touched.add(owner[v]);
    if ([...touched].some((k) => kept[k].members.some((v) => !inside.has(v)))) continue;
    const k = kept.push(b) - 1;
    for (const v of b.members) owner[v] = k;
  }
  return kept.sort((a, b) => a.members[0] - b.members[0] || b.members.length - a.members.length);
}
