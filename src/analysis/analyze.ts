import type { Graph, Model, Node, Shape, ValueInfo } from '../ir/types';
import { dimsConflict, formatShape, numel } from './dims';
import { makeContext, dtypeBytes, isFloat } from './context';
import { countFigures } from './figures';
import { propagateField, type FieldState } from './receptive';
import { findRule, InferError, type OutputState, type RuleContext, type TensorState } from './registry';
import { topoOrder } from './topo';
import type { Analysis, AnalysisWarning, AnalyzeOptions, NodeFigures, TensorInfo, WarningKind } from './types';
import './ops/index';

/** Largest initializer the engine reads values from (shape arithmetic only needs small ones). */
const VALUE_LIMIT = 4096;

/** Ops whose output changes between runs even when the inputs are constant. */
const NONDETERMINISTIC = new Set(['RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli']);

export function analyze(model: Model, options: AnalyzeOptions = {}): Analysis {
  const engine = new GraphEngine(model, null, options);
  engine.seedTopLevel();
  const order = engine.run();
  return engine.result(order);
}

/** Infers one graph; subgraphs get their own engine whose lookups fall back to the parent's. */
class GraphEngine {
  readonly states = new Map<string, TensorState>();
  readonly fields = new Map<string, FieldState | null>();
  readonly declared = new Map<string, ValueInfo>();
  readonly warnings: AnalysisWarning[] = [];
  readonly figures = new Map<string, NodeFigures>();
  /** Tensors produced by nodes here (so a subgraph never re-declares an outer name as its own). */
  readonly producers = new Map<string, string>();
  readonly ruleContexts = new Map<string, RuleContext>();
  /** Params and MACs of subgraphs, per control-flow node. */
  readonly subTotals = new Map<string, { params: number; macs: number; buffers: number }>();

  constructor(
    readonly model: Model,
    readonly parent: GraphEngine | null,
    readonly options: AnalyzeOptions,
    readonly graph: Graph = model.graph,
  ) {
    for (const v of graph.valueInfo.values()) this.declared.set(v.name, v);
    for (const v of graph.outputs) if (v.shape || !this.declared.has(v.name)) this.declared.set(v.name, v);
  }

  lookup(name: string): TensorState | undefined {
    return this.states.get(name) ?? this.parent?.lookup(name);
  }

  lookupField(name: string): FieldState | null {
    if (this.fields.has(name)) return this.fields.get(name) ?? null;
    return this.parent?.lookupField(name) ?? null;
  }

  warn(kind: WarningKind, node: string, message: string): void {
    this.warnings.push({ kind, node, message });
  }

  seedTopLevel(): void {
    this.seedInitializers();
    for (const v of this.graph.inputs) {
      if (this.states.has(v.name)) continue;
      const override = this.options.inputShapes?.[v.name];
      const shape = override ?? v.shape;
      if (!shape) this.warn('cannot-infer', '', `graph input '${v.name}' declares no shape; give one with --input-shape ${v.name}=1x3x224x224`);
      this.states.set(v.name, { dtype: v.dtype, shape, constant: false });
      this.fields.set(v.name, inputField(shape));
    }
  }

  seedInitializers(): void {
    for (const t of this.graph.initializers.values()) {
      const n = t.dims.reduce((a, b) => a * b, 1);
      let value: number[] | undefined;
      if (!t.missing && n <= VALUE_LIMIT && t.dtype !== 'string') {
        try {
          value = Array.from(t.values());
        } catch {
          value = undefined; // external data that cannot be reached: shape is enough
        }
      }
      const isInt = !isFloat(t.dtype) && t.dtype !== 'bool';
      this.states.set(t.name, { dtype: t.dtype, shape: [...t.dims], value, dims: isInt ? value : undefined, constant: true });
      this.fields.set(t.name, null);
    }
  }

  /** Infers every node in topological order; returns the order (node ids). */
  run(): string[] {
    const { order, cyclic } = topoOrder(this.graph);
    if (cyclic.length > 0) {
      this.warn('cannot-infer', cyclic[0].id, `${cyclic.length} node(s) form a cycle or read tensors nobody produces; analysed in file order`);
    }
    const nodes = [...order, ...cyclic];
    for (const node of nodes) this.inferNode(node);
    return nodes.map((n) => n.id);
  }

  inferNode(node: Node): void {
    const inputs = node.inputs.map((name) => (name === '' ? null : this.lookup(name) ?? null));
    const opset = this.model.opsets[node.domain === 'ai.onnx' ? '' : node.domain] ?? 0;
    const warn = (kind: WarningKind, message: string) => this.warn(kind, node.id, message);
    const ctx = makeContext(node, opset, inputs, warn, (g, subInputs) => this.inferSubgraph(node, g, subInputs));
    this.ruleContexts.set(node.id, ctx);
    const rule = findRule(node.domain, node.opType);
    let outs: OutputState[] = [];
    if (!rule) {
      warn('cannot-infer', `no shape rule for ${node.domain ? `${node.domain}::` : ''}${node.opType}: its outputs are unknown`);
    } else {
      try {
        outs = rule.infer(ctx);
      } catch (e) {
        if (e instanceof InferError) {
          if (!e.unknownInput) warn(e.kind, e.message);
        } else {
          warn('cannot-infer', `internal error in the ${node.opType} rule: ${(e as Error).message}`);
        }
        outs = [];
      }
    }
    const missingInput = node.inputs.some((n) => n !== '' && !this.lookup(n));
    if (missingInput) {
      const name = node.inputs.find((n) => n !== '' && !this.lookup(n));
      warn('cannot-infer', `input '${name}' is not produced by any node, initializer or graph input`);
    }
    const constant =
      !NONDETERMINISTIC.has(node.opType) && !missingInput && inputs.every((s) => s === null || s.constant) && !node.subgraphs;
    node.outputs.forEach((name, i) => {
      if (name === '') return;
      const o = outs[i];
      let state: TensorState = { dtype: o?.dtype ?? 'undefined', shape: o?.shape ?? null, constant };
      if (o?.value) state.value = o.value;
      if (o?.dims) state.dims = o.dims;
      else if (o?.value && !isFloat(state.dtype)) state.dims = o.value;
      state = this.reconcile(node, name, state);
      this.states.set(name, state);
      this.producers.set(name, node.id);
    });
    this.propagate(node, ctx, outs);
  }

