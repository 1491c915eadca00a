/**
 * The reader registry: each format registers a reader that sniffs a few bytes and reads the model.
 * src/formats/index.ts registers the built-in readers in order; the first whose sniff says yes reads.
 */
import type { Model } from '../ir/types';
import type { SniffHint } from './sniff';

export interface ReadContext {
  /** Absolute path of the model file, when it was read from one. */
  path?: string;
  /** The model file's folder: external data and weight shards are resolved inside it. */
  folder?: string;
  /** Reads a file beside the model (TF.js weight shards), refusing locations that leave the folder. */
  readSibling(location: string): Promise<Uint8Array>;
  /** Files beside the model already in memory, by location (the web build reads them through VS Code's
   * file system API, after the read: ./bytes.ts). When given, ONNX external data is taken from here, never
   * from the disk; it may be filled after the read, before the tensors' bytes are first asked for. */
  siblings?: SiblingFiles;
  /** Set when no file beside the model may be opened, nor even looked for (an untrusted or virtual
   * workspace): why, for the message of whatever needed one. ONNX external data honours it too. */
  refuseSiblings?: string;
}

/** A sibling's bytes, or why it could not be read. */
export type SiblingFiles = Map<string, { bytes: Uint8Array } | { error: string }>;

export interface ModelReader {
  /** Short name for messages and for ReadOptions.format: 'onnx', 'keras-json', 'tfjs', 'convlens-json'. */
  name: string;
  /** A cheap check (first bytes, JSON top-level keys, extension); must not throw or parse fully. */
  sniff(bytes: Uint8Array, path: string | undefined, hint: SniffHint): boolean;
  /** Reads the model; throws ModelError (what + where) for bad input. */
  read(bytes: Uint8Array, context: ReadContext): Model | Promise<Model>;
  /** Optional: reads a large file straight from disk, without loading all of it (ONNX leaves weights
   * on disk until asked). Used for files of LARGE_FILE_BYTES and more; sniff then sees the first 64 KB. */
  readFile?(path: string, context: ReadContext): Model | Promise<Model>;
}

/** Files at least this large go to a reader's readFile when it has one. */
export const LARGE_FILE_BYTES = 16 * 1024 * 1024;

const readers: ModelReader[] = [];

/** Adds a reader (a later registration with the same name replaces the earlier one). */
export function registerReader(reader: ModelReader): void {
  const i = readers.findIndex((r) => r.name === reader.name);
  if (i >= 0) readers[i] = reader;
  else readers.push(reader);
}

export function registeredReaders(): readonly ModelReader[] {
  return readers;
}
