import * as l10n from '@vscode/l10n';
import type { Dim, DType, Graph, Model, Node, Shape, TensorData, ValueInfo } from '../ir/types';
import { dimsConflict, formatShape, numelConcrete } from './dims';
import { makeContext, dtypeBytes, isFloat, type ContextHost } from './context';
import { countFigures } from './figures';
import { findQuantLayers } from './quantLayers';
import { propagateField, type FieldState } from './receptive';
import { findRule, InferError, type OpRule, type OutputState, type RuleContext, type TensorState } from './registry';
import { topoOrder } from './topo';
import { assertDims, guardFigures, guardOutputs, invalidDim, validField } from './guard';
import { chooseAliases } from './aliases';
import { effectiveInputs, inputDimsOf, shapesAt, valuesOf } from './inputDims';
import { exactWithSymbolsAsOne, takeFiguresOf } from './atSizes';
import { foldOutputs } from './fold';
import { findGroups } from './blocks/groups';
import { attributeProblems } from './schema';
import { FOLD_LIMIT } from './ops/common';
import type { Analysis, AnalysisWarning, AnalyzeOptions, NodeFigures, TensorInfo, WarningKind } from './types';
import { noRuleMessage } from './ops/keras/unknown';
import { pastUnknown } from './ops/keras/pastUnknown';
import './ops/index';

/** Largest initializer the engine reads values from (folding reads no more than it may build). */
const VALUE_LIMIT = FOLD_LIMIT;

/** Ops whose output changes between runs even when the inputs are constant. */
const NONDETERMINISTIC = new Set(['RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli']);

/**
 * Shapes, figures and warnings of a model. Figures never take a symbolic input dim as 1 unsaid:
 * with `dimValues` the inputs are analysed at those sizes (every shape concrete); without, shapes
 * stay symbolic and the figures are those of a second pass at the stated default sizes
 * (src/analysis/inputDims.ts). Either way `totals.evaluatedAt` says which sizes.
 */
export function analyze(model: Model, options: AnalyzeOptions = {}): Analysis {
  return withGroups(model, analyzeAtSizes(model, options));
}

function analyzeAtSizes(model: Model, options: AnalyzeOptions): Analysis {
  const dims = inputDimsOf(model, options.inputShapes, options.dimValues);
  if (dims.length === 0) return analyzeAsGiven(model, options);
  const concreteShapes = shapesAt(effectiveInputs(model, options.inputShapes), valuesOf(dims));
  if (options.dimValues) {
    const a = analyzeAsGiven(model, { ...options, inputShapes: concreteShapes });
    a.totals.evaluatedAt = dims;
    return a;
  }
  const a = analyzeAsGiven(model, options);
  if (!exactWithSymbolsAsOne(a, dims)) takeFiguresOf(a, analyzeAsGiven(model, { ...options, inputShapes: concreteShapes }), dims);
  a.totals.evaluatedAt = dims;
  return a;
}

/** The model's groups (src/analysis/blocks), found once the figures they sum are final. A model
 * too malformed to group (a reader let through a node with no op name) is still shown, ungrouped. */
function withGroups(model: Model, a: Analysis): Analysis {
  try {
    a.groups = findGroups(model, a).groups;
  } catch (e) {
    a.groups = [];
    a.warnings.push({ kind: 'read', node: '', message: l10n.t('The layers could not be grouped: {0}', e instanceof Error ? e.message : String(e)) });
  }
  return a;
}

function analyzeAsGiven(model: Model, options: AnalyzeOptions): Analysis {
  const engine = new GraphEngine(model, null, options);
  engine.seedTopLevel();
  const order = engine.run();
  return engine.result(order);
}

/**
 * The state of an initializer. Its values (for shape arithmetic and folding) are read on first use:
 * most initializers are weights that no rule reads values from, and reading every small one eagerly
 * (thousands of 3x3 kernels in a long chain) was a large part of analysing such a graph.
 */
class InitializerState implements TensorState {
  readonly constant = true;
  readonly shape: Shape;
  private cached: number[] | undefined | null = null;
  constructor(private readonly tensor: TensorData, readonly dtype: DType, private readonly readable: boolean, private readonly isInt: boolean) {
    this.shape = tensor.dims.slice();
  }

  get value(): number[] | undefined {
    if (this.cached === null) {
      this.cached = undefined;
      if (this.readable) {
        try {
          this.cached = Array.from(this.tensor.values());
        } catch {
          // external data that cannot be reached: the shape is enough
        }
      }
    }
    return this.cached;
  }

  get dims(): Dim[] | undefined {
    return this.isInt ? this.value : undefined;
  }
}

