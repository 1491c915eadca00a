import type { Graph, Node } from '../ir/types';
import { dtypeBytes, isFloat } from './context';
import { numel } from './dims';
import { findRule, type InputRole, type OpRule, type OutputState, type RuleContext, type TensorState } from './registry';
import type { AnalysisWarning, NodeFigures, Totals } from './types';
import { isFrozenLayer, isStatisticWeight } from './ops/keras/weights';
import type { NodeWindow } from './window/geometry';

/**
 * Params, MACs and activation bytes per node, and totals (definitions in docs/figures.md).
 * A weight is a constant tensor (initializer, Constant, ConstantOfShape, or computed from those
 * alone) at an input the op's rule calls 'weight'. It is counted at the node where it meets data,
 * never on the constant-folding nodes that build it, and once in totals however many nodes share it
 * (also a Keras layer called more than once: Node.sharesWeightsOf).
 * A Keras layer whose weights the file holds (TF.js: Node.weights) counts those, whatever its
 * config or shape rule says, so one layer without a rule does not zero the layers after it.
 * Keras's trainable split: BatchNorm statistics and the weights of `trainable: false` layers are
 * non-trainable.
 * A figure that cannot be computed (no rule, a weight or output of unknown shape, a rule that
 * fails) is null with a warning naming the node, never 0; totals add up the known ones and list
 * the nodes left out (Totals.partial).
 */
export interface FigureSource {
  graph: Graph;
  lookup(name: string): TensorState | undefined;
  ruleContexts: Map<string, RuleContext>;
  subTotals: Map<string, { params: number; macs: number; buffers: number }>;
  /** Tensor name → id of the node that produces it (to find the stored tensor behind a weight). */
  producers: Map<string, string>;
  /** Constant tensors that only rescale quantised values (src/analysis/quantLayers.ts): never weights. */
  quantMetadata?: Set<string>;
  /** Tensors whose shape inference did not reach (unknown, or only declared): the node where it stopped. */
  stoppedAt?: Map<string, string>;
}

/** Integer types a weight can be stored in: quantised weights, and int32 quantised biases. */
const WEIGHT_INT = /^u?int(32|8|4|2)$/;

/** The stored tensor a constant weight is built from by re-encoding or re-laying out (DequantizeLinear,
 * Cast, Reshape, Transpose: rules with storedInput), or the weight itself. */
function storedTensor(src: FigureSource, byId: () => Map<string, Node>, name: string, s: TensorState): { name: string; s: TensorState } {
  for (let step = 0; step < 32; step++) {
    const p = src.producers.get(name);
    const node = p === undefined ? undefined : byId().get(p);
    const at = node ? findRule(node.domain, node.opType)?.storedInput : undefined;
    const next = at === undefined ? undefined : node?.inputs[at];
    const ns = next ? src.lookup(next) : undefined;
    if (!next || !ns?.constant || !ns.shape) break;
    name = next;
    s = ns;
  }
  return { name, s };
}

/** Roles when a rule gives none: a constant float tensor with more than one element is a weight
 * (a bias added by Add, a matrix in MatMul); scalars are arithmetic constants (x·0.5). */
function defaultRole(s: TensorState | null): InputRole {
  if (!s || !s.constant || !isFloat(s.dtype) || !s.shape) return 'data';
  const n = numel(s.shape);
  return n !== null && n > 1 ? 'weight' : 'data';
}

export interface FigureResult {
  nodes: Map<string, NodeFigures>;
  totals: Totals;
  weights: Set<string>;
  /** One per node whose params or MACs are unknown, saying why. */
  warnings: AnalysisWarning[];
}

