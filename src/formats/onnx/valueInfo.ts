/** ValueInfoProto / TypeProto -> IR ValueInfo. */
import type { DType, Dim, Shape, ValueInfo } from '../../ir/types';
import { ModelError } from '../../ir/types';
import { dtypeFromOnnx, ONNX_DTYPE_MAX } from './dtypes';
import type { TensorShapeProto, TypeProto, TypeProtoTensor, ValueInfoProto } from './schema';
import { int64ToNumber } from './schema';

function elemDtype(value: number, where: string): DType {
  const d = dtypeFromOnnx(value);
  if (d === undefined) throw new ModelError(`unknown elem_type ${value} (ONNX defines 0..${ONNX_DTYPE_MAX})`, where);
  return d;
}

/** A shape; dims with neither value nor param become '?'. A negative dim_value (some old exporters
 * wrote -1 for "unknown") also becomes '?', with a warning, rather than failing the whole model. */
export function convertShape(s: TensorShapeProto, where: string, warnings: string[]): Shape {
  const shape = new Array<Dim>(s.dim.length);
  for (let i = 0; i < s.dim.length; i++) {
    const d = s.dim[i];
    if (d.value === 'dim_value') {
      const v = int64ToNumber(d.dim_value);
      if (v < 0) {
        warnings.push(`${where}: dimension ${i} is ${v}; read as unknown ('?')`);
        shape[i] = '?';
      } else shape[i] = v;
    } else if (d.value === 'dim_param' && d.dim_param) shape[i] = d.dim_param;
    else shape[i] = '?';
  }
  return shape;
}

function tensorTypeName(kind: string, t: TypeProtoTensor, where: string): string {
  return `${kind}(${elemDtype(t.elem_type, where)})`;
}

/** The type as ONNX prints it ('tensor(float32)', 'seq(tensor(int64))', 'map(string,tensor(float32))'). */
export function typeProtoName(t: TypeProto, where = 'type'): string {
  // Iterative over the nesting so a hostile chain of seq(seq(...)) cannot overflow the stack.
  const prefix: string[] = [];
  let cur: TypeProto | null | undefined = t;
  let inner = '?';
  while (cur) {
    if (cur.tensor_type) { inner = tensorTypeName('tensor', cur.tensor_type, where); break; }
    if (cur.sparse_tensor_type) { inner = tensorTypeName('sparse_tensor', cur.sparse_tensor_type, where); break; }
    if (cur.sequence_type) { prefix.push('seq('); cur = cur.sequence_type.elem_type; continue; }
    if (cur.optional_type) { prefix.push('optional('); cur = cur.optional_type.elem_type; continue; }
    if (cur.map_type) { prefix.push(`map(${elemDtype(cur.map_type.key_type, where)},`); cur = cur.map_type.value_type; continue; }
    break;
  }
  return prefix.join('') + inner + ')'.repeat(prefix.length);
}

/** The innermost tensor type of a (possibly nested) type. */
function innerTensor(t: TypeProto | null | undefined): TypeProtoTensor | undefined {
  let cur = t;
  while (cur) {
    if (cur.tensor_type) return cur.tensor_type;
    if (cur.sparse_tensor_type) return cur.sparse_tensor_type;
    cur = cur.sequence_type?.elem_type ?? cur.optional_type?.elem_type ?? cur.map_type?.value_type;
  }
  return undefined;
}

export function convertValueInfo(v: ValueInfoProto, where: string, warnings: string[]): ValueInfo {
  const w = `${where} '${v.name}'`;
  const info: ValueInfo = { name: v.name, dtype: 'undefined', shape: null };
  const t = v.type;
  if (t) {
    const inner = innerTensor(t);
    if (inner) {
      info.dtype = elemDtype(inner.elem_type, w);
      info.shape = inner.shape ? convertShape(inner.shape, w, warnings) : null;
    }
    if (!t.tensor_type) info.typeName = typeProtoName(t, w);
  }
  if (v.doc_string) info.docString = v.doc_string;
  return info;
}
