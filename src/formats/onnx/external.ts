/**
 * ONNX external data: tensor bytes stored in a file beside the model, found through the
 * TensorProto's external_data entries (location, offset, length). Read on demand, never at
 * model-read time, so opening a model with gigabytes of external weights stays fast.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Graph, Model, TensorData } from '../../ir/types';
import { ModelError } from '../../ir/types';
import { resolveInside } from '../siblings';
import type { StringStringEntryProto } from './schema';

export interface ExternalRef {
  location: string;
  offset: number;
  /** -1 when the entry gives no length: the data runs to the end of the file. */
  length: number;
}

function parseNonNegative(value: string, key: string, where: string): number {
  if (!/^\d+$/.test(value.trim())) throw new ModelError(`external_data ${key} ${JSON.stringify(value)} is not a non-negative integer`, where);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new ModelError(`external_data ${key} ${value} is too large`, where);
  return n;
}

export function parseExternalData(entries: StringStringEntryProto[], where: string): ExternalRef {
  let location = '';
  let offset = 0;
  let length = -1;
  for (const e of entries) {
    if (e.key === 'location') location = e.value;
    else if (e.key === 'offset') offset = parseNonNegative(e.value, 'offset', where);
    else if (e.key === 'length') length = parseNonNegative(e.value, 'length', where);
  }
  if (!location) throw new ModelError('data_location is EXTERNAL but external_data has no location', where);
  return { location, offset, length };
}

/** The real path of the external data file `location` inside `folder`: refused when it would leave the
 * folder (absolute, '..', a link pointing out) or does not exist. The reader and ONNX Runtime's sessions
 * both go through here, so a file is either read by both or refused by both with the same message. */
export function externalFile(folder: string, location: string, where: string): string {
  const path = resolveInside(folder, location, where);
  if (!existsSync(path)) throw new ModelError(`cannot open external data file ${JSON.stringify(location)}: ENOENT`, where);
  return path;
}

/** Every external data location the model names (initializers, tensor attributes, subgraphs), with where. */
export function externalLocations(model: Model): { location: string; where: string }[] {
  const out: { location: string; where: string }[] = [];
  const tensor = (t: TensorData, where: string) => {
    if (t.external) out.push({ location: t.external.location, where: `${where} '${t.name}'` });
  };
  const graph = (g: Graph, where: string) => {
    for (const t of g.initializers.values()) tensor(t, `${where}initializer`);
    for (const n of g.nodes) {
      for (const [key, v] of Object.entries(n.attributes)) {
        for (const item of Array.isArray(v) ? v : [v]) {
          if (isTensor(item)) tensor(item, `${where}node '${n.id}' attribute ${key}`);
          else if (isGraph(item)) graph(item, `${where}node '${n.id}' ${key}: `);
        }
      }
    }
  };
  graph(model.graph, '');
  return out;
}

function isTensor(v: unknown): v is TensorData {
  return typeof v === 'object' && v !== null && typeof (v as TensorData).values === 'function' && Array.isArray((v as TensorData).dims);
}

function isGraph(v: unknown): v is Graph {
  return typeof v === 'object' && v !== null && Array.isArray((v as Graph).nodes) && (v as Graph).initializers instanceof Map;
}

/** Reads the bytes of an external tensor. `folder` is the model's folder (undefined when the model
 * was given as bytes without a path). `expected` is the byte size the dtype and dims call for. */
export function readExternal(folder: string | undefined, ref: ExternalRef, expected: number, where: string): Uint8Array {
  if (folder === undefined) {
    throw new ModelError(`tensor data is in external file ${JSON.stringify(ref.location)}, but the model was not read from a file, so its folder is unknown`, where);
  }
  const path = externalFile(folder, ref.location, where);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new ModelError(`cannot open external data file ${JSON.stringify(ref.location)}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, where);
  }
  try {
    const size = fstatSync(fd).size;
    const length = ref.length >= 0 ? ref.length : size - ref.offset;
    if (ref.offset + length > size || length < 0) {
      throw new ModelError(`external data ${JSON.stringify(ref.location)} offset ${ref.offset} length ${length} runs past the end of the file (${size} bytes)`, where);
    }
    if (length !== expected) {
      throw new ModelError(`external data ${JSON.stringify(ref.location)} holds ${length} bytes but the tensor needs ${expected}`, where);
    }
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      // readSync reads at most 2 GB per call.
      const n = readSync(fd, out, done, Math.min(length - done, 0x40000000), ref.offset + done);
      if (n === 0) throw new ModelError(`external data ${JSON.stringify(ref.location)} ended early`, where);
      done += n;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}
