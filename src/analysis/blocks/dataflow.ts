import type { Graph, Node } from '../../ir/types';
import type { Analysis } from '../types';

/**
 * The data-flow graph the blocks are found on: the nodes a graph input reaches (weight generators
 * and shape constants are not layers; buildViewGraph leaves them out for the same reason), in
 * topological order, with each node's distinct data producers and consumers as indexes.
 */
export class Dataflow {
  readonly ids: string[] = [];
  readonly nodes: Node[] = [];
  readonly index = new Map<string, number>();
  readonly preds: number[][] = [];
  readonly succs: number[][] = [];
  /** Per node: it writes a graph output. */
  readonly feedsOutput: boolean[] = [];
  /** Per node: the data tensors it reads (graph inputs and other nodes' outputs), each once. */
  readonly reads: string[][] = [];
  /** Data tensors by name → the indexes of the nodes that read them. */
  readonly readers = new Map<string, number[]>();
  /** Data tensors by name → the index of the node that writes them. */
  readonly producer = new Map<string, number>();
  readonly isData: (t: string) => boolean;
  readonly inputs: Set<string>;
  readonly graphOutputs: Set<string>;

  constructor(graph: Graph, readonly analysis: Analysis) {
    this.inputs = new Set(graph.inputs.map((i) => i.name));
    const inputs = this.inputs;
    const data = new Set(inputs);
    const keepAll = inputs.size === 0;
    const order = analysis.order.length ? analysis.order : graph.nodes.map((n) => n.id);
    const byId = analysis.nodeById.size ? analysis.nodeById : new Map(graph.nodes.map((n) => [n.id, n]));
    for (const id of order) {
      const node = byId.get(id);
      if (!node) continue;
      if (!keepAll && !node.inputs.some((t) => data.has(t))) continue;
      this.index.set(id, this.ids.length);
      this.ids.push(id);
      this.nodes.push(node);
      for (const t of node.outputs) if (t) {
        data.add(t);
        this.producer.set(t, this.ids.length - 1);
      }
    }
    this.isData = (t) => !!t && (data.has(t) || this.producer.has(t));
    const outputs = (this.graphOutputs = new Set(graph.outputs.map((o) => o.name)));
    this.nodes.forEach((node, v) => {
      const preds = new Set<number>();
      const reads = [...new Set(node.inputs.filter(this.isData))];
      for (const t of reads) {
        const p = this.producer.get(t);
        if (p !== undefined && p !== v) preds.add(p);
        const list = this.readers.get(t);
        if (list) list.push(v);
        else this.readers.set(t, [v]);
      }
      this.reads.push(reads);
      this.preds.push([...preds]);
      this.succs.push([]);
      this.feedsOutput.push(node.outputs.some((t) => outputs.has(t)));
    });
    this.preds.forEach((ps, v) => {
      for (const p of ps) this.succs[p].push(v);
    });
  }

  get size(): number {
    return this.ids.length;
  }

  /** The node reads a graph input itself (not only through other nodes). */
  readsInput(v: number): boolean {
    return this.nodes[v].inputs.some((t) => this.inputs.has(t));
  }

}
