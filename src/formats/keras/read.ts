import { ModelError, type Model } from '../../ir/types';
import { lineColumn, parseJson, prop, str, type JsonNode } from '../json/tree';
import { GraphBuilder } from './builder';
import { buildModel } from './topology';

/** Throws a ModelError for the first JSON syntax error, with its line and column. */
export function parseOrThrow(text: string, path?: string): JsonNode {
  const { root, errors } = parseJson(text);
  if (errors.length || !root) {
    const e = errors[0];
    const at = e ? lineColumn(text, e.range.offset) : { line: 1, column: 1 };
    throw new ModelError(`${e?.message ?? 'empty file'} (line ${at.line}, column ${at.column}): not valid JSON`, path);
  }
  return root;
}

/** The Keras version a topology declares ('' when it does not). */
export function kerasVersion(topology: JsonNode): string {
  return str(prop(topology, 'keras_version')) ?? '';
}

/** Builds the IR from a Keras model topology object ({class_name, config, keras_version?}),
 * as written by `model.to_json()` or held in a TF.js model.json's modelTopology. */
export function modelFromTopology(topology: JsonNode, format: 'keras' | 'tfjs', path?: string): Model {
  if (topology.type !== 'object') throw new ModelError(`a Keras model should be a JSON object, found ${topology.type}`, path);
  const version = kerasVersion(topology);
  const legacy = version.startsWith('1.');
  const b = new GraphBuilder();
  if (legacy) b.warnings.push(`Keras ${version} (1.x) layer names and arguments were read as their Keras 2 equivalents`);
  const outputs = buildModel(topology, b, [], { legacy });
  const name = str(prop(prop(topology, 'config'), 'name')) ?? '';
  return {
    format,
    producer: format === 'tfjs' ? 'TensorFlow.js' : 'Keras',
    producerVersion: version || undefined,
    opsets: {},
    metadata: {
      ...(str(prop(topology, 'backend')) ? { backend: str(prop(topology, 'backend'))! } : {}),
      ...(name ? { name } : {}),
    },
    graph: {
      name,
      nodes: b.nodes,
      inputs: b.inputs,
      outputs: outputs.map((o) => ({ name: o, dtype: 'float32', shape: null })),
      valueInfo: b.declared,
      initializers: new Map(),
    },
    path,
    readWarnings: b.warnings,
  };
}

/** Reads the JSON of Keras `model.to_json()` (Keras 1.x, 2.x, 3.x). */
export function readKerasJson(text: string, path?: string): Model {
  const root = parseOrThrow(text, path);
  try {
    return modelFromTopology(root, 'keras', path);
  } catch (e) {
    if (e instanceof ModelError && path && !e.message.startsWith(path)) throw new ModelError(e.message, path);
    throw e;
  }
}
