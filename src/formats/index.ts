/**
 * Entry point of the readers on Node: readModelFile / readModelBytes read a model from a file (or bytes
 * read from one) and return the IR Model. Every failure caused by the file is a one-line ModelError.
 * The choice of reader and the readers themselves are in ./bytes.ts, which uses no Node module and is
 * what the web extension runs; this file adds the local disk: the file, its size, the files beside it.
 */
import { open, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Model } from '../ir/types';
import { ModelError } from '../ir/types';
import { pickReader, readModelBytes as readBytesOnly, readWith, runReader, siblingRefused, type ReadOptions } from './bytes';
import { LARGE_FILE_BYTES, type ReadContext } from './registry';
import { resolveInside } from './siblings';
import { sniffHint } from './sniff';

export { registerReader, registeredReaders, type ModelReader, type ReadContext } from './registry';
export type { SniffHint } from './sniff';
export type { ReadOptions } from './bytes';

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
    if (reader.readFile) return runReader(reader, abs, () => reader.readFile!(abs, contextFor(abs, options)), hint);
  }
  const bytes = await readWhole(abs);
  return readModelBytes(bytes, abs, options);
}

/** Reads a model from bytes already in memory. `path` names it and locates external data. */
export async function readModelBytes(bytes: Uint8Array, path?: string, options: ReadOptions = {}): Promise<Model> {
  // Nothing beside the model is opened: the path only names it (it may not even be on this disk).
  if (options.refuseSiblings) return readBytesOnly(bytes, path, options);
  const abs = path ? resolve(path) : undefined;
  return readWith(bytes, abs, contextFor(abs, options), options);
}

/** How a reader of the model at `path` reads the files beside it (refused, saying why, with `refuseSiblings`). */
export function siblingReader(path: string, options: ReadOptions = {}): (location: string) => Promise<Uint8Array> {
  return contextFor(resolve(path), options).readSibling;
}

function contextFor(abs: string | undefined, options: ReadOptions): ReadContext {
  const folder = abs ? dirname(abs) : undefined;
  const why = options.refuseSiblings;
  if (why) return { path: abs, refuseSiblings: why, readSibling: async (location) => { throw new ModelError(siblingRefused(location, why)); } };
  return {
    path: abs,
    folder,
    readSibling: async (location: string) => {
      if (!folder) throw new ModelError(`the model refers to ${JSON.stringify(location)} beside it, but it was not read from a file`);
      return readWhole(resolveInside(folder, location, abs ? basename(abs) : 'model'));
    },
  };
}

