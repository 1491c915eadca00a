import type { Graph, Node } from '../ir/types';

/**
 * Kahn's algorithm over the nodes of one graph (iterative: a 10,000-node chain must not overflow the
 * stack). A node depends on the producers of its inputs, including tensors its subgraphs read from
 * this scope. Ready nodes keep file order. Nodes left over (a cycle) are returned separately.
 */
export function topoOrder(graph: Graph): { order: Node[]; cyclic: Node[] } {
  const nodes = graph.nodes;
  const count = nodes.length;
  const producer = new Map<string, number>();
  for (let i = 0; i < count; i++) for (const o of nodes[i].outputs) if (o) producer.set(o, i);
  const indegree = new Int32Array(count);
  // Dependents as one flat adjacency list (CSR), filled in two passes: no array per node.
  const depOf: number[] = [];
  const depBy: number[] = [];
  for (let i = 0; i < count; i++) {
    const n = nodes[i];
    const reads = n.subgraphs ? [...n.inputs, ...outerReads(n)] : n.inputs;
    const first = depOf.length;
    for (const name of reads) {
      const p = name ? producer.get(name) : undefined;
      if (p === undefined || p === i) continue;
      let seen = false;
      for (let k = first; k < depOf.length; k++) if (depOf[k] === p) { seen = true; break; }
      if (seen) continue;
      depOf.push(p);
      depBy.push(i);
    }
    indegree[i] = depOf.length - first;
  }
  const start = new Int32Array(count + 1);
  for (const p of depOf) start[p + 1]++;
  for (let i = 0; i < count; i++) start[i + 1] += start[i];
  const fill = start.slice(0, count);
  const dependents = new Int32Array(depOf.length);
  for (let k = 0; k < depOf.length; k++) dependents[fill[depOf[k]]++] = depBy[k];

  const queue = new Int32Array(count);
  let tail = 0;
  for (let i = 0; i < count; i++) if (indegree[i] === 0) queue[tail++] = i;
  const order: Node[] = [];
  for (let head = 0; head < tail; head++) {
    const i = queue[head];
    order.push(nodes[i]);
    for (let k = start[i]; k < start[i + 1]; k++) {
      const j = dependents[k];
      if (--indegree[j] === 0) queue[tail++] = j;
    }
  }
  if (order.length === count) return { order, cyclic: [] };
  const placed = new Set(order);
  return { order, cyclic: nodes.filter((n) => !placed.has(n)) };
}

/** Names a node's subgraphs read from enclosing scopes (walked with an explicit stack). */
export function outerReads(node: Node): string[] {
  if (!node.subgraphs) return [];
  const reads = new Set<string>();
  const stack: { g: Graph; defined: Set<string> }[] = Object.values(node.subgraphs).map((g) => ({ g, defined: new Set<string>() }));
  while (stack.length > 0) {
    const { g, defined: outer } = stack.pop() as { g: Graph; defined: Set<string> };
    const defined = new Set(outer);
    for (const v of g.inputs) defined.add(v.name);
    for (const k of g.initializers.keys()) defined.add(k);
    for (const n of g.nodes) for (const o of n.outputs) defined.add(o);
    for (const n of g.nodes) {
      for (const i of n.inputs) if (i && !defined.has(i)) reads.add(i);
      for (const sg of Object.values(n.subgraphs ?? {})) stack.push({ g: sg, defined });
    }
    for (const o of g.outputs) if (!defined.has(o.name)) reads.add(o.name);
  }
  return [...reads];
}