  /** Compares inference with the file's declared shape; the declared one fills in what inference lacks. */
  reconcile(node: Node, name: string, state: TensorState): TensorState {
    const d = this.declared.get(name);
    if (!d) return state;
    if (state.shape === null) {
      if (this.options.useDeclaredShapes === false) return state;
      return { ...state, dtype: state.dtype === 'undefined' ? d.dtype : state.dtype, shape: d.shape ? [...d.shape] : null };
    }
    if (d.shape && (d.shape.length !== state.shape.length || d.shape.some((x, i) => dimsConflict(x, (state.shape as Shape)[i])))) {
      this.warn('shape-mismatch', node.id, `'${name}': the file declares ${formatShape(d.shape)} but inference gives ${formatShape(state.shape)}`);
    }
    return state;
  }

  propagate(node: Node, ctx: RuleContext, outs: OutputState[]): void {
    const rule = findRule(node.domain, node.opType);
    let effect;
    try {
      effect = rule?.spatial && outs.length > 0 ? rule.spatial(ctx, outs) : undefined;
    } catch {
      effect = undefined;
    }
    const ins = node.inputs.map((n) => (n === '' || this.lookup(n)?.constant ? null : this.lookupField(n)));
    for (const name of node.outputs) {
      if (name === '') continue;
      const state = this.states.get(name);
      this.fields.set(name, effect && state?.shape && !state.constant ? propagateField(effect, ins, state.shape) : null);
    }
  }

  inferSubgraph(owner: Node, g: Graph, formal: (TensorState | null)[]): (TensorState | null)[] {
    const sub = new GraphEngine(this.model, this, this.options, g);
    sub.seedInitializers();
    g.inputs.forEach((v, i) => {
      const given = formal[i];
      const state: TensorState = given ? { ...given, shape: given.shape ?? v.shape } : { dtype: v.dtype, shape: v.shape, constant: false };
      sub.states.set(v.name, state);
      sub.fields.set(v.name, null);
    });
    sub.run();
    const t = this.subTotals.get(owner.id) ?? { params: 0, macs: 0, buffers: 0 };
    const f = countFigures(sub);
    this.subTotals.set(owner.id, { params: t.params + f.totals.params, macs: Math.max(t.macs, f.totals.macs), buffers: t.buffers + (f.totals.buffers ?? 0) });
    for (const w of sub.warnings) this.warnings.push({ ...w, node: w.node ? `${owner.id}/${w.node}` : owner.id });
    return g.outputs.map((o) => sub.lookup(o.name) ?? null);
  }

  result(order: string[]): Analysis {
    const { nodes, totals, weights } = countFigures(this);
    const tensors = new Map<string, TensorInfo>();
    const consumers = new Map<string, string[]>();
    for (const n of this.graph.nodes) {
      for (const i of n.inputs) if (i) consumers.set(i, [...(consumers.get(i) ?? []), n.id]);
    }
    for (const [name, s] of this.states) {
      const f = this.fields.get(name) ?? null;
      const count = s.shape ? numel(s.shape.map((d) => (typeof d === 'number' ? d : 1))) ?? 0 : 0;
      tensors.set(name, {
        name,
        dtype: s.dtype,
        shape: s.shape,
        declaredShape: this.declared.get(name)?.shape,
        producer: this.producers.get(name),
        consumers: consumers.get(name) ?? [],
        // After resampling the field can fall between pixels: report the whole input pixels it touches.
        receptiveField: f ? f.rf.map((r) => Math.ceil(r - 1e-9)) : null,
        stride: f ? f.jump : null,
        bytes: count * dtypeBytes(s.dtype),
        isWeight: weights.has(name),
        constant: s.constant,
      });
    }
    for (const v of this.graph.inputs) {
      const t = tensors.get(v.name);
      if (t) t.declaredShape = v.shape;
    }
    const nodeById = new Map(this.graph.nodes.map((n) => [n.id, n]));
    for (const w of this.model.readWarnings) this.warnings.unshift({ kind: 'read', node: '', message: w });
    return { tensors, nodes, totals, warnings: this.warnings, order, nodeById };
  }
}

function inputField(shape: Shape | null): FieldState | null {
  if (!shape || shape.length < 3) return null;
  const n = shape.length - 2;
  return { rf: new Array(n).fill(1), jump: new Array(n).fill(1) };
}

export type { GraphEngine };
