import type { Analysis } from './types';

/**
 * The nodes in the order a reader follows the graph (torchinfo's and Keras summary()'s tables):
 * depth first, so a branch is finished before the next one starts (an Inception block's four
 * branches one after another, not interleaved), and at a fork the branch with the longest way to
 * an output first, so the main chain comes before side heads and a ResNet block's convolutions
 * before its shortcut. Still a topological order: a node comes after everything it reads.
 */
export function readingOrder(a: Analysis): string[] {
  const ids = a.order;
  const index = new Map<string, number>();
  ids.forEach((id, i) => index.set(id, i));
  // Nodes that only build constants (weights from ConstantOfShape, shape arithmetic) come first,
  // as in the analysis; the data path is followed without waiting on them.
  const constant = new Uint8Array(ids.length);
  const producer = new Map<string, number>();
  ids.forEach((id, i) => {
    const outs = (a.nodeById.get(id)?.outputs ?? []).filter((o) => o);
    if (outs.length > 0 && outs.every((o) => a.tensors.get(o)?.constant)) constant[i] = 1;
    else for (const o of outs) producer.set(o, i);
  });
  const consumers: number[][] = ids.map(() => []);
  const indegree = new Int32Array(ids.length);
  ids.forEach((id, i) => {
    const seen = new Set<number>();
    for (const name of a.nodeById.get(id)?.inputs ?? []) {
      const p = name ? producer.get(name) : undefined;
      if (p === undefined || p === i || seen.has(p)) continue;
      seen.add(p);
      consumers[p].push(i);
      indegree[i]++;
    }
  });
  // Longest path (in nodes) to a graph output, from the end of the topological order back.
  const height = new Int32Array(ids.length);
  for (let i = ids.length - 1; i >= 0; i--) {
    let h = 0;
    for (const c of consumers[i]) if (c > i && height[c] > h) h = height[c];
    height[i] = h + 1;
  }
  // Pushed so that the tallest (then the first in file order) is popped first.
  const push = (stack: number[], ready: number[]): void => {
    ready.sort((x, y) => height[x] - height[y] || y - x);
    for (const r of ready) stack.push(r);
  };
  const out: string[] = [];
  const placed = new Uint8Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    if (!constant[i]) continue;
    placed[i] = 1;
    out.push(ids[i]);
  }
  const stack: number[] = [];
  const sources: number[] = [];
  for (let i = 0; i < ids.length; i++) if (indegree[i] === 0 && !constant[i]) sources.push(i);
  push(stack, sources);
  while (stack.length > 0) {
    const i = stack.pop() as number;
    placed[i] = 1;
    out.push(ids[i]);
    const ready: number[] = [];
    for (const c of consumers[i]) if (--indegree[c] === 0) ready.push(c);
    push(stack, ready);
  }
  // A cycle keeps the analysis's order for what is left.
  for (let i = 0; i < ids.length; i++) if (!placed[i]) out.push(ids[i]);
  return out;
}
