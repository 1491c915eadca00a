import type { Analysis, TensorInfo } from '../analysis/types';
import type { Model, Node } from '../ir/types';
import type { ViewEdge, ViewGraph, ViewGroup, ViewNode, ViewQuantLayer, ViewTensor } from '../protocol/viewModel';
import { modelInfo, nodeWeights } from './weights';
import { displayShape, legendEntries } from '../analysis/aliases';
import { quantMark } from '../analysis/quantLayers';
import { formatAttributes } from './attributes';
import { opFamily } from './family';
import { readingOrder } from '../analysis/readingOrder';
import { otherLabel, windowLabel } from './labels';

/**
 * IR + Analysis -> the plain ViewGraph the webview draws. Nodes that do not depend on any
 * graph input (weight generators such as ConstantOfShape, shape constants) are left out of the
 * picture: their figures are already counted on the layers that read them. Edges run only
 * along data tensors; graph inputs and outputs are the pseudo-ids `input:<t>` / `output:<t>`.
 */
export function buildViewGraph(model: Model, analysis: Analysis, title: string): ViewGraph {
  const graph = model.graph;
  const order = analysis.order.length ? analysis.order : graph.nodes.map((n) => n.id);
  const byId = analysis.nodeById.size ? analysis.nodeById : new Map(graph.nodes.map((n) => [n.id, n]));
  const inputNames = new Set(graph.inputs.map((i) => i.name));

  const dataTensors = dataDependentTensors(order, byId, inputNames);
  const keepAll = inputNames.size === 0;
  const producerOf = new Map<string, string>();
  const kept: Node[] = [];
  for (const id of order) {
    const node = byId.get(id);
    if (!node) continue;
    if (!keepAll && !node.inputs.some((t) => dataTensors.has(t))) continue;
    kept.push(node);
    for (const t of node.outputs) if (t) producerOf.set(t, node.id);
  }
  const isData = (t: string): boolean => !!t && (keepAll ? producerOf.has(t) || inputNames.has(t) : dataTensors.has(t));

  const warningsByNode = new Map<string, string[]>();
  for (const w of analysis.warnings) {
    if (!w.node) continue;
    const list = warningsByNode.get(w.node) ?? [];
    list.push(w.message);
    warningsByNode.set(w.node, list);
  }

  // A quantised layer's anchor is coloured and labelled as the float operator it computes.
  const twin = new Map((analysis.quantLayers ?? []).map((l) => [l.anchor, l.op]));
  // Each node's path is its innermost group's (the analysis lists parents before children).
  const groupPath = new Map<string, string[]>();
  for (const gr of analysis.groups ?? []) for (const id of gr.nodes) groupPath.set(id, gr.path);
  const nodes: ViewNode[] = [];
  const edges: ViewEdge[] = [];
  const referenced = new Set<string>();
  for (const node of kept) {
    const dataInputs = node.inputs.filter(isData);
    const figures = analysis.nodes.get(node.id);
    const outShape = analysis.tensors.get(node.outputs[0] ?? '')?.shape ?? null;
    const window = figures?.window;
    const op = twin.get(node.id);
    const family = op ? opFamily(op, '', dataInputs.length) : opFamily(node.opType, node.domain, dataInputs.length);
    nodes.push({
      id: node.id,
      name: node.name || node.id,
      op: node.opType,
      domain: node.domain,
      family,
      scope: groupPath.get(node.id) ?? [],
      label: window ? windowLabel(window, family === 'pooling') : otherLabel(op ? { ...node, opType: op } : node, displayShape(outShape, analysis.dimAliases)),
      attributes: formatAttributes(node),
      inputs: node.inputs,
      outputs: node.outputs,
      params: figures ? figures.params : null,
      macs: figures ? figures.macs : null,
      activationBytes: figures?.activationBytes ?? 0,
      formulas: window?.axes.map((a) => a.formula) ?? [],
      warnings: warningsByNode.get(node.id) ?? [],
      hasSource: node.source !== undefined || model.format === 'onnx',
      ...nodeWeights(model, node),
    });
    for (const t of node.inputs) if (t) referenced.add(t);
    for (const t of node.outputs) if (t) referenced.add(t);
    const seen = new Set<string>();
    for (const t of dataInputs) {
      if (seen.has(t)) continue;
      seen.add(t);
      const from = producerOf.get(t) ?? (inputNames.has(t) ? `input:${t}` : undefined);
      if (from) edges.push({ from, to: node.id, tensor: t });
    }
  }
  for (const o of graph.outputs) {
    const from = producerOf.get(o.name) ?? (inputNames.has(o.name) ? `input:${o.name}` : undefined);
    if (from) edges.push({ from, to: `output:${o.name}`, tensor: o.name });
    referenced.add(o.name);
  }
  for (const i of graph.inputs) referenced.add(i.name);

  const aliases = analysis.dimAliases;
  const tensors: Record<string, ViewTensor> = {};
  for (const name of referenced) {
    const info = analysis.tensors.get(name);
    const declared = graph.valueInfo.get(name) ?? graph.inputs.find((i) => i.name === name) ?? graph.outputs.find((o) => o.name === name);
    tensors[name] = viewTensor(name, info, declared?.dtype ?? 'undefined', displayShape(info ? info.shape : declared?.shape ?? null, aliases));
  }
  const drawn = new Set(kept.map((n) => n.id));
  const quantLayers: ViewQuantLayer[] = (analysis.quantLayers ?? []).filter((l) => drawn.has(l.anchor)).map((l) => ({
    anchor: l.anchor,
    op: l.op,
    members: l.members.filter((m) => drawn.has(m)),
    nodes: [l.anchor, ...l.members].map((id) => ({ id, op: byId.get(id)?.opType ?? '', name: byId.get(id)?.name || id })),
    mark: quantMark(l),
    ...(l.weightDtype ? { weightDtype: l.weightDtype } : {}),
    ...(l.activationDtype ? { activationDtype: l.activationDtype } : {}),
  }));

  const groups: ViewGroup[] = (analysis.groups ?? []).map((gr) => ({
    key: gr.key,
    path: gr.path,
    kind: gr.kind,
    name: gr.name,
    index: gr.index,
    ...(gr.repeat ? { repeat: gr.repeat } : {}),
    size: gr.nodes.filter((id) => drawn.has(id)).length,
    inputs: gr.inputs,
    outputs: gr.outputs,
    params: gr.params,
    macs: gr.macs,
  }));
  for (const gr of groups) for (const t of [...gr.inputs, ...gr.outputs]) if (!tensors[t]) tensors[t] = viewTensor(t, analysis.tensors.get(t), 'undefined', displayShape(analysis.tensors.get(t)?.shape ?? null, aliases));

  // The analysis's warnings begin with the reader's (kind 'read').
  const warnings = analysis.warnings.map((w) => ({ node: w.node, message: w.message }));
  return {
    title,
    format: model.format,
    producer: [model.producer, model.producerVersion].filter(Boolean).join(' '),
    opsets: { ...model.opsets },
    inputs: graph.inputs.map((i) => tensors[i.name]),
    outputs: graph.outputs.map((o) => tensors[o.name]),
    totals: { ...analysis.totals },
    warnings,
    nodes,
    edges,
    tensors,
    ...(aliases && aliases.size ? { dimLegend: Object.fromEntries(legendEntries(aliases)) } : {}),
    ...(quantLayers.length ? { quantLayers } : {}),
    ...(groups.length ? { groups } : {}),
    ...(analysis.order.length ? { readingOrder: readingIndices(analysis, nodes) } : {}),
    model: modelInfo(model),
  };
}

