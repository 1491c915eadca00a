/**
 * The ONNX protobuf schema (onnx/onnx.proto, IR versions 1..12), written as a protobufjs JSON
 * descriptor with the upstream field numbers, plus TypeScript shapes of the decoded messages.
 *
 * Field names keep the .proto's snake_case so they can be checked against onnx.proto line by line.
 * Fields we never read (ModelProto.configuration, NodeProto.device_configurations) are left out:
 * protobufjs skips unknown fields, which is what we want.
 */
import * as protobuf from 'protobufjs';
import type Long from 'long';

type FieldJson = { type: string; id: number; rule?: 'repeated'; options?: { packed: boolean } };
const f = (type: string, id: number): FieldJson => ({ type, id });
const rep = (type: string, id: number): FieldJson => ({ type, id, rule: 'repeated' });
/** onnx.proto marks the numeric TensorProto data fields `[packed = true]`; the rest are proto2 unpacked. */
const packed = (type: string, id: number): FieldJson => ({ type, id, rule: 'repeated', options: { packed: true } });
const unpacked = (type: string, id: number): FieldJson => ({ type, id, rule: 'repeated', options: { packed: false } });

const descriptor = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: f('string', 1),
            ref_attr_name: f('string', 21),
            doc_string: f('string', 13),
            type: f('int32', 20),
            f: f('float', 2),
            i: f('int64', 3),
            s: f('bytes', 4),
            t: f('TensorProto', 5),
            g: f('GraphProto', 6),
            sparse_tensor: f('SparseTensorProto', 22),
            tp: f('TypeProto', 14),
            floats: unpacked('float', 7),
            ints: unpacked('int64', 8),
            strings: rep('bytes', 9),
            tensors: rep('TensorProto', 10),
            graphs: rep('GraphProto', 11),
            sparse_tensors: rep('SparseTensorProto', 23),
            type_protos: rep('TypeProto', 15),
          },
        },
        ValueInfoProto: {
          fields: {
            name: f('string', 1),
            type: f('TypeProto', 2),
            doc_string: f('string', 3),
            metadata_props: rep('StringStringEntryProto', 4),
          },
        },
        NodeProto: {
          fields: {
            input: rep('string', 1),
            output: rep('string', 2),
            name: f('string', 3),
            op_type: f('string', 4),
            domain: f('string', 7),
            overload: f('string', 8),
            attribute: rep('AttributeProto', 5),
            doc_string: f('string', 6),
            metadata_props: rep('StringStringEntryProto', 9),
          },
        },
        TrainingInfoProto: {
          fields: {
            initialization: f('GraphProto', 1),
            algorithm: f('GraphProto', 2),
            initialization_binding: rep('StringStringEntryProto', 3),
            update_binding: rep('StringStringEntryProto', 4),
          },
        },
        ModelProto: {
          fields: {
            ir_version: f('int64', 1),
            opset_import: rep('OperatorSetIdProto', 8),
            producer_name: f('string', 2),
            producer_version: f('string', 3),
            domain: f('string', 4),
            model_version: f('int64', 5),
            doc_string: f('string', 6),
            graph: f('GraphProto', 7),
            metadata_props: rep('StringStringEntryProto', 14),
            training_info: rep('TrainingInfoProto', 20),
            functions: rep('FunctionProto', 25),
          },
        },
        StringStringEntryProto: {
          fields: { key: f('string', 1), value: f('string', 2) },
        },
        TensorAnnotation: {
          fields: {
            tensor_name: f('string', 1),
            quant_parameter_tensor_names: rep('StringStringEntryProto', 2),
          },
        },
        GraphProto: {
          fields: {
            node: rep('NodeProto', 1),
            name: f('string', 2),
            initializer: rep('TensorProto', 5),
            sparse_initializer: rep('SparseTensorProto', 15),
            doc_string: f('string', 10),
            input: rep('ValueInfoProto', 11),
            output: rep('ValueInfoProto', 12),
            value_info: rep('ValueInfoProto', 13),
            quantization_annotation: rep('TensorAnnotation', 14),
            metadata_props: rep('StringStringEntryProto', 16),
          },
        },
        TensorProto: {
          fields: {
            dims: unpacked('int64', 1),
            data_type: f('int32', 2),
            segment: f('Segment', 3),
            float_data: packed('float', 4),
            int32_data: packed('int32', 5),
            string_data: rep('bytes', 6),
            int64_data: packed('int64', 7),
            name: f('string', 8),
            doc_string: f('string', 12),
            raw_data: f('bytes', 9),
            external_data: rep('StringStringEntryProto', 13),
            data_location: f('int32', 14),
            double_data: packed('double', 10),
            uint64_data: packed('uint64', 11),
            metadata_props: rep('StringStringEntryProto', 16),
          },
          nested: {
            Segment: { fields: { begin: f('int64', 1), end: f('int64', 2) } },
          },
        },
        SparseTensorProto: {
          fields: {
            values: f('TensorProto', 1),
            indices: f('TensorProto', 2),
            dims: unpacked('int64', 3),
          },
        },
        TensorShapeProto: {
          fields: { dim: rep('Dimension', 1) },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dim_value', 'dim_param'] } },
              fields: { dim_value: f('int64', 1), dim_param: f('string', 2), denotation: f('string', 3) },
            },
          },
        },
        TypeProto: {
          oneofs: {
            value: { oneof: ['tensor_type', 'sequence_type', 'map_type', 'optional_type', 'sparse_tensor_type'] },
          },
          fields: {
            tensor_type: f('Tensor', 1),
            sequence_type: f('Sequence', 4),
            map_type: f('Map', 5),
            optional_type: f('Optional', 9),
            sparse_tensor_type: f('SparseTensor', 8),
            denotation: f('string', 6),
          },
          nested: {
            Tensor: { fields: { elem_type: f('int32', 1), shape: f('TensorShapeProto', 2) } },
            Sequence: { fields: { elem_type: f('TypeProto', 1) } },
            Map: { fields: { key_type: f('int32', 1), value_type: f('TypeProto', 2) } },
            Optional: { fields: { elem_type: f('TypeProto', 1) } },
            SparseTensor: { fields: { elem_type: f('int32', 1), shape: f('TensorShapeProto', 2) } },
          },
        },
        OperatorSetIdProto: {
          fields: { domain: f('string', 1), version: f('int64', 2) },
        },
        FunctionProto: {
          fields: {
            name: f('string', 1),
            input: rep('string', 4),
            output: rep('string', 5),
            attribute: rep('string', 6),
            attribute_proto: rep('AttributeProto', 11),
            node: rep('NodeProto', 7),
            doc_string: f('string', 8),
            opset_import: rep('OperatorSetIdProto', 9),
            domain: f('string', 10),
            overload: f('string', 13),
            value_info: rep('ValueInfoProto', 12),
            metadata_props: rep('StringStringEntryProto', 14),
          },
        },
      },
    },
  },
};

