import type { Dataflow } from './dataflow';

/**
 * Immediate dominators on the data-flow graph, from a virtual source before every node (-1): the
 * node every path from the inputs to v passes through last. The nodes are in topological order,
 * so one pass is exact (Cooper, Harvey and Kennedy's intersection on a DAG).
 */
export function immediateDominators(flow: Dataflow): Int32Array {
  const idom = new Int32Array(flow.size).fill(-1);
  for (let v = 0; v < flow.size; v++) {
    const ps = flow.preds[v];
    // A node that also reads a graph input directly is reached from the source past its producers.
    if (ps.length === 0 || flow.readsInput(v)) continue;
    let d = ps[0];
    for (let k = 1; k < ps.length && d >= 0; k++) d = intersect(idom, d, ps[k]);
    idom[v] = d;
  }
  return idom;
}

function intersect(idom: Int32Array, a: number, b: number): number {
  while (a !== b) {
    if (a < 0 || b < 0) return -1;
    if (a > b) a = idom[a];
    else b = idom[b];
  }
  return a;
}