export function countFigures(src: FigureSource): FigureResult {
  const nodes = new Map<string, NodeFigures>();
  const warnings: AnalysisWarning[] = [];
  const weights = new Map<string, { n: number; bytes: number; buffer: boolean; frozen: boolean; readers: number }>();
  /** Keras layers called more than once (their first call's id), whose weights each call shows. */
  const sharedLayers = new Set<string>();
  let macs = 0;
  let activationBytes = 0;
  let subParams = 0;
  let subBuffers = 0;
  /** Nodes whose params or MACs could not be counted (no rule, or shapes unknown): the totals leave them out. */
  const missingParams: string[] = [];
  const missingMacs: string[] = [];
  /** Learned parameters of frozen layers whose weights are not tensors (config-sized Keras layers). */
  let subFrozen = 0;
  /** Weights built from a stored tensor (the dequantised or reshaped view a layer reads): weights too. */
  const builtWeights = new Set<string>();
  let nodesById: Map<string, Node> | undefined;
  const byId = () => (nodesById ??= new Map(src.graph.nodes.map((n) => [n.id, n])));
  for (const node of src.graph.nodes) {
    const ctx = src.ruleContexts.get(node.id);
    const outStates = new Array<TensorState | undefined>(node.outputs.length);
    let folding = true;
    let allShapes = true;
    for (let i = 0; i < outStates.length; i++) {
      const o = node.outputs[i];
      const s = o ? src.lookup(o) : undefined;
      outStates[i] = s;
      if (s && !s.constant) folding = false;
      if (!s?.shape) allShapes = false;
    }
    const fig: NodeFigures = { id: node.id, params: 0, macs: 0, activationBytes: 0, buffers: 0 };
    let windowOf: { rule: OpRule; ctx: RuleContext; outs: OutputState[] } | undefined;
    /** Why a figure is unknown, for the warning. */
    let why = '';
    let paramsKnown = true;
    let macsKnown = true;
    if (ctx && !folding) {
      const rule = findRule(node.domain, node.opType);
      // States are what the rules' OutputStates became (a state is a valid OutputState).
      const outs: OutputState[] = outStates.map((s) => s ?? { dtype: 'undefined', shape: null });
      let roles: InputRole[] = [];
      try {
        roles = rule?.roles?.(ctx) ?? [];
      } catch {
        roles = [];
      }
      const frozen = node.domain === 'keras' && isFrozenLayer(node.attributes);
      const count = (name: string, role: InputRole, s: TensorState, shared: boolean): void => {
        const n = s.shape ? numel(s.shape) : null;
        if (n === null) {
          if (role === 'weight') paramsKnown = false;
          why ||= `the shape of its weight '${name}' is unknown`;
          return;
        }
        if (role === 'weight') fig.params = (fig.params ?? 0) + n;
        else fig.buffers = (fig.buffers ?? 0) + n;
        const seen = weights.get(name);
        if (seen) {
          if (!shared) seen.readers++;
        } else weights.set(name, { n, bytes: n * dtypeBytes(s.dtype), buffer: role === 'buffer', frozen, readers: 1 });
      };
      for (let i = 0; i < node.inputs.length; i++) {
        const input = node.inputs[i];
        const built = input ? src.lookup(input) ?? null : null;
        if (roles[i] === undefined && src.quantMetadata?.has(input)) continue;
        const role = roles[i] ?? defaultRole(built);
        if ((role !== 'weight' && role !== 'buffer') || !built || !built.constant) continue;
        const { name, s } = storedTensor(src, byId, input, built);
        if (!isFloat(s.dtype) && !WEIGHT_INT.test(s.dtype)) continue; // int64 index/shape tensors are not weights
        if (name !== input) builtWeights.add(input);
        count(name, role, s, false);
      }
      const saved = node.domain === 'keras' ? node.weights : undefined;
      if (saved) {
        // The file's weights: a later call of a shared layer reads the same tensors (one layer, not shared tensors).
        for (const name of saved) {
          const s = src.lookup(name);
          if (s?.shape) count(name, isStatisticWeight(name) ? 'buffer' : 'weight', s, node.sharesWeightsOf !== undefined);
        }
        if (node.sharesWeightsOf && saved.length > 0) sharedLayers.add(node.sharesWeightsOf);
      } else if (!rule && node.domain === 'keras') {
        paramsKnown = false;
        why ||= `there is no rule for ${node.opType}`;
      } else if (rule?.params) {
        // Rules whose weights are not node inputs (Keras/ConvLens JSON configs) count them themselves.
        try {
          const p = rule.params(ctx, outs);
          if (!(p.params >= 0 && p.buffers >= 0 && Number.isFinite(p.params + p.buffers))) throw new Error(`its weights came out as ${p.params} + ${p.buffers}`);
          fig.params = (fig.params ?? 0) + p.params;
          fig.buffers = (fig.buffers ?? 0) + p.buffers;
          if (!node.sharesWeightsOf) {
            // A shared layer's later calls read the weights its first call owns: counted once.
            subParams += p.params;
            subBuffers += p.buffers;
            if (frozen) subFrozen += p.params;
          } else if (p.params + p.buffers > 0) sharedLayers.add(node.sharesWeightsOf);
        } catch (e) {
          paramsKnown = false;
          why ||= (e as Error).message;
        }
      }
      if (!rule || (rule.macs && !allShapes)) {
        macsKnown = false;
        why ||= rule ? `its output shape is unknown${stoppedNote(src, node)}` : `there is no rule for ${node.domain ? `${node.domain}::` : ''}${node.opType}`;
      } else if (rule.macs) {
        try {
          const m = rule.macs(ctx, outs);
          if (Number.isFinite(m) && m >= 0) fig.macs = m;
          else {
            macsKnown = false;
            why ||= `its MAC count came out as ${m}`;
          }
        } catch (e) {
          macsKnown = false;
          why ||= (e as Error).message;
        }
      }
      if (rule?.window && outs[0]?.shape) windowOf = { rule, ctx, outs };
      for (const s of outStates) {
        if (s?.shape && !s.constant) {
          const b = bytesOf(s);
          activationBytes += b;
          fig.activationBytes += b;
        }
      }
    }
    const sub = src.subTotals.get(node.id);
    if (sub) {
      fig.params = (fig.params ?? 0) + sub.params;
      fig.macs = (fig.macs ?? 0) + sub.macs;
      fig.buffers = (fig.buffers ?? 0) + sub.buffers;
      subParams += sub.params;
      subBuffers += sub.buffers;
    }
    macs += fig.macs ?? 0;
    if (!paramsKnown) {
      fig.params = null;
      missingParams.push(node.id);
    }
    if (!macsKnown) {
      fig.macs = null;
      missingMacs.push(node.id);
    }
    if (!paramsKnown || !macsKnown) {
      const what = !paramsKnown && !macsKnown ? 'params and MACs' : !paramsKnown ? 'params' : 'MACs';
      warnings.push({ kind: 'unknown-figures', node: node.id, message: `${what} of '${node.name || node.id}' are unknown: ${why || 'they cannot be computed'}` });
    }
    nodes.set(node.id, windowOf ? withLazyWindow(fig, windowOf.rule, windowOf.ctx, windowOf.outs) : fig);
  }
  let params = subParams;
  let buffers = subBuffers;
  let weightBytes = 0;
  let sharedWeights = 0;
  let frozenParams = subFrozen;
  for (const w of weights.values()) {
    if (w.buffer) buffers += w.n;
    else {
      params += w.n;
      if (w.frozen) frozenParams += w.n;
    }
    weightBytes += w.bytes;
    if (w.readers > 1) sharedWeights++;
  }
  const totals: Totals = {
    params, macs, activationBytes, weightBytes, buffers,
    trainableParams: params - frozenParams,
    nonTrainableParams: buffers + frozenParams,
  };
  if (missingParams.length + missingMacs.length > 0) totals.partial = { params: missingParams, macs: missingMacs };
  if (sharedWeights > 0) totals.sharedWeights = sharedWeights;
  if (sharedLayers.size > 0) totals.sharedLayers = sharedLayers.size;
  return { nodes, totals, weights: new Set([...weights.keys(), ...builtWeights]), warnings };
}