/** The drawn nodes' indices in reading order; any node the order does not reach keeps its place at the end. */
function readingIndices(analysis: Analysis, nodes: ViewNode[]): number[] {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const out: number[] = [];
  const seen = new Uint8Array(nodes.length);
  for (const id of readingOrder(analysis)) {
    const i = index.get(id);
    if (i !== undefined && !seen[i]) (seen[i] = 1), out.push(i);
  }
  nodes.forEach((_, i) => { if (!seen[i]) out.push(i); });
  return out;
}

function viewTensor(name: string, info: TensorInfo | undefined, dtype: string, shape: ViewTensor['shape']): ViewTensor {
  return {
    name,
    // The IR says 'undefined' for a type nobody knows: take the declared one then, and say 'unknown' when neither is.
    dtype: [info?.dtype, dtype].find((t) => t && t !== 'undefined') ?? 'unknown',
    shape,
    ...(info?.shapeSource ? { shapeSource: info.shapeSource } : {}),
    ...(info?.stoppedAt ? { stoppedAt: info.stoppedAt } : {}),
    receptiveField: info?.receptiveField ?? null,
    stride: info?.stride ?? null,
    bytes: info?.bytes ?? 0,
  };
}

/** Tensors computed (transitively) from a graph input: the ones worth drawing as edges. */
function dataDependentTensors(order: string[], byId: Map<string, Node>, inputs: Set<string>): Set<string> {
  const data = new Set(inputs);
  for (const id of order) {
    const node = byId.get(id);
    if (node && node.inputs.some((t) => data.has(t))) for (const t of node.outputs) if (t) data.add(t);
  }
  return data;
}
