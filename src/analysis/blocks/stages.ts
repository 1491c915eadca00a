import type { Dataflow } from './dataflow';
import type { Block, BlockKind } from './regions';

/**
 * Repeated stages: blocks that follow one another directly (each starts from the node the one before
 * ends at), of one kind, with one output shape, two or more in a row, each after the first built
 * as the first is (the same operators with the same output channels, the first may have more: its
 * projection shortcut). torchvision's layer2 of ResNet-50 is 4 bottlenecks at 512×28×28; GoogLeNet's
 * 4a, 4b and 4c share their output shape but not their branches' widths, so they are no stage.
 */
export interface Stage {
  of: BlockKind;
  /** Indexes into the blocks given, in order. */
  blocks: number[];
}

export function findStages(flow: Dataflow, blocks: Block[], topLevel: number[], channelsLast: boolean): Stage[] {
  const signature = (b: Block): string[] => b.members.map((v) => {
    const shape = flow.analysis.tensors.get(flow.nodes[v].outputs[0] ?? '')?.shape;
    return `${flow.nodes[v].opType}:${shape && shape.length >= 2 ? String(shape[channelsLast ? shape.length - 1 : 1]) : '?'}`;
  });
  const builtAs = (first: Block, b: Block): boolean => isSubsequence(signature(b), signature(first));
  const shapeOf = (b: Block): string => {
    const t = flow.nodes[b.exit].outputs[0];
    const shape = t ? flow.analysis.tensors.get(t)?.shape : null;
    return shape ? JSON.stringify(shape) : '';
  };
  const byExit = new Map<number, number>();
  const byEntry = new Map<number, number[]>();
  for (const k of topLevel) {
    byExit.set(blocks[k].exit, k);
    byEntry.set(blocks[k].entry, [...(byEntry.get(blocks[k].entry) ?? []), k]);
  }
  const stages: Stage[] = [];
  const taken = new Set<number>();
  for (const k of topLevel) {
    if (taken.has(k)) continue;
    const before = byExit.get(blocks[k].entry);
    if (before !== undefined && !taken.has(before) && sameRun(blocks[before], blocks[k], shapeOf) && builtAs(blocks[before], blocks[k])) continue;
    const run = [k];
    for (let last = k; ; ) {
      const next = byEntry.get(blocks[last].exit)?.find((j) => !taken.has(j) && j !== last && sameRun(blocks[last], blocks[j], shapeOf) && builtAs(blocks[k], blocks[j]));
      if (next === undefined) break;
      run.push(next);
      last = next;
    }
    for (const j of run) taken.add(j);
    if (run.length >= 2) stages.push({ of: blocks[k].kind, blocks: run });
  }
  return stages;
}

function sameRun(a: Block, b: Block, shapeOf: (b: Block) => string): boolean {
  const s = shapeOf(a);
  return a.kind === b.kind && s !== '' && s === shapeOf(b);
}

function isSubsequence(small: string[], big: string[]): boolean {
  let k = 0;
  for (const x of big) if (k < small.length && x === small[k]) k++;
  return k === small.length;
}
