import { ModelError, type DType, type TensorData } from '../../ir/types';
import { elementCount, float16ToNumber } from '../../ir/tensor';
import { items, num, prop, str, value, type JsonNode } from '../json/tree';

/**
 * TF.js weightsManifest: groups of weights, each group stored across shard files that are
 * concatenated in order; weights follow one another in the group's bytes. A weight may be
 * quantised: uint8/uint16 with {scale, min} (value = q·scale + min) or float16 (IEEE half).
 * Values are dequantised lazily to float32 (tfjs-core io/io_utils.ts decodeWeights does the same).
 */
export interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: DType;
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number };
}

export interface ManifestGroup {
  paths: string[];
  weights: ManifestWeight[];
}

export function parseManifest(node: JsonNode | undefined, where: string): ManifestGroup[] {
  if (!node) return [];
  if (node.type !== 'array') throw new ModelError(`weightsManifest should be a list of {paths, weights}, found ${node.type}`, where);
  return items(node).map((g, gi) => {
    const paths = items(prop(g, 'paths')).map((p) => str(p)).filter((p): p is string => p !== undefined);
    const weights = items(prop(g, 'weights')).map((w, wi) => {
      const name = str(prop(w, 'name'));
      const shape = value(prop(w, 'shape'));
      if (!name || !Array.isArray(shape) || !shape.every((d) => typeof d === 'number')) {
        throw new ModelError(`weight ${wi} of group ${gi} needs a name and a shape`, where);
      }
      const q = prop(w, 'quantization');
      const qd = str(prop(q, 'dtype'));
      const mw: ManifestWeight = { name, shape: shape as number[], dtype: (str(prop(w, 'dtype')) ?? 'float32') as DType };
      if (q) {
        if (qd !== 'uint8' && qd !== 'uint16' && qd !== 'float16') throw new ModelError(`weight '${name}' has quantization dtype ${JSON.stringify(qd)}; expected uint8, uint16 or float16`, where);
        mw.quantization = { dtype: qd, scale: num(prop(q, 'scale')), min: num(prop(q, 'min')) };
        if (qd !== 'float16' && (mw.quantization.scale === undefined || mw.quantization.min === undefined)) {
          throw new ModelError(`weight '${name}' is ${qd}-quantised but has no scale and min`, where);
        }
      }
      return mw;
    });
    return { paths, weights };
  });
}

const STORED_BYTES: Partial<Record<string, number>> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Bytes a weight occupies in its shard. */
export function storedBytes(w: ManifestWeight): number {
  const per = STORED_BYTES[w.quantization?.dtype ?? w.dtype];
  if (per === undefined) throw new ModelError(`weight '${w.name}' has dtype ${w.dtype}, which TF.js weight files do not hold`);
  return elementCount(w.shape, `weight '${w.name}'`) * per;
}

/** The dtype a weight has once read: int32 and bool stay, everything else (quantised too) is float32. */
function readDtype(w: ManifestWeight): DType {
  return w.dtype === 'int32' ? 'int32' : w.dtype === 'bool' ? 'bool' : 'float32';
}

/** The weight as a float32 (or int32, bool) TensorData over `bytes` (its slice of the group buffer). */
export function weightTensor(w: ManifestWeight, bytes: Uint8Array): TensorData {
  const count = elementCount(w.shape, `weight '${w.name}'`);
  const outType = readDtype(w);
  let cache: Float32Array | Int32Array | Uint8Array | undefined;
  const decode = (): Float32Array | Int32Array | Uint8Array => {
    if (cache) return cache;
    const copy = bytes.slice();
    const q = w.quantization;
    if (!q) {
      cache = outType === 'int32' ? new Int32Array(copy.buffer, 0, count) : outType === 'bool' ? copy : new Float32Array(copy.buffer, 0, count);
    } else if (q.dtype === 'float16') {
      const h = new Uint16Array(copy.buffer, 0, count);
      cache = Float32Array.from(h, float16ToNumber);
    } else {
      const src = q.dtype === 'uint8' ? copy : new Uint16Array(copy.buffer, 0, count);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = src[i] * q.scale! + q.min!;
      cache = outType === 'int32' ? Int32Array.from(out, Math.round) : out;
    }
    return cache;
  };
  return {
    name: w.name, dtype: outType, dims: w.shape, byteLength: count * (outType === 'bool' ? 1 : 4),
    bytes: () => {
      const v = decode();
      return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    },
    values: () => decode(),
  };
}

