/**
 * Which tensors of a model still exist once ONNX Runtime has optimised it. Every tensor exposed as a graph
 * output stops ONNX Runtime fusing through it (Conv+BatchNormalization+activation, Conv+Add+Relu in the
 * NCHWc layout, Gemm+activation, MatMul+Add, ...): exposing all of them made a capture of ResNet-50 cost
 * about five bare runs. Exposing only the tensors that survive the optimisation keeps every fusion.
 *
 * What survives is read from ONNX Runtime itself, not from a copy of its rules: a session of the bare model
 * is made with the same provider and level as the capture session, ONNX Runtime writes the graph it
 * optimised (`optimizedModelFilePath`), and its nodes are traced back to the original tensors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Model, Node } from '../ir/types';
import type * as ort from 'onnxruntime-node';
import { readOnnxFile } from '../formats/onnx/reader';
import type { ProviderName } from './providers';
import { openSession } from './session';

/** The NCHWc transformer (level 'all' on x86 CPUs) names each node it makes after the tensor it stands for. */
const NCHWC_SUFFIX = '_nchwc';
const BN_NCHWC_SUFFIX = '_bn_nchwc';
/** Layout conversions: they carry a value, they do not compute one. */
const REORDERS = new Set(['ReorderInput', 'ReorderOutput']);
/** Element-wise activations the NCHWc Conv applies after its sum input. */
const ACTIVATIONS = new Set(['Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Clip', 'HardSigmoid']);

/**
 * The original tensors that the optimised graph still computes. `original` is the model as given, `optimized`
 * the graph ONNX Runtime wrote for it. A node of the optimised graph stands for an original tensor when
 *  - it outputs that tensor by name (nodes ONNX Runtime kept or fused keep the last fused tensor's name);
 *  - it is an NCHWc node named `<tensor>_nchwc`: it computes that tensor in blocked layout, or, when it took
 *    a sum input (Conv+Add fused), the Add's output, and the activation after that when it absorbed one;
 *  - it is a BatchNormalization turned into an NCHWc Conv, named `<tensor>_bn_nchwc` after the BN's output;
 *  - it kept an original node's name (an element-wise node rewired onto blocked tensors).
 * A node that matches none of these is left out: its tensor is then fetched from an unfused run on request,
 * which costs time but never a wrong value.
 */
export function survivingTensors(original: Model, optimized: Model): Set<string> {
  const stands = optimizedNodeTensors(original);
  const out = new Set<string>();
  for (const n of optimized.graph.nodes) for (const t of stands(n)) out.add(t);
  return out;
}

/**
 * For one node of the optimised graph: the original tensors it computes (empty for a layout conversion or a
 * node that cannot be traced back). The rules are those of survivingTensors; the profiler's reading
 * (./profile.ts) uses them to give each timed kernel its original nodes.
 */
export function optimizedNodeTensors(original: Model): (n: Node) => string[] {
  const producer = new Map<string, Node>();
  const consumers = new Map<string, Node[]>();
  const byName = new Map<string, Node>();
  for (const n of original.graph.nodes) {
    for (const o of n.outputs) if (o) producer.set(o, n);
    for (const i of n.inputs) if (i) consumers.set(i, [...(consumers.get(i) ?? []), n]);
    if (n.name) byName.set(n.name, n);
  }
  return (n) => {
    const named = n.outputs.filter((o) => o && producer.has(o));
    if (named.length || REORDERS.has(n.opType)) return named;
    const name = n.name ?? '';
    // A BatchNormalization the NCHWc transformer made a Conv is named after its output: `<tensor>_bn_nchwc`.
    if (name.endsWith(BN_NCHWC_SUFFIX) && producer.get(name.slice(0, -BN_NCHWC_SUFFIX.length))?.opType === 'BatchNormalization') return [name.slice(0, -BN_NCHWC_SUFFIX.length)];
    if (name.endsWith(NCHWC_SUFFIX) && producer.has(name.slice(0, -NCHWC_SUFFIX.length))) {
      return [sumFusedValue(name.slice(0, -NCHWC_SUFFIX.length), n, consumers)];
    }
    const same = byName.get(name);
    return same && same.opType === n.opType ? same.outputs.filter((o) => o) : [];
  };
}

/** The tensor an NCHWc node named after `tensor` computes: `tensor` itself, or past the Add (and activation) it absorbed. */
function sumFusedValue(tensor: string, n: Node, consumers: Map<string, Node[]>): string {
  // An NCHWc Conv's inputs: X, W, B, Sum. A fourth input means it absorbed the Add consuming its output.
  if (n.opType !== 'Conv' || n.inputs.length < 4 || !n.inputs[3]) return tensor;
  const add = only(consumers.get(tensor));
  if (!add || (add.opType !== 'Add' && add.opType !== 'Sum') || !add.outputs[0]) return tensor;
  const act = only(consumers.get(add.outputs[0]));
  if (n.attributes.activation !== undefined && act && ACTIVATIONS.has(act.opType) && act.outputs[0]) return act.outputs[0];
  return add.outputs[0];
}

function only(nodes: Node[] | undefined): Node | undefined {
  return nodes && nodes.length === 1 ? nodes[0] : undefined;
}

/**
 * Makes a session of `bytes` with `options` while ONNX Runtime writes the graph it optimised, and reads that
 * graph back (nodes only: the weights in it are skipped on reading). The file lives in a fresh temporary
 * folder, removed afterwards.
 */
export async function optimizedGraph<S extends { release(): Promise<void> }>(create: (optimizedModelFilePath: string) => Promise<S>): Promise<Model> {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-optimized-'));
  try {
    const file = join(dir, 'optimized.onnx');
    const session = await create(file);
    await session.release();
    return readOnnxFile(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface FusionProbe {
  /** The original tensors the optimised graph computes; undefined when ONNX Runtime could not write it. */
  survivors?: Set<string>;
  /** The provider the probe's session loaded on (the capture session is made on the same one). */
  provider?: ProviderName;
  notes: string[];
}

/**
 * Opens the bare model as the capture session will be opened (same providers, level and confinement) and
 * reads which tensors survive its optimisation. A failure is not an error here: the capture then exposes
 * every tensor, as it did before, and the capture session reports whatever is wrong with the model.
 */
export async function probeFusion(original: Model, bytes: Uint8Array, providers: readonly string[], options: ort.InferenceSession.SessionOptions, onTry?: (p: ProviderName | null) => void): Promise<FusionProbe> {
  let provider: ProviderName | undefined;
  try {
    const optimized = await optimizedGraph(async (file) => {
      const opened = await openSession(bytes, providers, onTry, { ...options, optimizedModelFilePath: file });
      provider = opened.provider;
      return opened.session;
    });
    return { survivors: survivingTensors(original, optimized), provider, notes: [] };
  } catch (e) {
    onTry?.(null);
    const msg = (e as Error).message.split('\n')[0];
    return { provider, notes: [`ONNX Runtime could not write its optimised graph (${msg}): every tensor is captured, which keeps it from fusing layers and makes the run slower`] };
  }
}