// The main graph's nodes are decoded by nodes.ts, straight into the IR: for the top-level message,
// types whose GraphProto leaves field 1 (node) out, so protobufjs skips those bytes.
const onnxTypes = descriptor.nested.onnx.nested as Record<string, { fields: Record<string, FieldJson> }>;
{
  const { node: _node, ...graphFields } = descriptor.nested.onnx.nested.GraphProto.fields;
  onnxTypes.GraphProtoWithoutNodes = { fields: graphFields };
  onnxTypes.ModelProtoWithoutNodes = { fields: { ...descriptor.nested.onnx.nested.ModelProto.fields, graph: f('GraphProtoWithoutNodes', 7) } };
}

const root = protobuf.Root.fromJSON(descriptor);
export const ModelProtoType: protobuf.Type = root.lookupType('onnx.ModelProto');
export const GraphProtoType: protobuf.Type = root.lookupType('onnx.GraphProto');
export const TensorProtoType: protobuf.Type = root.lookupType('onnx.TensorProto');
export const AttributeProtoType: protobuf.Type = root.lookupType('onnx.AttributeProto');
/** ModelProto whose graph's nodes are skipped (decoded by nodes.ts instead). */
export const ModelProtoWithoutNodesType: protobuf.Type = root.lookupType('onnx.ModelProtoWithoutNodes');

