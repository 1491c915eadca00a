/**
 * Seeded structural mutations of real model files, for the fuzzing tests: each mutation changes what a
 * reader and the analysis interpret (attribute values, indices, shapes, names, layer classes), unlike
 * byte flips, which mostly stop at the parser.
 */
import { seededRandom } from '../../src/common/prng';

export type Rand = () => number;
export const rng = seededRandom;

/** Values that break naive arithmetic: zero, negatives, huge, non-integers, past int32 and 2^53. */
export const NUMBERS = [0, -1, -7, 1, 2, 3, 7, 64, 1e9, -1e9, 2 ** 31, 2 ** 53, 1e308, -1e308, 0.5, -0.5, 1e-300];
/** Names a hostile author might pick. */
export const STRINGS = ['', ' ', '\x1b]52;c;eA==\x07', '<img src=x onerror=alert(1)>', ']]>', '../../etc/passwd', '__proto__', 'constructor', 'a'.repeat(5000), 'x:1', '\u202e', 'null', 'NaN'];

export const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Slot { parent: Json[] | { [k: string]: Json }; key: string | number; value: Json }

function slots(root: Json): Slot[] {
  const out: Slot[] = [];
  const walk = (v: Json) => {
    if (Array.isArray(v)) v.forEach((x, i) => { out.push({ parent: v, key: i, value: x }); walk(x); });
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { out.push({ parent: v, key: k, value: x }); walk(x); }
  };
  walk(root);
  return out;
}

/** Marker replaced by a number JSON cannot spell (1e999 parses as Infinity). */
const HUGE = '\u0000huge\u0000';

/** A JSON model with 1–3 leaves or containers changed (numbers most often). */
export function mutateJson(text: string, rand: Rand): string {
  const root = JSON.parse(text) as Json;
  const all = slots(root);
  const n = 1 + Math.floor(rand() * 3);
  for (let k = 0; k < n && all.length; k++) {
    // Numbers most of the time: sizes, indices, axes are where nonsense figures come from.
    const numeric = all.filter((s) => typeof s.value === 'number');
    const s = rand() < 0.6 && numeric.length ? pick(rand, numeric) : pick(rand, all);
    const set = (v: Json) => ((s.parent as Record<string | number, Json>)[s.key] = v);
    const r = rand();
    if (typeof s.value === 'number') set(r < 0.1 ? HUGE : pick(rand, NUMBERS));
    else if (typeof s.value === 'string') set(r < 0.5 ? pick(rand, STRINGS) : (pick(rand, all.filter((x) => typeof x.value === 'string')).value as string));
    else if (Array.isArray(s.value)) {
      if (r < 0.3) set([]);
      else if (r < 0.6 && s.value.length) s.value.push(s.value[Math.floor(rand() * s.value.length)]);
      else if (s.value.length) s.value.splice(Math.floor(rand() * s.value.length), 1);
      else set([pick(rand, NUMBERS)]);
    } else if (s.value && typeof s.value === 'object') {
      const keys = Object.keys(s.value);
      if (keys.length && r < 0.5) delete (s.value as Record<string, Json>)[pick(rand, keys)];
      else set(r < 0.75 ? null : pick(rand, NUMBERS));
    } else set(r < 0.5 ? pick(rand, NUMBERS) : pick(rand, STRINGS));
  }
  return JSON.stringify(root).replaceAll(JSON.stringify(HUGE), '1e999');
}

/** Attributes worth setting on any node: the window, channel and axis attributes rules read. */
const ATTRS = ['group', 'axis', 'kernel_shape', 'pads', 'strides', 'dilations', 'output_padding', 'output_shape', 'perm', 'axes', 'split', 'training_mode', 'keepdims', 'transA', 'transB', 'allowzero', 'blocksize', 'ceil_mode', 'auto_pad'];

interface OnnxAttr { name: string; type: number; i?: number; ints?: number[]; f?: number; floats?: number[]; s?: Uint8Array }
interface OnnxNode { name: string; op_type: string; input: string[]; output: string[]; attribute: OnnxAttr[] }
interface OnnxDim { dim_value?: number; dim_param?: string }
interface OnnxValue { name: string; type?: { tensor_type?: { shape?: { dim: OnnxDim[] } } } }
export interface OnnxProto { graph: { node: OnnxNode[]; input: OnnxValue[]; output: OnnxValue[]; initializer: { name: string; dims: number[] }[] } }

const ints = (rand: Rand): number[] => Array.from({ length: Math.floor(rand() * 5) }, () => pick(rand, NUMBERS.filter(Number.isInteger)));

/** An ONNX ModelProto (decoded by protobufjs) with 1–3 nodes, attributes, dims or names changed in place. */
export function mutateOnnx(p: OnnxProto, rand: Rand): void {
  const g = p.graph;
  const n = 1 + Math.floor(rand() * 3);
  for (let k = 0; k < n && g.node.length; k++) {
    const node = pick(rand, g.node);
    const r = rand();
    if (r < 0.45) {
      // An attribute: an existing one given a new value, or one added.
      const a = node.attribute.length && rand() < 0.6 ? pick(rand, node.attribute) : undefined;
      const name = a?.name ?? pick(rand, ATTRS);
      const list = a ? a.type === 7 : rand() < 0.5;
      const fresh: OnnxAttr = list ? { name, type: 7, ints: ints(rand) } : { name, type: 2, i: pick(rand, NUMBERS.filter(Number.isInteger)) };
      if (a?.type === 1) Object.assign(fresh, { type: 1, i: undefined, f: pick(rand, [...NUMBERS, Infinity, NaN]) });
      node.attribute = [...node.attribute.filter((x) => x.name !== name), fresh];
    } else if (r < 0.6) {
      // A graph input's dim.
      const v = pick(rand, g.input);
      const dims = v?.type?.tensor_type?.shape?.dim;
      if (dims?.length) dims[Math.floor(rand() * dims.length)] = rand() < 0.7 ? { dim_value: pick(rand, NUMBERS.filter(Number.isInteger)) } : { dim_param: pick(rand, STRINGS) };
    } else if (r < 0.7) {
      node.op_type = pick(rand, g.node).op_type; // another op of the same graph, with this node's inputs
    } else if (r < 0.8) {
      // An input rewired to another tensor, or dropped.
      if (node.input.length) {
        const i = Math.floor(rand() * node.input.length);
        const names = [...g.node.flatMap((x) => x.output), ...g.initializer.map((t) => t.name), ''];
        node.input[i] = pick(rand, names);
      }
    } else if (r < 0.9) {
      node.name = pick(rand, STRINGS);
    } else {
      // An initializer's dims (its data then no longer matches).
      const t = g.initializer.length ? pick(rand, g.initializer) : undefined;
      if (t?.dims.length) t.dims[Math.floor(rand() * t.dims.length)] = pick(rand, [0, 1, 2, 1e9]);
    }
  }
}
