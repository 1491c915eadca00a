import type { SourceRange } from '../ir/types';
import type { JsonProblem } from '../formats/json/problems';
import type { InputDim } from '../analysis/inputDims';
import type { Exchange } from './rpc';
import type { WeightPage, WeightSummary } from '../analysis/weights/summary';
import type { ViewDiff, ViewNode, ViewTensor } from './viewModel';

/**
 * The model worker's requests and replies (src/editor/modelWorker.ts <-> src/editor/modelService.ts).
 * A document version is read and analysed once, in the worker; the host receives digests that are
 * cheap to receive: the view graph as (deflated) UTF-8 JSON in a transferred buffer (passed on to the
 * webview, which parses it; the host never does), and for JSON documents what the editor's providers need.
 */

/** Which text or file a document version is. `version` changes with every edit (or file change). */
export interface DocumentVersion {
  /** The document's URI (cache key). */
  key: string;
  version: string;
  /** File path: names the model in messages, locates sibling files (external data, shards). */
  path: string;
  title: string;
  /** The unsaved text of an open editor; without it the file at `path` is read. */
  text?: string;
  /** The file's bytes when it is not on the local disk (read through VS Code's file system API). */
  bytes?: Uint8Array;
  /** Set when no file beside this one may be read (Restricted Mode, a virtual workspace): why.
   * A version with `bytes` never reads beside itself either way. */
  onlyThisFile?: 'untrusted' | 'virtual';
  /** The graph at these sizes of the symbolic input dims (the input-size control); the model is still read once. */
  dimValues?: Record<string, number>;
}

export interface GraphDigest {
  title: string;
  format: string;
  nodeCount: number;
  /** The symbolic input dims and the sizes the figures are at (ViewGraph totals.evaluatedAt), for Run. */
  evaluatedAt?: InputDim[];
  /** The ViewGraph as UTF-8 JSON lines (src/protocol/graphEncoding.ts), zlib-deflated when large (a
   * 200k-node graph: 83 MB of JSON, 5 MB deflated): a big buffer arriving on the host thread made V8
   * collect its whole heap there. */
  encoded: EncodedGraph;
}

export interface EncodedGraph {
  encoding: 'rows' | 'rows-deflate';
  bytes: Uint8Array;
}

export interface LayerDigest {
  id: string;
  name: string;
  opType: string;
  source: SourceRange;
  inputShapes: string[];
  outputShape: string;
  params: number;
  macs: number;
  receptiveField: number[] | null;
}

/** What the JSON editor's providers (hover, inlay hints, definitions, CodeLens, diagnostics) read. */
export interface JsonDigest {
  kind: 'keras' | 'tfjs' | 'convlens' | null;
  tooLarge?: boolean;
  problems: JsonProblem[];
  /** Layers with a source range, in graph order. */
  layers: LayerDigest[];
  /** Reference strings and what they name: [offset, length, targetOffset, targetLength] per reference. */
  refs: number[];
  /** Set when the text reads as a model and was analysed. */
  totals?: { layers: number; params: number };
}

/** Read and analysed: counts since the worker started, for tests of "once per version". */
export interface WorkCounts { reads: number; analyses: number; lowerings: number }

/** The model worker's requests (over ./rpc.ts), and what each reply holds. */
export interface ModelRequests {
  open: Exchange<{ doc: DocumentVersion; json: boolean }, OpenReply>;
  lowered: Exchange<{ doc: DocumentVersion }, LoweredReply>;
  node: Exchange<{ key: string; nodeId: string }, NodeReply>;
  /** Two versions compared (src/diff): what each side marks. `oldName`/`newName`: how the user knows each. */
  diff: Exchange<{ old: DocumentVersion; new: DocumentVersion; oldName: string; newName: string }, DiffReply>;
  counts: Exchange<Record<string, never>, WorkCounts>;
  /** A weight of the last version of `key` read: its statistics (computed once) and the page of values at `offset`. */
  weight: Exchange<WeightRequest, WeightReply>;
}

export interface WeightRequest { key: string; tensor: string; offset: number }
/** `summary` is left out when `offset` > 0 (the view has it already). */
export interface WeightReply { summary?: WeightSummary; page?: WeightPage; error?: string }

export interface OpenReply { graph?: GraphDigest; json?: JsonDigest; error?: string; counts: WorkCounts }
/** ONNX bytes of the version (a JSON model lowered to ONNX; the file's bytes for ONNX). */
export interface LoweredReply { bytes?: Uint8Array; error?: string; counts: WorkCounts }
export interface NodeReply { node?: ViewNode; tensors: Record<string, ViewTensor>; format?: string }

/** Each side's marks; `headline` as the CLI prints it ('2 changed, 1 added; 40 unchanged'). */
export interface DiffReply { old?: ViewDiff; new?: ViewDiff; headline?: string; error?: string; counts: WorkCounts }
