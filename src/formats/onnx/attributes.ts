/** AttributeProto -> IR attribute values. */
import type { AttrType, AttrValue, Graph } from '../../ir/types';
import { ModelError } from '../../ir/types';
import { utf8 } from '../../common/text';
import type { AttributeProto, TypeProto } from './schema';
import { AttrKind, int64ToNumber } from './schema';
import { convertSparseTensor, convertTensor, type TensorContext } from './tensor';
import { typeProtoName } from './valueInfo';

const KIND_NAMES: Record<number, AttrType> = {
  [AttrKind.FLOAT]: 'float', [AttrKind.INT]: 'int', [AttrKind.STRING]: 'string', [AttrKind.TENSOR]: 'tensor',
  [AttrKind.GRAPH]: 'graph', [AttrKind.FLOATS]: 'floats', [AttrKind.INTS]: 'ints', [AttrKind.STRINGS]: 'strings',
  [AttrKind.TENSORS]: 'tensors', [AttrKind.GRAPHS]: 'graphs', [AttrKind.SPARSE_TENSOR]: 'sparse_tensor',
  [AttrKind.SPARSE_TENSORS]: 'sparse_tensors', [AttrKind.TYPE_PROTO]: 'type_proto', [AttrKind.TYPE_PROTOS]: 'type_protos',
};

/** The shortest decimal that reads back as the same float32, so an epsilon stored as float32
 * shows as 1e-5 rather than 9.999999747378752e-6 (Math.fround of it is the stored value). */
export function shortestFloat32(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  for (let p = 1; p < 10; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return y;
  }
  return x;
}

/** IR 1 files carry no `type`; the field in use tells it (onnx.proto: "has_field heuristics"). */
function guessKind(a: AttributeProto): number {
  if (a.floats.length) return AttrKind.FLOATS;
  if (a.ints.length) return AttrKind.INTS;
  if (a.strings.length) return AttrKind.STRINGS;
  if (a.tensors.length) return AttrKind.TENSORS;
  if (a.graphs.length) return AttrKind.GRAPHS;
  if (a.t) return AttrKind.TENSOR;
  if (a.g) return AttrKind.GRAPH;
  if (a.s.length) return AttrKind.STRING;
  if (Object.prototype.hasOwnProperty.call(a, 'f')) return AttrKind.FLOAT;
  if (Object.prototype.hasOwnProperty.call(a, 'i')) return AttrKind.INT;
  return AttrKind.UNDEFINED;
}

// An absent bytes field reads as protobufjs' shared empty default (a plain []), not a Uint8Array.
const text = (b: Uint8Array): string => (b instanceof Uint8Array ? utf8(b) : '');

export type GraphConverter = (g: NonNullable<AttributeProto['g']>, where: string) => Graph;

export interface ConvertedAttribute {
  value: AttrValue;
  type: AttrType | undefined;
}

/** `whereOf` builds the location text only when a message or a nested object needs it: most
 * attributes are plain numbers, and building the text for each of 10,000 nodes shows in profiles. */
export function convertAttribute(a: AttributeProto, ctx: TensorContext, convertGraph: GraphConverter, whereOf: () => string): ConvertedAttribute {
  if (a.ref_attr_name) {
    // Inside function bodies: a reference to the caller's attribute, not a value.
    return { value: { ref_attr_name: a.ref_attr_name }, type: KIND_NAMES[a.type] };
  }
  const kind = a.type || guessKind(a);
  const type = KIND_NAMES[kind];
  switch (kind) {
    case AttrKind.FLOAT: return { value: shortestFloat32(a.f), type };
    case AttrKind.INT: return { value: int64ToNumber(a.i), type };
    case AttrKind.STRING: return { value: text(a.s), type };
    case AttrKind.FLOATS: return { value: a.floats.map(shortestFloat32), type };
    case AttrKind.INTS: return { value: a.ints.map(int64ToNumber), type };
    case AttrKind.STRINGS: return { value: a.strings.map(utf8), type };
    case AttrKind.TENSOR:
      if (!a.t) throw new ModelError('TENSOR attribute has no tensor', whereOf());
      return { value: convertTensor(a.t, ctx, whereOf()), type };
    case AttrKind.TENSORS: return { value: a.tensors.map((t, i) => convertTensor(t, ctx, `${whereOf()}[${i}]`)), type };
    case AttrKind.SPARSE_TENSOR:
      if (!a.sparse_tensor) throw new ModelError('SPARSE_TENSOR attribute has no sparse tensor', whereOf());
      return { value: convertSparseTensor(a.sparse_tensor, ctx, whereOf()), type };
    case AttrKind.SPARSE_TENSORS:
      return { value: a.sparse_tensors.map((s, i) => convertSparseTensor(s, ctx, `${whereOf()}[${i}]`)), type };
    case AttrKind.GRAPH:
      if (!a.g) throw new ModelError('GRAPH attribute has no graph', whereOf());
      return { value: convertGraph(a.g, whereOf()), type };
    case AttrKind.GRAPHS: return { value: a.graphs.map((g, i) => convertGraph(g, `${whereOf()}[${i}]`)), type };
    case AttrKind.TYPE_PROTO: return { value: a.tp ? typeProtoName(a.tp as TypeProto, whereOf()) : '', type };
    case AttrKind.TYPE_PROTOS: return { value: a.type_protos.map((t) => typeProtoName(t)), type };
    case AttrKind.UNDEFINED: return { value: null, type: undefined };
    default:
      throw new ModelError(`unknown attribute type ${a.type}`, whereOf());
  }
}