function initializerState(t: TensorData): TensorState {
  let n = 1;
  for (const d of t.dims) n *= d;
  const readable = !t.missing && n <= VALUE_LIMIT && t.dtype !== 'string';
  return new InitializerState(t, t.dtype, readable, !isFloat(t.dtype) && t.dtype !== 'bool');
}

/** A copy of a state as a plain object (value and dims read through, for lazily read initializers). */
function copyState(s: TensorState, shape: Shape | null): TensorState {
  const out: TensorState = { dtype: s.dtype, shape, constant: s.constant };
  const value = s.value;
  const dims = s.dims;
  if (value !== undefined) out.value = value;
  if (dims !== undefined) out.dims = dims;
  return out;
}

/** Infers one graph; subgraphs get their own engine whose lookups fall back to the parent's. */
class GraphEngine implements ContextHost {
  readonly states = new Map<string, TensorState>();
  readonly fields = new Map<string, FieldState | null>();
  readonly declared = new Map<string, ValueInfo>();
  readonly warnings: AnalysisWarning[] = [];
  readonly figures = new Map<string, NodeFigures>();
  /** Tensors produced by nodes here (so a subgraph never re-declares an outer name as its own). */
  readonly producers = new Map<string, string>();
  readonly ruleContexts = new Map<string, RuleContext>();
  /** Keras tensors known only in part, past a layer with no rule (./ops/keras/pastUnknown.ts): never shown. */
  readonly partialShapes = new Map<string, Shape>();
  /** Tensors whose shape only the file's declaration gives (inference stopped before them). */
  readonly declaredOnly = new Set<string>();
  /** Tensors inference did not reach (unknown, or only declared) → the node where it stopped: the
   * node itself when its own rule failed, else the stopping node behind its first unknown input. */
  readonly stoppedAt = new Map<string, string>();
  /** Params and MACs of subgraphs, per control-flow node. */
  readonly subTotals = new Map<string, { params: number; macs: number; buffers: number }>();
  /** Constant tensors that only rescale quantised values (set before counting; see quantLayers.ts). */
  quantMetadata?: Set<string>;

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
      assertDims(shape, `graph input '${v.name}'`);
      if (!shape) this.warn('cannot-infer', '', `graph input '${v.name}' declares no shape; give one with --input-shape ${v.name}=1x3x224x224`);
      this.states.set(v.name, { dtype: v.dtype, shape, constant: false });
      this.fields.set(v.name, inputField(shape));
    }
  }

  seedInitializers(): void {
    for (const t of this.graph.initializers.values()) {
      assertDims(t.dims, `initializer '${t.name}'`);
      this.states.set(t.name, initializerState(t));
      this.fields.set(t.name, null);
    }
  }

  /** Infers every node in topological order; returns the order (node ids). */
  run(): string[] {
    const { order, cyclic } = topoOrder(this.graph);
    if (cyclic.length > 0) {
      this.warn('cannot-infer', cyclic[0].id, `${cyclic.length} node(s) form a cycle or read tensors nobody produces; analysed in file order`);
    }
    const nodes = order.length === this.graph.nodes.length ? order : [...order, ...cyclic];
    for (const node of nodes) this.inferNode(node);
    return nodes.map((n) => n.id);
  }

  inferNode(node: Node): void {
    const names = node.inputs;
    const inputs = new Array<TensorState | null>(names.length);
    let missing: string | undefined;
    let allConstant = true;
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      const s = name === '' ? null : this.lookup(name) ?? null;
      inputs[i] = s;
      if (s === null) {
        if (name !== '' && missing === undefined) missing = name;
      } else if (!s.constant) allConstant = false;
    }
    const opset = this.model.opsets[node.domain === 'ai.onnx' ? '' : node.domain] ?? 0;
    for (const problem of attributeProblems(node, opset)) this.warn('invalid-attribute', node.id, problem);
    const ctx = makeContext(node, opset, inputs, this);
    this.ruleContexts.set(node.id, ctx);
    const rule = findRule(node.domain, node.opType);
    let outs: OutputState[] = [];
    if (!rule && node.domain === 'keras' && this.model.format !== 'convlens') {
      // ConvLens JSON reports its unknown types while reading; Keras and TF.js files are told here.
      const declared = this.options.useDeclaredShapes !== false && node.outputs.some((o) => this.declared.get(o)?.shape);
      const message = noRuleMessage(node.opType, declared);
      this.warn(message.startsWith('unknown') ? 'unknown-op' : 'cannot-infer', node.id, message);
    } else if (!rule) {
      this.warn('cannot-infer', node.id, l10n.t('no shape rule for {0}: its outputs are unknown', `${node.domain ? `${node.domain}::` : ''}${node.opType}`));
    } else {
      try {
        outs = rule.infer(ctx);
      } catch (e) {
        outs = [];
        if (e instanceof InferError) {
          if (!e.unknownInput) this.warn(e.kind, node.id, e.message);
          else if (node.domain === 'keras') outs = this.pastUnknown(node, opset, inputs);
        } else {
          this.warn('cannot-infer', node.id, `internal error in the ${node.opType} rule: ${(e as Error).message}`);
        }
      }
    }
    if (rule?.evaluate && missing === undefined && !node.subgraphs && !NONDETERMINISTIC.has(node.opType)) {
      try {
        foldOutputs(rule, ctx, outs);
      } catch (e) {
        const why = e instanceof InferError ? e.message : `internal error folding ${node.opType}: ${(e as Error).message}`;
        this.warn('cannot-infer', node.id, why);
      }
    }
    outs = guardOutputs(node, outs, (m) => this.warn('cannot-infer', node.id, m));
    if (missing !== undefined) {
      this.warn('cannot-infer', node.id, l10n.t("input '{0}' is not produced by any node, initializer or graph input", missing));
    }
    const constant = allConstant && missing === undefined && !node.subgraphs && !NONDETERMINISTIC.has(node.opType);
    const outputs = node.outputs;
    let stopped: string | undefined;
    for (let i = 0; i < outputs.length; i++) {
      const name = outputs[i];
      if (name === '') continue;
      const o = outs[i];
      if (!o?.shape) this.stoppedAt.set(name, (stopped ??= this.stopCause(node)));
      let state: TensorState = { dtype: o?.dtype ?? 'undefined', shape: o?.shape ?? null, constant };
      const value = o?.value;
      if (value) state.value = value;
      if (o?.dims) state.dims = o.dims;
      else if (value && !isFloat(state.dtype)) state.dims = value;
      state = this.reconcile(node, name, state);
      this.states.set(name, state);
      this.producers.set(name, node.id);
    }
    this.propagate(node, rule, ctx, outs);
  }

  /** Where inference stopped for a node that gives no output shape: behind its first unknown input, else here. */
  stopCause(node: Node): string {
    for (const i of node.inputs) {
      if (i && !this.lookup(i)?.shape) return this.stoppedAt.get(i) ?? this.producers.get(i) ?? node.id;
    }
    return node.id;
  }

  /** A Keras layer's outputs from what is known of inputs that have no whole shape; [] when nothing is. */
  pastUnknown(node: Node, opset: number, inputs: (TensorState | null)[]): OutputState[] {
    const first = this.graph.inputs[0];
    const past = pastUnknown(node, opset, inputs, this.partialShapes, first ? this.lookup(first.name)?.shape?.[0] : undefined);
    if (!past) return [];
    past.partial.forEach((p, i) => p && node.outputs[i] && this.partialShapes.set(node.outputs[i], p));
    return past.outs;
  }

  /** Compares inference with the file's declared shape; the declared one fills in what inference lacks. */
  reconcile(node: Node, name: string, state: TensorState): TensorState {
    const d = this.declared.get(name);
    if (!d) return state;
    if (state.shape === null) {
      if (this.options.useDeclaredShapes === false) return state;
      // A declared shape no tensor can have is no help (the file's value_info is as untrusted as the rest).
      const usable = d.shape && invalidDim(d.shape) === undefined;
      if (usable) this.declaredOnly.add(name);
      return { ...state, dtype: state.dtype === 'undefined' ? d.dtype : state.dtype, shape: d.shape && invalidDim(d.shape) === undefined ? [...d.shape] : null };
    }
    if (d.shape && (d.shape.length !== state.shape.length || d.shape.some((x, i) => dimsConflict(x, (state.shape as Shape)[i])))) {
      this.warn('shape-mismatch', node.id, l10n.t("'{0}': the file declares {1} but inference gives {2}", name, formatShape(d.shape), formatShape(state.shape)));
    }
    return state;
  }

  propagate(node: Node, rule: OpRule | undefined, ctx: RuleContext, outs: OutputState[]): void {
    let effect;
    try {
      effect = rule?.spatial && outs.length > 0 ? rule.spatial(ctx, outs) : undefined;
    } catch {
      effect = undefined;
    }
    if (!effect || effect.kind === 'none') {
      for (const name of node.outputs) if (name !== '') this.fields.set(name, null);
      return;
    }
    const ins = new Array<FieldState | null>(node.inputs.length);
    for (let i = 0; i < ins.length; i++) {
      const n = node.inputs[i];
      ins[i] = n === '' || this.lookup(n)?.constant ? null : this.lookupField(n);
    }
    for (const name of node.outputs) {
      if (name === '') continue;
      const state = this.states.get(name);
      const field = state?.shape && !state.constant ? propagateField(effect, ins, state.shape) : null;
      this.fields.set(name, validField(field) ? field : null);
    }
  }

  inferSubgraph(owner: Node, g: Graph, formal: (TensorState | null)[]): (TensorState | null)[] {
    const sub = new GraphEngine(this.model, this, this.options, g);
    sub.seedInitializers();
    g.inputs.forEach((v, i) => {
      const given = formal[i];
      const state: TensorState = given ? copyState(given, given.shape ?? v.shape) : { dtype: v.dtype, shape: v.shape, constant: false };
      sub.states.set(v.name, state);
      sub.fields.set(v.name, null);
    });
    sub.run();
    const t = this.subTotals.get(owner.id) ?? { params: 0, macs: 0, buffers: 0 };
    const f = countFigures(sub);
    this.subTotals.set(owner.id, { params: t.params + f.totals.params, macs: Math.max(t.macs, f.totals.macs), buffers: t.buffers + (f.totals.buffers ?? 0) });
    for (const w of [...sub.warnings, ...f.warnings]) this.warnings.push({ ...w, node: w.node ? `${owner.id}/${w.node}` : owner.id });
    return g.outputs.map((o) => sub.lookup(o.name) ?? null);
  }

  result(order: string[]): Analysis {
    const quant = findQuantLayers(this.graph, (n) => this.lookup(n));
    this.quantMetadata = quant.metadata;
    const { nodes, totals, weights, warnings } = countFigures(this);
    // A node whose own warning already says why it is unknown needs no second one.
    const warned = new Set(this.warnings.map((w) => w.node));
    for (const w of warnings) if (!warned.has(w.node)) this.warnings.push(w);
    guardFigures(nodes, totals);
    const tensors = new Map<string, TensorInfo>();
    const consumers = new Map<string, string[]>();
    for (const n of this.graph.nodes) {
      for (const i of n.inputs) {
        if (!i) continue;
        const list = consumers.get(i);
        if (list) list.push(n.id);
        else consumers.set(i, [n.id]);
      }
    }
    for (const [name, s] of this.states) {
      const f = this.fields.get(name) ?? null;
      const count = s.shape ? numelConcrete(s.shape) : 0;
      tensors.set(name, {
        name,
        dtype: s.dtype,
        shape: s.shape,
        declaredShape: this.declared.get(name)?.shape,
        shapeSource: s.shape === null ? undefined : this.declaredOnly.has(name) ? 'declared' : 'inferred',
        ...(this.stoppedAt.has(name) ? { stoppedAt: this.stoppedAt.get(name) } : {}),
        producer: this.producers.get(name),
        consumers: consumers.get(name) ?? [],
        // After resampling the field can fall between pixels: report the whole input pixels it touches.
        receptiveField: f ? wholePixels(f.rf) : null,
        stride: f ? f.jump : null,
        bytes: count * dtypeBytes(s.dtype),
        isWeight: weights.has(name),
        constant: s.constant,
      });
      // Initializers' values stay in the file (reading them here would copy every small weight).
      if (this.producers.has(name) && s.value !== undefined) (tensors.get(name) as TensorInfo).value = s.value;
    }
    for (const v of this.graph.inputs) {
      const t = tensors.get(v.name);
      if (t) {
        t.declaredShape = v.shape;
        if (t.shape && !this.graph.initializers.has(v.name)) t.shapeSource = 'input';
      }
    }
    const nodeById = new Map(this.graph.nodes.map((n) => [n.id, n]));
    for (const w of this.model.readWarnings) this.warnings.unshift({ kind: 'read', node: '', message: w });
    const dimAliases = chooseAliases(this.graph, this.model.format, [...tensors.values()].map((t) => t.shape));
    return { tensors, nodes, totals, warnings: this.warnings, order, nodeById, dimAliases, quantLayers: quant.layers };
  }
}

/** Field sizes as the whole input pixels they touch; the same array when they are whole already. */
function wholePixels(rf: number[]): number[] {
  for (const r of rf) if (!Number.isInteger(r)) return rf.map((x) => Math.ceil(x - 1e-9));
  return rf;
}

function inputField(shape: Shape | null): FieldState | null {
  if (!shape || shape.length < 3) return null;
  const n = shape.length - 2;
  return { rf: new Array(n).fill(1), jump: new Array(n).fill(1) };
}

export type { GraphEngine };
