/**
 * Time per layer, read from ONNX Runtime's own profiler (session option `enableProfiling`): it writes a
 * Chrome-trace JSON with one event per kernel run ('<node>_kernel_time') and one per run ('model_run').
 * Kernels are nodes of the graph ONNX Runtime optimised, so each is traced back to the original nodes it
 * computes (./fusion.ts's rules), and a fused kernel's time is split among its members in proportion to
 * their MACs (equally when none has MACs): the profiler times the fused kernel only, not its parts.
 */
import type { Model, Node } from '../ir/types';
import { optimizedNodeTensors } from './fusion';

/** Layout conversions ONNX Runtime inserts (NCHWc): their time belongs to no node of the model. */
const LAYOUT_OPS = new Set(['ReorderInput', 'ReorderOutput']);
const KERNEL_SUFFIX = '_kernel_time';

export interface KernelEvent {
  /** The optimised graph's node name. */
  name: string;
  op: string;
  ts: number;
  dur: number;
}

export interface ProfileRun {
  ts: number;
  dur: number;
  kernels: KernelEvent[];
}

interface TraceEvent {
  cat?: string;
  name?: string;
  ts?: number;
  dur?: number;
  args?: { op_name?: string };
}

/** The runs of a profile file (microseconds), each with the kernels timed inside it. */
export function parseProfile(text: string, where = 'profile'): ProfileRun[] {
  let events: unknown;
  try {
    events = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: ONNX Runtime's profile is not JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(events)) throw new Error(`${where}: ONNX Runtime's profile is not a list of events`);
  const runs: ProfileRun[] = [];
  const kernels: KernelEvent[] = [];
  for (const e of events as TraceEvent[]) {
    if (typeof e?.ts !== 'number' || typeof e.dur !== 'number' || typeof e.name !== 'string') continue;
    if (e.cat === 'Session' && e.name === 'model_run') runs.push({ ts: e.ts, dur: e.dur, kernels: [] });
    else if (e.cat === 'Node' && e.name.endsWith(KERNEL_SUFFIX)) {
      kernels.push({ name: e.name.slice(0, -KERNEL_SUFFIX.length), op: e.args?.op_name ?? '', ts: e.ts, dur: e.dur });
    }
  }
  for (const k of kernels) {
    const run = runs.find((r) => k.ts >= r.ts && k.ts <= r.ts + r.dur);
    if (run) run.kernels.push(k);
  }
  return runs;
}

export interface NodeTime {
  /** Microseconds per run given to this node (its share of its kernel's mean time). */
  micros: number;
  /** The kernel it ran in (the optimised graph's node name) and its op. */
  kernel: string;
  kernelOp: string;
  /** Original nodes that ran in that kernel, this one included (1: not fused). */
  members: number;
}

export interface LayerTimes {
  /** By original node id. Nodes ONNX Runtime removed (Identity, folded constants) have no entry. */
  nodes: Record<string, NodeTime>;
  /** Mean duration of a whole run. */
  runMicros: number;
  /** Sum of every kernel's mean time (≤ runMicros: the rest is the executor between kernels). */
  kernelMicros: number;
  /** Layout conversions (ReorderInput/Output): timed, but not a node of the model. */
  layoutMicros: number;
  /** Kernels that could not be traced back to the model, with their time. */
  unmapped: { kernel: string; micros: number }[];
  /** Runs the means are over (the first, warm-up run is left out by the caller). */
  runs: number;
}

/**
 * Maps the `runs` (timed runs of the optimised graph `optimized` of `original`) to the original nodes.
 * `macsOf` gives a node's MACs from the analysis, for splitting a fused kernel's time.
 */
export function layerTimes(original: Model, optimized: Model, runs: ProfileRun[], macsOf: (id: string) => number | null): LayerTimes {
  if (!runs.length) throw new Error('ONNX Runtime\'s profile holds no run');
  // Means, not medians: the kernels' means then add up to at most the mean run, as each run's kernels do.
  const means = new Map<string, number>();
  for (const r of runs) for (const k of r.kernels) means.set(k.name, (means.get(k.name) ?? 0) + k.dur / runs.length);

  const members = kernelMembers(original, optimized);
  const opOf = new Map(optimized.graph.nodes.map((n) => [n.name, n.opType]));
  const out: LayerTimes = { nodes: {}, runMicros: runs.reduce((a, r) => a + r.dur, 0) / runs.length, kernelMicros: 0, layoutMicros: 0, unmapped: [], runs: runs.length };
  for (const [kernel, micros] of means) {
    out.kernelMicros += micros;
    const op = opOf.get(kernel) ?? '';
    if (LAYOUT_OPS.has(op)) { out.layoutMicros += micros; continue; }
    const nodes = members.get(kernel);
    if (!nodes?.length) { out.unmapped.push({ kernel, micros }); continue; }
    const macs = nodes.map((n) => Math.max(0, macsOf(n.id) ?? 0));
    const sum = macs.reduce((a, b) => a + b, 0);
    nodes.forEach((n, i) => {
      out.nodes[n.id] = { micros: sum > 0 ? micros * macs[i] / sum : micros / nodes.length, kernel, kernelOp: op, members: nodes.length };
    });
  }
  return out;
}

/**
 * The original nodes each optimised node computes: the producers of the original tensors it stands for,
 * and, walking back from them, every node whose output no optimised node computes (fused away into it).
 * Optimised nodes are taken in their graph order, so a node is claimed by the first kernel that reaches it.
 */
export function kernelMembers(original: Model, optimized: Model): Map<string, Node[]> {
  const stands = optimizedNodeTensors(original);
  const producer = new Map<string, Node>();
  for (const n of original.graph.nodes) for (const o of n.outputs) if (o) producer.set(o, n);
  const tensorsOf = new Map(optimized.graph.nodes.map((n) => [n, stands(n)]));
  const survivors = new Set([...tensorsOf.values()].flat());
  const claimed = new Set<Node>();
  const out = new Map<string, Node[]>();
  for (const [k, tensors] of tensorsOf) {
    const mine: Node[] = [];
    const stack = tensors.map((t) => producer.get(t)).filter((n): n is Node => !!n);
    while (stack.length) {
      const n = stack.pop()!;
      if (claimed.has(n)) continue;
      claimed.add(n);
      mine.push(n);
      for (const i of n.inputs) {
        const p = i ? producer.get(i) : undefined;
        if (p && !survivors.has(i) && !claimed.has(p)) stack.push(p);
      }
    }
    if (mine.length) out.set(k.name, [...(out.get(k.name) ?? []), ...mine]);
  }
  return out;
}
