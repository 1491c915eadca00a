/** ONNX bytes -> IR Model. */
import { readFileSync } from 'node:fs';
import type { Model } from '../../ir/types';
import type { SiblingFiles } from '../registry';
import { ModelError } from '../../ir/types';
import { asBuffer, decodeModelProto } from './decode';
import { convertGraph } from './graph';
import { decodeGraphNodes, decodeRawAttributes, findGraph, type DecodedNode } from './nodes';
import { int64ToNumber, ModelProtoWithoutNodesType, type ModelProto } from './schema';
import { fileOffset, readSkeleton, type Skeleton } from './skeleton';

/** Newest IR version this reader was written against (onnx.proto IR_VERSION 12, 2025). */
export const NEWEST_IR_VERSION = 12;

export interface OnnxReadOptions {
  /** Path of the model file: names it in messages, and its folder holds any external data. */
  path?: string;
  /** Folder for external data when it differs from the path's folder. */
  folder?: string;
  /** External data files in memory (the web build): read from here, not from `folder`. */
  siblings?: SiblingFiles;
  /** Set when external data files may not be opened (nor looked for): why. */
  refuseExternal?: string;
  /** Set when `bytes` is a skeleton (see skeleton.ts): the skipped payloads and the file's stamp. */
  skeleton?: Skeleton;
}

export function readOnnx(bytes: Uint8Array, options: OnnxReadOptions = {}): Model {
  const file = options.path ? options.path.split(/[\\/]/).pop() ?? options.path : 'model';
  const folder = options.refuseExternal ? undefined : options.folder ?? (options.path ? options.path.replace(/[\\/][^\\/]*$/, '') || '/' : undefined);
  if (bytes.byteLength === 0) throw new ModelError('empty file (0 bytes): not an ONNX model', file);
  const { proto, nodes } = decode(bytes, file, options.skeleton);
  if (!proto.graph) {
    throw new ModelError(`not an ONNX model: no graph found in ${bytes.byteLength} bytes (protobuf decoded, but ModelProto.graph is missing)`, file);
  }
  const warnings: string[] = [];
  const irVersion = int64ToNumber(proto.ir_version);
  if (irVersion <= 0) warnings.push('ir_version is missing');
  else if (irVersion < 3) warnings.push(`IR version ${irVersion} predates opset imports (IR 3); operators are read as ai.onnx opset 1`);
  else if (irVersion > NEWEST_IR_VERSION) warnings.push(`IR version ${irVersion} is newer than this reader knows (${NEWEST_IR_VERSION}); fields added since are ignored`);

  const opsets: Record<string, number> = {};
  for (const o of proto.opset_import) opsets[o.domain === 'ai.onnx' ? '' : o.domain] = int64ToNumber(o.version);
  if (proto.opset_import.length === 0) {
    if (irVersion >= 3) warnings.push('no opset_import: operators are read as ai.onnx opset 1');
    opsets[''] = 1;
  }
  const metadata: Record<string, string> = {};
  for (const p of proto.metadata_props) metadata[p.key] = p.value;
  if (proto.functions.length) {
    warnings.push(`the model defines ${proto.functions.length} local function(s) (${proto.functions.slice(0, 5).map((f) => f.name).join(', ')}); calls to them are shown as single nodes`);
  }
  if (proto.training_info.length) warnings.push('training information (TrainingInfoProto) is ignored');

  const sk = options.skeleton;
  const ctx = { folder, siblings: options.siblings, refuseExternal: options.refuseExternal, warnings, file: sk && options.path ? { path: options.path, stamp: sk.stamp } : undefined };
  const graph = convertGraph(proto.graph, ctx, `${file}: `, sk?.payloads, nodes);
  const model: Model = {
    format: 'onnx',
    producer: proto.producer_name,
    opsets,
    metadata,
    graph,
    readWarnings: warnings,
  };
  if (proto.producer_version) model.producerVersion = proto.producer_version;
  if (irVersion > 0) model.irVersion = irVersion;
  if (proto.doc_string) model.docString = proto.doc_string;
  if (options.path) model.path = options.path;
  return model;
}

/**
 * The main graph's nodes are decoded by nodes.ts (straight to IR fields, with their byte ranges),
 * the rest by protobufjs; anything unusual falls back to protobufjs for the whole model.
 */
function decode(bytes: Uint8Array, file: string, skeleton: Skeleton | undefined): { proto: ModelProto; nodes?: DecodedNode[] } {
  const buf = asBuffer(bytes);
  let nodes: DecodedNode[] | undefined;
  // The direct node decoder reads through Node's Buffer; in a browser protobufjs decodes everything.
  if (typeof Buffer !== 'undefined' && Buffer.isBuffer(buf)) {
    try {
      const g = findGraph(buf);
      if (g) {
        nodes = decodeGraphNodes(buf, g.start, g.end);
        decodeRawAttributes(nodes);
      }
    } catch {
      // Unusual, or protobufjs failing on an attribute: the full decode below reports it precisely.
      nodes = undefined;
    }
  }
  if (nodes) {
    let proto: ModelProto | undefined;
    try {
      proto = decodeModelProto(bytes, file, ModelProtoWithoutNodesType);
    } catch {
      proto = undefined; // the full decode below says what is wrong
    }
    if (proto?.graph) {
      // Source ranges are file offsets: a skeleton's bytes sit elsewhere than in the file.
      if (skeleton) for (const n of nodes) n.offset = fileOffset(skeleton, n.offset);
      return { proto, nodes };
    }
  }
  return { proto: decodeModelProto(bytes, file) };
}

/**
 * Reads an ONNX file from disk without reading its large weights (they are read on demand; see
 * skeleton.ts). Falls back to reading the whole file when its layout is unusual.
 */
export function readOnnxFile(path: string, options: Omit<OnnxReadOptions, 'path' | 'skeleton'> = {}): Model {
  const skeleton = readSkeleton(path);
  if (!skeleton) return readOnnx(readFileSync(path), { ...options, path });
  return readOnnx(skeleton.bytes, { ...options, path, skeleton });
}
