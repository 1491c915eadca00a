import { findNodeAtOffset } from 'jsonc-parser';
import { ModelError, type Model, type Node, type SourceRange } from '../../ir/types';
import type { Analysis, WarningKind } from '../../analysis/types';
import { analyze } from '../../analysis/analyze';
import { formatShape } from '../../analysis/dims';
import { buildConvLens } from '../convlens-json/build';
import { modelFromTopology } from '../keras/read';
import { tfjsMetadata } from '../tfjs/read';
import { keys, parseJson, prop, rangeOf, type JsonNode } from './tree';
import { JsonModelError, type JsonProblem } from './problems';

/**
 * A JSON model as the editor sees it while the user types (no vscode here, so it is unit tested):
 * the model and its analysis when they can be built, every problem at its exact JSON range, and
 * lookups from text offsets to layers and back. TF.js weights are not read here (text only).
 */
export type JsonModelKind = 'keras' | 'tfjs' | 'convlens';

/** Texts longer than this are not analysed live (the graph view still reads them, in a worker). */
export const LIVE_ANALYSIS_LIMIT = 8 * 1024 * 1024;

/** What a hover or hint says of a layer's node (a Node, or a digest of one received from the model worker). */
export type LayerNode = Pick<Node, 'id' | 'name' | 'opType' | 'source'>;

export interface LayerInfo {
  node: LayerNode;
  inputShapes: string[];
  outputShape: string;
  params: number;
  macs: number;
  receptiveField: number[] | null;
}

export interface JsonModelDocument {
  kind: JsonModelKind | null;
  model?: Model;
  analysis?: Analysis;
  problems: JsonProblem[];
  /** Set when the text was too large to analyse live. */
  tooLarge?: boolean;
  layerAt(offset: number): LayerInfo | undefined;
  layerInfo(nodeId: string): LayerInfo | undefined;
  /** The definition (layer source range) of a layer name under the cursor, e.g. in "inputs" or inbound_nodes. */
  definitionAt(offset: number): SourceRange | undefined;
  layers(): LayerInfo[];
  /** Every string that names a layer or input defined elsewhere: [offset, length, targetOffset, targetLength] each. */
  references(): number[];
}

export function jsonModelKind(root: JsonNode | undefined): JsonModelKind | null {
  if (!root || root.type !== 'object') return null;
  const k = keys(root);
  if (k.includes('modelTopology')) return 'tfjs';
  if (k.includes('class_name') && k.includes('config')) return 'keras';
  if (k.includes('layers') && (k.includes('input') || k.includes('inputs') || k.includes('$schema'))) return 'convlens';
  return null;
}

const SEVERITY: Record<WarningKind, 'error' | 'warning'> = {
  'shape-mismatch': 'error', 'cannot-infer': 'error', 'channel-mismatch': 'error', 'kernel-too-large': 'error',
  'unused-pixels': 'warning', 'unknown-op': 'warning', 'invalid-attribute': 'warning', 'unknown-figures': 'warning', read: 'warning',
};

