import { ModelError, type AttrValue, type Node } from '../../ir/types';
import { items, prop, rangeOf, str, value, type JsonNode } from '../json/tree';
import { JsonModelError } from '../json/problems';
import { configAttrs, toAttr } from './attrs';
import { GraphBuilder, declaredInputShape, dimTag } from './builder';
import { parseEndpoints, parseInboundNodes, type LayerCall, type TensorRef } from './inbound';
import { upgradeKeras1 } from './legacy';
import { asLrn } from './lrnLayers';

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

interface LayerEntry {
  name: string;
  className: string;
  attrs: Record<string, AttrValue>;
  at: JsonNode;
  config: JsonNode | undefined;
  calls: LayerCall[];
  buildShape?: AttrValue;
  /** Output tensor names per call, filled as calls are built. */
  outputs: (string[] | undefined)[];
  /** The nodes the first built call made: later calls share their weights. */
  owners?: Node[];
}

export interface BuildOptions {
  /** keras_version 1.x: rewrite 1.x layer configs. */
  legacy: boolean;
}

function isNestedModel(className: string, config: JsonNode | undefined): boolean {
  return MODEL_CLASSES.has(className) || (config !== undefined && (prop(config, 'layers') !== undefined || config.type === 'array') && className !== 'TimeDistributed');
}

function entryOf(layer: JsonNode, opts: BuildOptions, where: string, b: GraphBuilder): LayerEntry {
  if (layer.type !== 'object') throw new ModelError(`a layer should be an object, found ${layer.type}`, where);
  let className = str(prop(layer, 'class_name'));
  if (!className) throw new ModelError('a layer without class_name', where);
  const config = prop(layer, 'config');
  let attrs = config?.type === 'object' ? configAttrs(config) : {};
  const name = str(prop(layer, 'name')) ?? (typeof attrs.name === 'string' ? attrs.name : '') ?? '';
  if (opts.legacy && !isNestedModel(className, config)) {
    const up = upgradeKeras1(className, attrs);
    className = up.className;
    attrs = up.attrs;
    for (const n of up.notes) b.warnings.push(`${name}: ${n}`);
  }
  const lrn = asLrn(className, attrs, prop(layer, 'inbound_nodes'));
  if (lrn) ({ className, attrs } = lrn);
  const bc = value(prop(prop(layer, 'build_config'), 'input_shape'));
  return {
    name, className, attrs, at: layer, config,
    calls: parseInboundNodes(prop(layer, 'inbound_nodes'), `${where} '${name}'`),
    buildShape: bc === undefined ? undefined : toAttr(bc),
    outputs: [],
  };
}

/** Builds a model object ({class_name, config}) into `b`; returns its output tensor names.
 * `external`: the tensors a nested model is called on (its inputs), undefined at top level. */
export function buildModel(model: JsonNode, b: GraphBuilder, scope: string[], opts: BuildOptions, external?: string[]): string[] {
  const cls = str(prop(model, 'class_name')) ?? '';
  const config = prop(model, 'config');
  const where = scope.length ? `model '${scope.join('/')}'` : 'model';
  if (!config) throw new ModelError(`the model (${cls || 'no class_name'}) has no config`, where);
  if (cls === 'Sequential' || config.type === 'array') return buildSequential(model, config, b, scope, opts, external);
  if (prop(config, 'layers')) return buildFunctional(config, b, scope, opts, external);
  throw new ModelError(`class_name '${cls}' with a config that has no layers; expected a Sequential or Functional model`, where);
}

function buildSequential(model: JsonNode, config: JsonNode, b: GraphBuilder, scope: string[], opts: BuildOptions, external?: string[]): string[] {
  const list = config.type === 'array' ? config : prop(config, 'layers');
  const where = scope.length ? `model '${scope.join('/')}'` : 'Sequential model';
  if (!list || list.type !== 'array') throw new ModelError('a Sequential config should hold a list of layers', where);
  const layers = items(list).map((l, i) => entryOf(l, opts, `${where} layer ${i}`, b));
  let current: string[] | undefined = external;
  let start = 0;
  if (!current) {
    const first = layers[0];
    if (!first) throw new ModelError('the Sequential model has no layers', where);
    const modelShape = value(prop(config, 'build_input_shape')) ?? value(prop(prop(model, 'build_config'), 'input_shape'));
    if (first.className === 'InputLayer') {
      current = [b.addInput(first.name || 'input', declaredInputShape(first.attrs, dimTag(first.name)), first.attrs, first.at)];
      start = 1;
    } else {
      const name = `${first.name || 'model'}_input`;
      const shape = declaredInputShape(first.attrs, dimTag(name), first.buildShape ?? (modelShape === undefined ? undefined : toAttr(modelShape)));
      current = [b.addInput(name, shape, first.attrs)];
    }
  } else if (layers[0]?.className === 'InputLayer') {
    start = 1;
  }
  for (let i = start; i < layers.length; i++) current = callLayer(layers[i], current, b, scope, opts);
  return current;
}

