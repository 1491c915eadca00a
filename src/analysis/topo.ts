import type { Graph, Node } from '../ir/types';

/**
 * Kahn's algorithm over the nodes of one graph (iterative: a 10,000-node chain must not overflow the
 * stack). A node depends on the producers of its inputs, including tensors its subgraphs read from
 * this scope. Ready nodes keep file order. Nodes left over (a cycle) are returned separately.
 */
export function topoOrder(graph: Graph): { order: Node[]; cyclic: Node[] } {
  const producer = new Map<string, number>();
  graph.nodes.forEach((n, i) => n.outputs.forEach((o) => o && producer.set(o, i)));
  const indegree = new Array<number>(graph.nodes.length).fill(0);
  const dependents: number[][] = graph.nodes.map(() => []);
  graph.nodes.forEach((n, i) => {
    const deps = new Set<number>();
    for (const name of [...n.inputs, ...outerReads(n)]) {
      const p = name ? producer.get(name) : undefined;
      if (p !== undefined && p !== i) deps.add(p);
    }
    indegree[i] = deps.size;
    for (const p of deps) dependents[p].push(i);
  });
  const queue: number[] = [];
  indegree.forEach((d, i) => d === 0 && queue.push(i));
  const order: Node[] = [];
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head];
    order.push(graph.nodes[i]);
    for (const j of dependents[i]) if (--indegree[j] === 0) queue.push(j);
  }
  const placed = new Set(order);
  return { order, cyclic: graph.nodes.filter((n) => !placed.has(n)) };
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