/** `prepare`: called on the model read from the text before it is analysed (a TF.js model's weights, read beside it). */
export function analyzeJsonText(text: string, path?: string, prepare?: (model: Model) => void): JsonModelDocument {
  const problems: JsonProblem[] = [];
  const empty = (kind: JsonModelKind | null, extra: Partial<JsonModelDocument> = {}): JsonModelDocument => ({
    kind, problems, layerAt: () => undefined, layerInfo: () => undefined, definitionAt: () => undefined, layers: () => [], references: () => [], ...extra,
  });
  if (text.length > LIVE_ANALYSIS_LIMIT) {
    problems.push({
      severity: 'warning', range: { offset: 0, length: 1 },
      message: `this file is ${(text.length / 2 ** 20).toFixed(1)} MB, more than the ${LIVE_ANALYSIS_LIMIT / 2 ** 20} MB ConvLens checks while you type; use "Open Graph to the Side" to see it`,
    });
    return empty(null, { tooLarge: true });
  }
  const { root, errors } = parseJson(text);
  for (const e of errors) problems.push({ severity: 'error', message: `JSON: ${e.message}`, range: e.range });
  const kind = jsonModelKind(root);
  if (!root || !kind) return empty(kind);

  let model: Model | undefined;
  try {
    if (kind === 'convlens') {
      const built = buildConvLens(root, path);
      problems.push(...built.problems);
      model = built.model;
    } else {
      const topology = kind === 'tfjs' ? prop(prop(root, 'modelTopology'), 'model_config') ?? prop(root, 'modelTopology')! : root;
      if (kind === 'tfjs' && prop(prop(root, 'modelTopology'), 'node')) return empty(kind); // graph models have no layer rules
      model = modelFromTopology(topology, kind, path);
      if (kind === 'tfjs') tfjsMetadata(root, model);
    }
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    const range = e instanceof JsonModelError ? e.range : rangeOf(root.children?.[0] ?? root);
    problems.push({ severity: 'error', message: e.message, range });
    return empty(kind);
  }
  // Syntax errors make a partial tree; analysing it would report follow-on noise.
  if (errors.length) return empty(kind, { model });
  prepare?.(model);

  const analysis = analyze(model);
  const byId = analysis.nodeById;
  for (const w of analysis.warnings) {
    const n = w.node ? byId.get(w.node) : undefined;
    const range = n?.source ?? { offset: 0, length: 1 };
    if (problems.some((p) => p.node === w.node && p.severity === 'error' && w.kind === 'cannot-infer' && p.range.offset >= range.offset)) continue;
    problems.push({ severity: SEVERITY[w.kind], message: n ? `${n.name}: ${w.message}` : w.message, range: typeRange(root, n) ?? range, node: w.node || undefined });
  }

  const info = (node: Node): LayerInfo => {
    const out = analysis.tensors.get(node.outputs[0]);
    const fig = analysis.nodes.get(node.id);
    return {
      node,
      inputShapes: node.inputs.map((t) => formatShape(analysis.tensors.get(t)?.shape ?? null)),
      outputShape: formatShape(out?.shape ?? null),
      params: fig?.params ?? 0,
      macs: fig?.macs ?? 0,
      receptiveField: out?.receptiveField ?? null,
    };
  };
  const located = model.graph.nodes.filter((n) => n.source);
  const byName = new Map<string, Node>();
  for (const n of model.graph.nodes) if (!byName.has(n.name)) byName.set(n.name, n);
  const tree = root;
  const definitionOf = (at: JsonNode | undefined): SourceRange | undefined => {
    if (!at || at.type !== 'string') return undefined;
    const target = byName.get(at.value as string);
    if (!target?.source) {
      const input = model!.graph.inputs.find((i) => i.name === at.value);
      return input?.source;
    }
    const s = target.source;
    // The layer's own "name" is not a reference to itself.
    if (at.offset >= s.offset && at.offset < s.offset + s.length && at.parent?.type === 'property' && at.parent.children?.[0]?.value === 'name') return undefined;
    return s;
  };
  return {
    kind, model, analysis, problems,
    layers: () => located.map(info),
    layerInfo: (id) => {
      const n = byId.get(id);
      return n ? info(n) : undefined;
    },
    layerAt: (offset) => {
      let best: Node | undefined;
      for (const n of located) {
        const s = n.source!;
        if (offset >= s.offset && offset <= s.offset + s.length && (!best || s.length < best.source!.length)) best = n;
      }
      return best ? info(best) : undefined;
    },
    definitionAt: (offset) => definitionOf(findNodeAtOffset(tree, offset)),
    references: () => {
      const out: number[] = [];
      const walk = (n: JsonNode): void => {
        if (n.type === 'string') {
          const d = definitionOf(n);
          if (d) out.push(n.offset, n.length, d.offset, d.length);
        }
        for (const c of n.children ?? []) walk(c);
      };
      walk(tree);
      return out;
    },
  };

}

/** The range of a layer's "type"/"class_name" value: a tighter place for a layer-wide problem. */
function typeRange(root: JsonNode, n: Node | undefined): SourceRange | undefined {
  if (!n?.source) return undefined;
  const obj = findNodeAtOffset(root, n.source.offset + 1);
  let o: JsonNode | undefined = obj;
  while (o && o.type !== 'object') o = o.parent;
  if (!o || o.offset !== n.source.offset) return undefined;
  const t = prop(o, 'type') ?? prop(o, 'class_name');
  return t ? rangeOf(t) : undefined;
}