function callLayer(e: LayerEntry, inputs: string[], b: GraphBuilder, scope: string[], opts: BuildOptions, callIndex = 0): string[] {
  const start = b.nodes.length;
  let outputs: string[];
  if (e.config && isNestedModel(e.className, e.config)) {
    const inner = [...scope, callIndex ? `${e.name}#${callIndex + 1}` : e.name];
    outputs = buildModel(e.at, b, inner, opts, inputs);
  } else {
    outputs = b.addNode({ name: e.name, opType: e.className, domain: 'keras', attributes: e.attrs, inputs, scope }, e.at).outputs;
    declareShapes(e, inputs, outputs, b);
  }
  shareWeights(e, b.nodes.slice(start));
  return outputs;
}

/** The shapes a layer's config records: `output_shape` (batch omitted, as Lambda writes it) for its
 * output; Keras 3 `build_config.input_shape` for its inputs, when it is called once. */
function declareShapes(e: LayerEntry, inputs: string[], outputs: string[], b: GraphBuilder): void {
  const out = e.attrs.output_shape;
  if (Array.isArray(out) && outputs.length === 1) b.declare(outputs[0], [null, ...out], dimTag(outputs[0]));
  const shape = e.buildShape;
  if (!Array.isArray(shape) || e.calls.length > 1) return;
  if (inputs.length === 1 && !shape.some(Array.isArray)) b.declare(inputs[0], shape, dimTag(inputs[0]));
  else if (shape.length === inputs.length && shape.every(Array.isArray)) inputs.forEach((t, i) => b.declare(t, shape[i], dimTag(t)));
}

/** A layer (or nested model) called again reuses the weights of the nodes its first call made. */
function shareWeights(e: LayerEntry, made: Node[]): void {
  if (!e.owners) {
    e.owners = made;
    return;
  }
  made.forEach((n, i) => {
    const owner = e.owners![i];
    if (owner && owner.name === n.name && owner.opType === n.opType) n.sharesWeightsOf = owner.sharesWeightsOf ?? owner.id;
  });
}

