/**
 * The readers, and the choice of one by sniffing, on bytes already in memory. No Node module here
 * (nor below, except the ONNX reader's own large-file and external-data paths, which only run when
 * Node file access is given): the web extension runs this in a browser worker, the desktop extension
 * and the CLI through ./index.ts, which adds the local disk.
 *
 * Adding a format: write a ModelReader (see registry.ts) in its own folder and register it below.
 * Order matters only when two readers could both claim a file; JSON readers look at top-level keys.
 */
import type { Model } from '../ir/types';
import { ModelError } from '../ir/types';
import { onnxReader } from './onnx/index';
import { kerasReader } from './keras/reader';
import { tfjsReader } from './tfjs/reader';
import { convLensReader } from './convlens-json/reader';
import { registerReader, registeredReaders, type ModelReader, type ReadContext, type SiblingFiles } from './registry';
import { externalLocations } from './onnx/external';
import { checkSiblingLocation } from './siblingLocation';
import { sniffHint, type SniffHint } from './sniff';

registerReader(onnxReader);
registerReader(tfjsReader);
registerReader(kerasReader);
registerReader(convLensReader);

export interface ReadOptions {
  /** Use the reader with this name instead of sniffing. */
  format?: string;
  /** Read only the given file: files beside it (external data, shards) are refused, and this says why. */
  refuseSiblings?: string;
}

/** The message for a file beside the model that is not read, and why. */
export function siblingRefused(location: string, why: string): string {
  return `the model refers to ${JSON.stringify(location)} beside it, which is not read: ${why}`;
}

const baseName = (path: string): string => path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);

export function pickReader(bytes: Uint8Array, path: string | undefined, hint: SniffHint, options: ReadOptions): ModelReader {
  const readers = registeredReaders();
  if (options.format) {
    const r = readers.find((x) => x.name === options.format);
    if (!r) throw new ModelError(`no reader named '${options.format}' (known: ${readers.map((x) => x.name).join(', ')})`);
    return r;
  }
  for (const r of readers) {
    let yes = false;
    try { yes = r.sniff(bytes, path, hint); } catch { yes = false; }
    if (yes) return r;
  }
  const name = path ? baseName(path) : 'input';
  if (hint.kind === 'empty') throw new ModelError('empty file (0 bytes): not a model', name);
  if (hint.kind === 'json') {
    const keys = hint.jsonKeys.length ? `top-level keys: ${hint.jsonKeys.slice(0, 8).join(', ')}` : 'no top-level object keys';
    if (hint.extension === '.onnx') {
      throw new ModelError(`this .onnx file holds JSON text (${keys}), not an ONNX protobuf model; ONNX files are binary`, name);
    }
    throw new ModelError(`JSON file is not a model format ConvLens reads (${keys}); expected a Keras model (class_name, config), a TF.js model.json (modelTopology) or a ConvLens JSON model`, name);
  }
  throw new ModelError(`not a model format ConvLens recognizes (${hint.kind} content${hint.extension ? `, extension ${hint.extension}` : ''}); supported: ONNX (.onnx), Keras JSON, TF.js model.json, ConvLens JSON`, name);
}


/** Reads `bytes` with the reader that claims them; `context` gives the files beside it (or refuses). */
export async function readWith(bytes: Uint8Array, path: string | undefined, context: ReadContext, options: ReadOptions = {}): Promise<Model> {
  const hint = sniffHint(bytes, path);
  const reader = pickReader(bytes, path, hint, options);
  return runReader(reader, path, () => reader.read(bytes, context), hint);
}

/** Reads a model from bytes alone: a file that needs others beside it (external data, TF.js shards)
 * is told that they cannot be read here. */
export function readModelBytes(bytes: Uint8Array, path?: string, options: ReadOptions = {}): Promise<Model> {
  const why = options.refuseSiblings ?? 'only the opened file is read here';
  const context: ReadContext = {
    path,
    refuseSiblings: why,
    readSibling: async (location: string) => {
      throw new ModelError(siblingRefused(location, why));
    },
  };
  return readWith(bytes, path, context, options);
}

/**
 * Reads a model from bytes, with the files beside it read by `readSibling` (the web build: through VS
 * Code's file system API, confined to the model's folder by its caller too). TF.js shards are read as the
 * reader asks for them; ONNX external data files right after the read, so that tensors read them from
 * memory. A file that cannot be read leaves the graph drawn: the tensors that need it say why.
 */
export async function readModelWithSiblings(bytes: Uint8Array, path: string, readSibling: (location: string) => Promise<Uint8Array>, options: ReadOptions = {}): Promise<Model> {
  const name = baseName(path);
  const siblings: SiblingFiles = new Map();
  const context: ReadContext = {
    path,
    siblings,
    readSibling: async (location: string) => {
      checkSiblingLocation(location, name);
      return readSibling(location);
    },
  };
  const model = await readWith(bytes, path, context, options);
  if (model.format === 'onnx') {
    for (const { location } of externalLocations(model)) {
      if (siblings.has(location)) continue;
      try {
        siblings.set(location, { bytes: await context.readSibling(location) });
      } catch (e) {
        siblings.set(location, { error: e instanceof Error ? e.message : String(e) });
      }
    }
  }
  return model;
}

export /** Runs a reader; anything it throws that is not a ModelError still becomes one line naming the file. */
async function runReader(reader: ModelReader, abs: string | undefined, read: () => Model | Promise<Model>, hint: SniffHint): Promise<Model> {
  let model: Model;
  try {
    model = await read();
  } catch (e) {
    if (e instanceof ModelError) throw e;
    // A reader bug or an engine error on hostile input: still one line, naming the file and reader.
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new ModelError(`the ${reader.name} reader failed: ${msg}`, abs ? baseName(abs) : undefined);
  }
  if (hint.kind === 'json' && hint.extension === '.onnx') {
    model.readWarnings.push(`the file has the .onnx extension but holds JSON, read as ${reader.name}`);
  }
  return model;
}
