import { readFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import type { Analysis } from '../analysis/types';
import type { JsonModelDocument } from '../formats/json/modelDocument';
import type { Model } from '../ir/types';
import type { DiffReply, DocumentVersion, GraphDigest, JsonDigest, LoweredReply, NodeReply, OpenReply, WeightReply, WorkCounts } from '../protocol/modelService';
import { findWeight, summarizeWeight, weightPage, weightValues, type WeightSummary } from '../analysis/weights/summary';
import type { ViewGraph } from '../protocol/viewModel';
import { encodeGraph } from '../protocol/graphEncoding';
import { analyze } from '../analysis/analyze';
import { readModelBytes, readModelFile, siblingReader } from '../formats/index';
import { tfjsTextManifest, tfjsWeightsFor } from '../formats/tfjs/read';
import { shardStamp } from '../formats/tfjs/shardStamp';
import { analyzeJsonText } from '../formats/json/modelDocument';
import { encodeModel } from '../formats/onnx/writer';
import { lowerKerasModel } from '../lowering/lower';
import { buildViewGraph } from '../view/buildViewGraph';
import { diffModels } from '../diff/diff';
import { diffMarks } from '../diff/marks';
import { headline } from '../diff/report';
import { errorText } from './modelLoader';
import * as l10n from '@vscode/l10n';
import { siblingsRefused } from './trustText';

/**
 * The model worker's memory: the last version of each document, read and analysed once, with what
 * was derived from it (view graph, the JSON editor's digest, the lowered ONNX). Plain Node; runs in
 * the worker (./modelWorker.ts), or in a test's own thread.
 */
interface Entry {
  version: string;
  path: string;
  model?: Model;
  analysis?: Analysis;
  graph?: ViewGraph;
  /** The graph at chosen input sizes, by their JSON (the model is not read again for them). */
  atSizes?: Map<string, ViewGraph>;
  json?: JsonModelDocument;
  error?: string;
  lowered?: Uint8Array;
  /** Weight statistics asked for, by tensor name (each computed once per version). */
  weights?: Map<string, WeightSummary>;
  /** The last weight paged through, decoded, so the next page costs no decoding. */
  lastValues?: { name: string; values: ArrayLike<number> };
}

/** Documents kept; an older one is read again when asked for. */
const KEEP = 8;

export class ModelStore {
  private readonly entries = new Map<string, Entry>();
  /** TF.js weight shards read for a model.json's text, by its path (see tfjsWeights). */
  private readonly shards = new Map<string, { key: string; attach: (model: Model) => void }>();
  readonly counts: WorkCounts = { reads: 0, analyses: 0, lowerings: 0 };

  /** Reads and analyses `doc` (unless this version is cached) and digests it. */
  async open(doc: DocumentVersion, json: boolean): Promise<OpenReply> {
    const e = await this.entry(doc, json);
    let g = e.graph;
    if (g && e.model && doc.dimValues) {
      const k = JSON.stringify(doc.dimValues);
      e.atSizes ??= new Map();
      let at = e.atSizes.get(k);
      if (!at) {
        try {
          this.counts.analyses++;
          at = buildViewGraph(e.model, analyze(e.model, { dimValues: doc.dimValues }), doc.title);
          e.atSizes.set(k, at);
        } catch (err) {
          return { error: errorText(err, doc.path), counts: { ...this.counts } };
        }
      }
      g = at;
    }
    const graph = g ? digestGraph(g) : undefined;
    return { graph, json: json && e.json ? jsonDigest(e.json) : undefined, error: e.graph ? undefined : e.error ?? 'not a model', counts: { ...this.counts } };
  }

  /** ONNX bytes to run the version with: a Keras, TF.js or ConvLens JSON model lowered to ONNX. */
  async lowered(doc: DocumentVersion): Promise<LoweredReply> {
    const e = await this.entry(doc, doc.text !== undefined);
    if (!e.model || !e.analysis) return { error: e.error ?? 'not a model', counts: { ...this.counts } };
    if (!e.lowered) {
      try {
        if (e.model.format === 'onnx') e.lowered = doc.bytes ?? (await readFile(doc.path));
        else {
          this.counts.lowerings++;
          e.lowered = encodeModel(lowerKerasModel(e.model, { analysis: e.analysis }));
        }
      } catch (err) {
        return { error: errorText(err, doc.path), counts: { ...this.counts } };
      }
    }
    return { bytes: new Uint8Array(e.lowered), counts: { ...this.counts } };
  }

  /** Compares two versions (each read and analysed once, like `open`); each side's marks name the other side. */
  async diff(a: DocumentVersion, b: DocumentVersion, oldName: string, newName: string): Promise<DiffReply> {
    const sides = [];
    for (const doc of [a, b]) {
      const e = await this.entry(doc, doc.text !== undefined);
      if (!e.model || !e.analysis) return { error: e.error ?? errorText(new Error('not a model'), doc.path), counts: { ...this.counts } };
      sides.push({ model: e.model, analysis: e.analysis });
    }
    try {
      const d = diffModels(sides[0], sides[1]);
      return { old: diffMarks(d, 'old', newName), new: diffMarks(d, 'new', oldName), headline: headline(d), counts: { ...this.counts } };
    } catch (err) {
      return { error: errorText(err, `${a.path} ↔ ${b.path}`), counts: { ...this.counts } };
    }
  }

  /** One node of the last graph of `key` (the text shown for an ONNX node's "Reveal source"). */
  node(key: string, nodeId: string): NodeReply {
    const g = this.entries.get(key)?.graph;
    const node = g?.nodes.find((n) => n.id === nodeId);
    if (!g || !node) return { tensors: {} };
    const tensors: NodeReply['tensors'] = {};
    for (const t of [...node.inputs, ...node.outputs]) if (g.tensors[t]) tensors[t] = g.tensors[t];
    return { node, tensors, format: g.format };
  }

  /** A weight of the last version of `key` read (the view asks for the one the user clicked). */
  weight(key: string, tensor: string, offset: number): WeightReply {
    const e = this.entries.get(key);
    const t = e?.model ? findWeight(e.model, tensor) : undefined;
    if (!e || !t) return { error: l10n.t('{0}: no weight of this name is stored with the model', tensor) };
    try {
      const values = e.lastValues?.name === tensor ? e.lastValues.values : weightValues(t);
      e.lastValues = { name: tensor, values };
      e.weights ??= new Map();
      let summary = e.weights.get(tensor);
      const fresh = !summary;
      if (!summary) e.weights.set(tensor, (summary = summarizeWeight(t, values)));
      return { ...(fresh || offset === 0 ? { summary } : {}), page: weightPage(values, offset) };
    } catch (err) {
      return { error: errorText(err, e.path) };
    }
  }

  private async entry(doc: DocumentVersion, json: boolean): Promise<Entry> {
    const hit = this.entries.get(doc.key);
    if (hit && hit.version === doc.version && (!json || hit.json)) {
      // Most recently used last.
      this.entries.delete(doc.key);
      this.entries.set(doc.key, hit);
      return hit;
    }
    const e: Entry = { version: doc.version, path: doc.path };
    try {
      if (json) await this.readJson(doc, e);
      else await this.readFile(doc, e);
      if (e.model && e.analysis) e.graph = buildViewGraph(e.model, e.analysis, doc.title);
    } catch (err) {
      e.error = errorText(err, doc.path);
      e.graph = undefined;
    }
    this.entries.delete(doc.key);
    this.entries.set(doc.key, e);
    while (this.entries.size > KEEP) this.entries.delete(this.entries.keys().next().value!);
    return e;
  }

  /** The editor's text (or the file's) through the JSON document reader, which keeps source ranges. */
  private async readJson(doc: DocumentVersion, e: Entry): Promise<void> {
    const text = doc.text ?? (doc.bytes ? new TextDecoder().decode(doc.bytes) : await readFile(doc.path, 'utf8'));
    this.counts.reads++;
    const state = analyzeJsonText(text, doc.path, await this.tfjsWeights(doc, text));
    e.json = state;
    e.model = state.model;
    if (state.analysis) {
      this.counts.analyses++;
      e.analysis = state.analysis;
    } else {
      e.error = state.problems.find((p) => p.severity === 'error')?.message ?? (state.kind ? l10n.t('the model could not be analysed') : l10n.t('not a model ConvLens reads (Keras JSON, TF.js model.json or ConvLens JSON)'));
      e.error = errorText(new Error(e.error), doc.path);
    }
  }

  /**
   * A TF.js model.json's weight shards for its text (an editor's, as the user types): read once per
   * manifest and shard files (size, mtime), so typing elsewhere in the file does not read them again.
   */
  private async tfjsWeights(doc: DocumentVersion, text: string): Promise<((model: Model) => void) | undefined> {
    if (!text.includes('weightsManifest')) return undefined;
    let groups;
    try {
      groups = tfjsTextManifest(text, doc.path);
    } catch (err) {
      // A manifest the reader refuses leaves the layers without weights; the text is still analysed, and says why.
      const why = err instanceof Error ? err.message : String(err);
      return (model) => void model.readWarnings.push(why);
    }
    if (groups.length === 0) return undefined;
    const why = doc.onlyThisFile ?? (doc.bytes ? 'virtual' : undefined);
    const key = `${doc.path}\n${why ?? ''}\n${JSON.stringify(groups)}\n${why ? '' : shardStamp(doc.path, groups)}`;
    const kept = this.shards.get(doc.path);
    if (kept?.key === key) return kept.attach;
    const attach = await tfjsWeightsFor(groups, siblingReader(doc.path, why ? { refuseSiblings: siblingsRefused(why) } : {}));
    this.shards.set(doc.path, { key, attach });
    while (this.shards.size > KEEP) this.shards.delete(this.shards.keys().next().value!);
    return attach;
  }

  private async readFile(doc: DocumentVersion, e: Entry): Promise<void> {
    this.counts.reads++;
    // Bytes came through VS Code's file system API: their path is not on this disk, so nothing beside it is read.
    const why = doc.onlyThisFile ?? (doc.bytes ? 'virtual' : undefined);
    const options = why ? { refuseSiblings: siblingsRefused(why) } : {};
    e.model = doc.bytes ? await readModelBytes(doc.bytes, doc.path, options) : await readModelFile(doc.path, options);
    this.counts.analyses++;
    e.analysis = analyze(e.model);
  }
}

function digestGraph(g: ViewGraph): GraphDigest {
  const encoded = encodeGraph(g, (bytes) => new Uint8Array(deflateSync(bytes)));
  return { title: g.title, format: g.format, nodeCount: g.nodes.length, evaluatedAt: g.totals.evaluatedAt, encoded };
}

function jsonDigest(s: JsonModelDocument): JsonDigest {
  return {
    kind: s.kind,
    tooLarge: s.tooLarge,
    problems: s.problems,
    layers: s.layers().map((l) => ({
      id: l.node.id, name: l.node.name, opType: l.node.opType, source: l.node.source!,
      inputShapes: l.inputShapes, outputShape: l.outputShape, params: l.params, macs: l.macs, receptiveField: l.receptiveField,
    })),
    refs: s.references(),
    totals: s.model && s.analysis ? { layers: s.model.graph.nodes.length, params: s.analysis.totals.params } : undefined,
  };
}