/** AttributeProto.AttributeType. */
export const enum AttrKind {
  UNDEFINED = 0, FLOAT = 1, INT = 2, STRING = 3, TENSOR = 4, GRAPH = 5, FLOATS = 6, INTS = 7,
  STRINGS = 8, TENSORS = 9, GRAPHS = 10, SPARSE_TENSOR = 11, SPARSE_TENSORS = 12, TYPE_PROTO = 13, TYPE_PROTOS = 14,
}

/** TensorProto.DataLocation.EXTERNAL */
export const DATA_LOCATION_EXTERNAL = 1;

/** An int64 as protobufjs returns it: a Long (long.js is installed) or a number. */
export type Int64 = number | Long;

// Decoded message shapes. Absent optional fields read as the proto default (from the prototype);
// absent repeated fields read as empty arrays.
export interface StringStringEntryProto { key: string; value: string }
export interface OperatorSetIdProto { domain: string; version: Int64 }
export interface DimensionProto { dim_value?: Int64; dim_param?: string; value?: 'dim_value' | 'dim_param'; denotation: string }
export interface TensorShapeProto { dim: DimensionProto[] }
export interface TypeProtoTensor { elem_type: number; shape?: TensorShapeProto | null }
export interface TypeProto {
  value?: 'tensor_type' | 'sequence_type' | 'map_type' | 'optional_type' | 'sparse_tensor_type';
  tensor_type?: TypeProtoTensor | null;
  sparse_tensor_type?: TypeProtoTensor | null;
  sequence_type?: { elem_type?: TypeProto | null } | null;
  optional_type?: { elem_type?: TypeProto | null } | null;
  map_type?: { key_type: number; value_type?: TypeProto | null } | null;
  denotation: string;
}
export interface ValueInfoProto { name: string; type?: TypeProto | null; doc_string: string; metadata_props: StringStringEntryProto[] }
export interface TensorProto {
  dims: Int64[];
  data_type: number;
  segment?: { begin: Int64; end: Int64 } | null;
  float_data: number[];
  int32_data: number[];
  string_data: Uint8Array[];
  int64_data: Int64[];
  name: string;
  doc_string: string;
  raw_data: Uint8Array;
  external_data: StringStringEntryProto[];
  data_location: number;
  double_data: number[];
  uint64_data: Int64[];
}
export interface SparseTensorProto { values?: TensorProto | null; indices?: TensorProto | null; dims: Int64[] }
export interface AttributeProto {
  name: string;
  ref_attr_name: string;
  doc_string: string;
  type: number;
  f: number;
  i: Int64;
  s: Uint8Array;
  t?: TensorProto | null;
  g?: GraphProto | null;
  sparse_tensor?: SparseTensorProto | null;
  tp?: TypeProto | null;
  floats: number[];
  ints: Int64[];
  strings: Uint8Array[];
  tensors: TensorProto[];
  graphs: GraphProto[];
  sparse_tensors: SparseTensorProto[];
  type_protos: TypeProto[];
}
export interface NodeProto {
  input: string[];
  output: string[];
  name: string;
  op_type: string;
  domain: string;
  overload: string;
  attribute: AttributeProto[];
  doc_string: string;
}
export interface GraphProto {
  node: NodeProto[];
  name: string;
  initializer: TensorProto[];
  sparse_initializer: SparseTensorProto[];
  doc_string: string;
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  value_info: ValueInfoProto[];
}
export interface FunctionProto { name: string; domain: string; node: NodeProto[] }
export interface ModelProto {
  ir_version: Int64;
  opset_import: OperatorSetIdProto[];
  producer_name: string;
  producer_version: string;
  domain: string;
  model_version: Int64;
  doc_string: string;
  graph?: GraphProto | null;
  metadata_props: StringStringEntryProto[];
  training_info: unknown[];
  functions: FunctionProto[];
}

/** An int64 field as a JS number (precision is lost beyond 2^53, which shape math tolerates). */
export function int64ToNumber(v: Int64 | null | undefined): number {
  if (v === undefined || v === null) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}
