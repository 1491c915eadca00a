import type { AttrObject, AttrValue, DType } from '../../ir/types';
import { value, type JsonNode, type JsonValue } from '../json/tree';

/** A Keras config value as an IR attribute (JSON maps one to one onto AttrValue). */
export function toAttr(v: JsonValue): AttrValue {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(toAttr);
  const o: AttrObject = {};
  for (const [k, x] of Object.entries(v)) o[k] = toAttr(x);
  return o;
}

/** A layer's config object as IR attributes, with Keras 3's serialised wrappers unwrapped where
 * the rules read plain values: `activation` as a name, `dtype` as a dtype name. */
export function configAttrs(config: JsonNode | undefined): Record<string, AttrValue> {
  const v = value(config);
  const out: Record<string, AttrValue> = {};
  if (!v || typeof v !== 'object' || Array.isArray(v)) return out;
  for (const [k, x] of Object.entries(v)) out[k] = toAttr(x);
  for (const k of ['activation', 'recurrent_activation']) {
    const a = out[k];
    if (a && typeof a === 'object' && !Array.isArray(a)) {
      const inner = (a as AttrObject).config;
      const name = typeof inner === 'string' ? inner : (a as AttrObject).class_name;
      if (typeof name === 'string') out[k] = name;
    }
  }
  const dt = dtypeName(out.dtype);
  if (dt) out.dtype = dt;
  return out;
}

/** 'float32' from a dtype string or a Keras 3 DTypePolicy object ({config: {name: 'mixed_float16'}}). */
export function dtypeName(a: AttrValue | undefined): string | undefined {
  if (typeof a === 'string') return a;
  if (a && typeof a === 'object' && !Array.isArray(a)) {
    const cfg = (a as AttrObject).config;
    if (cfg && typeof cfg === 'object' && !Array.isArray(cfg)) {
      const n = (cfg as AttrObject).name;
      if (typeof n === 'string') return n;
    }
  }
  return undefined;
}

const known: readonly DType[] = ['float32', 'float16', 'bfloat16', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool', 'string', 'complex64'];

/** IR dtype of a Keras dtype name; mixed policies compute in their variable dtype ('mixed_float16' -> float16). */
export function irDType(name: string | undefined): DType {
  if (!name) return 'float32';
  const n = name.startsWith('mixed_') ? name.slice(6) : name;
  return (known as readonly string[]).includes(n) ? (n as DType) : 'float32';
}
