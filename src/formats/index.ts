/**
 * Entry point of the readers: readModelFile / readModelBytes pick a reader by sniffing and return
 * the IR Model. Every failure caused by the file is a one-line ModelError.
 *
 * Adding a format: write a ModelReader (see registry.ts) in its own folder and register it below.
 * Order matters only when two readers could both claim a file; JSON readers look at top-level keys.
 */
import { open, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Model } from '../ir/types';
import { ModelError } from '../ir/types';
import { onnxReader } from './onnx/index';
import { kerasReader } from './keras/reader';
import { tfjsReader } from './tfjs/reader';
import { convLensReader } from './convlens-json/reader';
import { LARGE_FILE_BYTES, registerReader, registeredReaders, type ModelReader, type ReadContext } from './registry';
import { resolveInside } from './siblings';
import { sniffHint, type SniffHint } from './sniff';

export { registerReader, registeredReaders, type ModelReader, type ReadContext } from './registry';
export type { SniffHint } from './sniff';

registerReader(onnxReader);
registerReader(tfjsReader);
registerReader(kerasReader);
registerReader(convLensReader);

export interface ReadOptions {
  /** Use the reader with this name instead of sniffing. */
  format?: string;
}

/** Protobuf (and so ONNX) cannot encode a message over 2 GB; Node cannot read more into one buffer. */
export const MAX_MODEL_FILE_BYTES = 2 ** 31 - 1;

/** Reads a whole file into one exactly-sized buffer (fs.readFile grows its buffer in chunks). */
async function readWhole(path: string): Promise<Buffer> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a folder' : String(code ?? e);
    throw new ModelError(`cannot open model file: ${why}`, path);
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new ModelError('cannot open model file: is a folder', path);
    if (st.size > MAX_MODEL_FILE_BYTES) {
      throw new ModelError(`file is ${(st.size / 2 ** 30).toFixed(1)} GB; model files over 2 GB cannot be read (ONNX keeps larger weights in external data files)`, path);
    }
    const buf = Buffer.allocUnsafe(st.size);
    let done = 0;
    while (done < st.size) {
      const { bytesRead } = await fh.read(buf, done, st.size - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === st.size ? buf : buf.subarray(0, done);
  } finally {
    await fh.close();
  }
}

/** The first bytes of a file, for sniffing a large file without reading it all. */
async function readHead(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export async function readModelFile(path: string, options: ReadOptions = {}): Promise<Model> {
  const abs = resolve(path);
  let size = -1;
  try { size = (await stat(abs)).size; } catch { /* readWhole reports it */ }
  if (size >= LARGE_FILE_BYTES && size <= MAX_MODEL_FILE_BYTES) {
    const head = await readHead(abs, 64 * 1024);
    const hint = sniffHint(head, abs);
    const reader = pickReader(head, abs, hint, options);
    if (reader.readFile) return runReader(reader, abs, () => reader.readFile!(abs, contextFor(abs)), hint);
  }
  const bytes = await readWhole(abs);
  return readModelBytes(bytes, abs, options);
}

function pickReader(bytes: Uint8Array, path: string | undefined, hint: SniffHint, options: ReadOptions): ModelReader {
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
  const name = path ? basename(path) : 'input';
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

/** Reads a model from bytes already in memory. `path` names it and locates external data. */
export async function readModelBytes(bytes: Uint8Array, path?: string, options: ReadOptions = {}): Promise<Model> {
  const abs = path ? resolve(path) : undefined;
  const hint = sniffHint(bytes, abs);
  const reader = pickReader(bytes, abs, hint, options);
  return runReader(reader, abs, () => reader.read(bytes, contextFor(abs)), hint);
}

function contextFor(abs: string | undefined): ReadContext {
  const folder = abs ? dirname(abs) : undefined;
  return {
    path: abs,
    folder,
    readSibling: async (location: string) => {
      if (!folder) throw new ModelError(`the model refers to ${JSON.stringify(location)} beside it, but it was not read from a file`);
      return readWhole(resolveInside(folder, location, abs ? basename(abs) : 'model'));
    },
  };
}

/** Runs a reader; anything it throws that is not a ModelError still becomes one line naming the file. */
async function runReader(reader: ModelReader, abs: string | undefined, read: () => Model | Promise<Model>, hint: SniffHint): Promise<Model> {
  let model: Model;
  try {
    model = await read();
  } catch (e) {
    if (e instanceof ModelError) throw e;
    // A reader bug or an engine error on hostile input: still one line, naming the file and reader.
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new ModelError(`the ${reader.name} reader failed: ${msg}`, abs ? basename(abs) : undefined);
  }
  if (hint.kind === 'json' && hint.extension === '.onnx') {
    model.readWarnings.push(`the file has the .onnx extension but holds JSON, read as ${reader.name}`);
  }
  return model;
}
