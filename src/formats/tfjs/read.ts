import { ModelError, type Model, type Node, type TensorData } from '../../ir/types';
import { prop, str, type JsonNode } from '../json/tree';
import { modelFromTopology, parseOrThrow } from '../keras/read';
import { graphModelFromTopology } from './graphModel';
import { loadWeights, parseManifest, type ManifestGroup } from './weights';

/**
 * TF.js model.json: {format: 'layers-model' | 'graph-model', modelTopology, weightsManifest}.
 * Layers models hold a Keras topology (possibly under model_config); their weights are attached
 * to the layers that own them (Node.weights). Weight shards are read beside the model file.
 */
export async function readTfjsModel(text: string, path?: string, readSibling?: (location: string) => Promise<Uint8Array>): Promise<Model> {
  const root = parseOrThrow(text, path);
  const topology = prop(root, 'modelTopology');
  if (!topology) throw new ModelError('model.json has no modelTopology', path);
  const format = str(prop(root, 'format')) ?? '';
  const warnings: string[] = [];
  const groups = parseManifest(prop(root, 'weightsManifest'), path ?? 'model.json');
  const weights = await loadWeights(groups, readSibling, warnings);
  let model: Model;
  if (format === 'graph-model' || prop(topology, 'node')) {
    model = graphModelFromTopology(topology, weights, path);
  } else {
    const keras: JsonNode = prop(topology, 'model_config') ?? topology;
    model = modelFromTopology(keras, 'tfjs', path);
    attachWeights(model, weights, warnings, groups.length > 0);
  }
  tfjsMetadata(root, model);
  model.readWarnings.push(...warnings);
  return model;
}

/** Who wrote the model.json (the Model panel's producer lines). */
export function tfjsMetadata(root: JsonNode, model: Model): void {
  const gen = str(prop(root, 'generatedBy'));
  if (gen) model.metadata.generatedBy = gen;
  const conv = str(prop(root, 'convertedBy'));
  if (conv) model.metadata.convertedBy = conv;
}

/**
 * The weight groups of a TF.js layers model's text: for a model.json read from an editor
 * (src/formats/json/modelDocument.ts builds the model from the text). Empty when it lists none or is
 * not a layers model (or does not parse: the document reader reports that).
 */
export function tfjsTextManifest(text: string, path: string | undefined): ManifestGroup[] {
  let root: JsonNode;
  try {
    root = parseOrThrow(text, path);
  } catch {
    return [];
  }
  const topology = prop(root, 'modelTopology');
  if (!topology || prop(topology, 'node') || str(prop(root, 'format')) === 'graph-model') return [];
  return parseManifest(prop(root, 'weightsManifest'), path ?? 'model.json');
}

/** Reads the groups' shards once; the result gives a model built from the text the weights its layers own,
 * as readTfjsModel does (the figures count the weights a file holds, so this comes before the analysis). */
export async function tfjsWeightsFor(groups: ManifestGroup[], readSibling?: (location: string) => Promise<Uint8Array>): Promise<(model: Model) => void> {
  const warnings: string[] = [];
  const weights = await loadWeights(groups, readSibling, warnings);
  // Each model built from a version of the text gets its own warnings (the reading's, then its own).
  return (model) => {
    const mine = [...warnings];
    attachWeights(model, weights, mine, true);
    model.readWarnings.push(...mine);
  };
}

/** Keras weight order by the last part of a weight's name. */
const ORDER = ['kernel', 'depthwise_kernel', 'pointwise_kernel', 'bias', 'gamma', 'beta', 'moving_mean', 'moving_variance', 'alpha'];

/** Gives each layer the weights named '<...>/<layer name>/<weight>' (TF.js and Keras naming).
 * With a manifest, a layer it lists nothing for has no weights (an empty list, not unknown). */
function attachWeights(model: Model, weights: Map<string, TensorData>, warnings: string[], manifest: boolean): void {
  if (manifest) for (const n of model.graph.nodes) n.weights ??= [];
  const byName = new Map<string, Node[]>();
  for (const n of model.graph.nodes) byName.set(n.name, [...(byName.get(n.name) ?? []), n]);
  const unclaimed: string[] = [];
  for (const [name, t] of weights) {
    const parts = name.replace(/:\d+$/, '').split('/');
    const owner = parts.length >= 2 ? byName.get(parts[parts.length - 2]) : undefined;
    if (!owner) {
      unclaimed.push(name);
      continue;
    }
    model.graph.initializers.set(name, t);
    for (const n of owner) (n.weights ??= []).push(name);
  }
  const rank = (w: string): number => {
    const i = ORDER.indexOf(w.replace(/:\d+$/, '').split('/').pop() ?? '');
    return i < 0 ? ORDER.length : i;
  };
  for (const n of model.graph.nodes) n.weights?.sort((a, b) => rank(a) - rank(b));
  if (unclaimed.length) {
    warnings.push(`${unclaimed.length} weights name no layer of the model (first: '${unclaimed[0]}')`);
    for (const u of unclaimed) model.graph.initializers.set(u, weights.get(u)!);
  }
}