/**
 * The figures with `window` (and its `formulas`) worked out on first read: few consumers read
 * them, and building the text for every conv and pool of a large graph was a third of analysing it.
 */
function withLazyWindow(fig: NodeFigures, rule: OpRule, ctx: RuleContext, outs: OutputState[]): NodeFigures {
  let window: NodeWindow | undefined | null = null;
  const read = (): NodeWindow | undefined => {
    if (window === null) {
      try {
        window = rule.window?.(ctx, outs);
      } catch {
        window = undefined;
      }
    }
    return window;
  };
  return {
    id: fig.id,
    params: fig.params,
    macs: fig.macs,
    activationBytes: fig.activationBytes,
    buffers: fig.buffers,
    get window(): NodeWindow | undefined {
      return read();
    },
    get formulas(): string[] | undefined {
      return read()?.axes.map((a) => a.formula);
    },
  };
}

function bytesOf(s: TensorState): number {
  let n = 1;
  for (const d of s.shape ?? []) n *= typeof d === 'number' ? d : 1;
  return n * dtypeBytes(s.dtype);
}

/** ' (inference stopped at 'Relu_2')' when an earlier node is why this one's output is unknown. */
function stoppedNote(src: FigureSource, node: Node): string {
  for (const o of node.outputs) {
    const at = o ? src.stoppedAt?.get(o) : undefined;
    if (at && at !== node.id) return ` (inference stopped at '${at}')`;
  }
  return '';
}