function buildFunctional(config: JsonNode, b: GraphBuilder, scope: string[], opts: BuildOptions, external?: string[]): string[] {
  const where = scope.length ? `model '${scope.join('/')}'` : 'Functional model';
  const layerList = prop(config, 'layers');
  if (!layerList || layerList.type !== 'array') throw new ModelError('config.layers should be a list', where);
  const layers = new Map<string, LayerEntry>();
  for (const [i, l] of items(layerList).entries()) {
    const e = entryOf(l, opts, `${where} layer ${i}`, b);
    if (layers.has(e.name)) throw new JsonModelError(`two layers are named '${e.name}'`, rangeOf(l), where);
    layers.set(e.name, e);
  }
  const inputRefs = parseEndpoints(prop(config, 'input_layers'), `${where} input_layers`);
  const outputRefs = parseEndpoints(prop(config, 'output_layers'), `${where} output_layers`);
  const missing = (r: TensorRef, ctx: string): ModelError =>
    new JsonModelError(`${ctx} refers to layer '${r.layer}', which the model does not define`, rangeOf(r.at), where);
  // TF.js counts a nested model's own construction call in node indices that the serialized
  // inbound_nodes do not list (output_layers: ['head', 1, 0] with one call): read such an index
  // as the layer's last call.
  const clampNode = (r: TensorRef): void => {
    const src = layers.get(r.layer);
    const calls = src ? Math.max(src.calls.length, src.outputs.length, 1) : 1;
    if (src && r.node >= calls && src.calls.length > 0 && isNestedModel(src.className, src.config)) {
      r.node = calls - 1;
    }
  };
  for (const e of layers.values()) for (const c of e.calls) c.refs.forEach(clampNode);
  outputRefs.forEach(clampNode);

  // Input layers: graph inputs at top level, the caller's tensors when nested.
  for (const [i, r] of inputRefs.entries()) {
    const e = layers.get(r.layer);
    if (!e) throw missing(r, 'input_layers');
    if (external) {
      if (external[i] === undefined) throw new ModelError(`the nested model has ${inputRefs.length} inputs but is called with ${external.length}`, where);
      e.outputs[0] = [external[i]];
    } else {
      e.outputs[0] = [b.addInput(e.name, declaredInputShape(e.attrs, dimTag(e.name), e.buildShape), e.attrs, e.at)];
    }
  }
  for (const e of layers.values()) {
    if (e.className === 'InputLayer' && !e.outputs[0]) {
      if (external) throw new ModelError(`InputLayer '${e.name}' is not among input_layers`, where);
      e.outputs[0] = [b.addInput(e.name, declaredInputShape(e.attrs, dimTag(e.name), e.buildShape), e.attrs, e.at)];
    }
  }

  // Calls in dependency order (Kahn); what is left over is a cycle or a dangling reference.
  type Call = { e: LayerEntry; k: number; deps: string[] };
  const keyOf = (layer: string, k: number): string => `${layer}\u0000${k}`;
  const pending = new Map<string, Call>();
  for (const e of layers.values()) {
    if (e.outputs[0] && e.calls.length === 0) continue;
    e.calls.forEach((c, k) => {
      if (e.outputs[k]) return;
      for (const r of c.refs) {
        const src = layers.get(r.layer);
        if (!src) throw missing(r, `layer '${e.name}'`);
        if (r.node >= Math.max(src.calls.length, src.outputs.length, 1)) {
          throw new ModelError(`layer '${e.name}' reads call ${r.node} of '${r.layer}', which is called only ${Math.max(src.calls.length, 1)} time(s)`, where);
        }
      }
      pending.set(keyOf(e.name, k), { e, k, deps: c.refs.map((r) => keyOf(r.layer, r.node)) });
    });
  }
  const done = (dep: string): boolean => {
    const [l, k] = dep.split('\u0000');
    return layers.get(l)?.outputs[Number(k)] !== undefined;
  };
  const users = new Map<string, Call[]>();
  const waiting = new Map<Call, number>();
  const ready: Call[] = [];
  for (const c of pending.values()) {
    const open = new Set(c.deps.filter((d) => !done(d)));
    for (const d of open) {
      if (!pending.has(d)) throw new JsonModelError(`layer '${c.e.name}' reads '${d.split('\u0000')[0]}', which is never called (no inbound_nodes)`, rangeOf(c.e.calls[c.k].at), where);
    }
    waiting.set(c, open.size);
    for (const d of open) users.set(d, [...(users.get(d) ?? []), c]);
    if (open.size === 0) ready.push(c);
  }
  let built = 0;
  while (ready.length) {
    const c = ready.shift()!;
    const refs = c.e.calls[c.k].refs;
    const ins = refs.map((r) => tensorOf(layers.get(r.layer)!, r, b));
    refs.forEach((r, i) => b.declare(ins[i], r.shape ?? undefined, dimTag(ins[i])));
    c.e.outputs[c.k] = callLayer(c.e, ins, b, scope, opts, c.k);
    built++;
    for (const u of users.get(keyOf(c.e.name, c.k)) ?? []) {
      const left = waiting.get(u)! - 1;
      waiting.set(u, left);
      if (left === 0) ready.push(u);
    }
  }
  if (built < pending.size) {
    const stuckCalls = [...pending.values()].filter((c) => !c.e.outputs[c.k]);
    const stuck = stuckCalls.map((c) => c.e.name);
    throw new JsonModelError(`the layers ${[...new Set(stuck)].slice(0, 8).map((s) => `'${s}'`).join(', ')} depend on each other in a cycle`, rangeOf(stuckCalls[0].e.calls[stuckCalls[0].k].at), where);
  }
  if (outputRefs.length === 0) throw new ModelError('output_layers is missing or empty', where);
  return outputRefs.map((r) => {
    const e = layers.get(r.layer);
    if (!e) throw missing(r, 'output_layers');
    if (!e.outputs[r.node]) throw new ModelError(`output_layers reads call ${r.node} of '${r.layer}', which is never made`, where);
    return tensorOf(e, r, b);
  });
}

/** More outputs than any Keras layer makes (an RNN with return_state makes a few). */
const MAX_LAYER_OUTPUTS = 64;

/** Tensor name of output r.tensor of a built call; extra outputs are named `id:t`. */
function tensorOf(e: LayerEntry, r: TensorRef, b: GraphBuilder): string {
  const outs = e.outputs[r.node]!;
  if (r.tensor < outs.length) return outs[r.tensor];
  // Checked before the outputs list grows to that index: a tensor index of 1e9 once made it allocate gigabytes.
  if (!Number.isInteger(r.tensor) || r.tensor < 0 || r.tensor >= MAX_LAYER_OUTPUTS) {
    throw new ModelError(`a layer call reads output ${r.tensor} of '${e.name}', which has ${outs.length} output${outs.length === 1 ? '' : 's'}`);
  }
  const node = b.nodes.find((n) => n.outputs[0] === outs[0]);
  if (!node) throw new ModelError(`layer '${e.name}' has no output ${r.tensor}`);
  while (node.outputs.length <= r.tensor) node.outputs.push(`${node.id}:${node.outputs.length}`);
  return node.outputs[r.tensor];
}