/** A weight whose shard could not be read: reading its values says which file was missing. */
export function missingTensor(w: ManifestWeight, why: string): TensorData {
  const fail = (): never => {
    throw new ModelError(why, `weight '${w.name}'`);
  };
  return { name: w.name, dtype: readDtype(w), dims: w.shape, byteLength: 0, missing: true, bytes: fail, values: fail };
}

/** Reads every group's shards and slices out its weights; a missing or short shard gives missing
 * weights and a warning naming the file, so the graph is still drawn. */
export async function loadWeights(
  groups: ManifestGroup[],
  readSibling: ((location: string) => Promise<Uint8Array>) | undefined,
  warnings: string[],
): Promise<Map<string, TensorData>> {
  const out = new Map<string, TensorData>();
  const shardCache = new Map<string, Uint8Array>();
  for (const g of groups) {
    let buffer: Uint8Array | undefined;
    let why = '';
    if (!readSibling) why = 'the model was not read from a file, so its weight shards cannot be found';
    else {
      try {
        buffer = await readGroup(g, readSibling, shardCache);
      } catch (e) {
        why = e instanceof Error ? e.message : String(e);
      }
    }
    let offset = 0;
    let missing = 0;
    for (const w of g.weights) {
      const n = storedBytes(w);
      if (buffer && offset + n > buffer.byteLength) {
        why = `the shards ${g.paths.map((p) => `'${p}'`).join(', ')} hold ${buffer.byteLength} bytes, fewer than the manifest lists (weight '${w.name}' ends at byte ${offset + n})`;
        buffer = undefined;
      }
      if (buffer) out.set(w.name, weightTensor(w, buffer.subarray(offset, offset + n)));
      else {
        out.set(w.name, missingTensor(w, why));
        missing++;
      }
      offset += n;
    }
    if (missing > 0) warnings.push(`${missing} weight${missing === 1 ? ' is' : 's are'} missing: ${why}`);
  }
  return out;
}

/**
 * A group's bytes, as far as its weights need them. A shard listed again (in this group or another)
 * is read once, and shards past the bytes the manifest needs are not read: a hostile manifest listing
 * one big shard 64 times would otherwise make us read and concatenate gigabytes for a few kilobytes.
 */
async function readGroup(g: ManifestGroup, readSibling: (location: string) => Promise<Uint8Array>, cache: Map<string, Uint8Array>): Promise<Uint8Array> {
  const needed = g.weights.reduce((n, w) => n + storedBytes(w), 0);
  const parts: Uint8Array[] = [];
  let have = 0;
  for (const p of g.paths) {
    if (have >= needed) break;
    let bytes = cache.get(p);
    if (!bytes) {
      try {
        bytes = await readSibling(p);
      } catch (e) {
        throw new ModelError(`weight shard '${p}' could not be read (${e instanceof Error ? e.message : String(e)}); it should sit beside model.json`);
      }
      cache.set(p, bytes);
    }
    const take = Math.min(bytes.byteLength, needed - have);
    parts.push(bytes.subarray(0, take));
    have += take;
  }
  // A fresh buffer at offset 0 (a shard read into a pooled Buffer may start anywhere in its ArrayBuffer).
  const buffer = new Uint8Array(have);
  let o = 0;
  for (const p of parts) {
    buffer.set(p, o);
    o += p.byteLength;
  }
  return buffer;
}
