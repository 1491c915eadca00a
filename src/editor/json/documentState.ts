import * as vscode from 'vscode';
import type { SourceRange } from '../../ir/types';
import type { LayerInfo } from '../../formats/json/modelDocument';
import type { JsonProblem } from '../../formats/json/problems';
import type { GraphDigest, JsonDigest, LayerDigest } from '../../protocol/modelService';
import type { ModelService } from '../modelService';
import { isJsonDocument, textVersion } from '../documentVersion';

export { isJsonDocument };

/**
 * The analysed state of each open JSON model document: one read and analysis per document version, in
 * the model worker, started at most once per edit burst (debounced). Providers that ask for the current
 * version while an edit burst is still going wait for the debounced analysis instead of starting one.
 */
export const DEBOUNCE_MS = 350;

/** A JSON document version as the providers read it (built from the worker's digest). */
export interface JsonModelState {
  version: number;
  kind: JsonDigest['kind'];
  tooLarge?: boolean;
  problems: JsonProblem[];
  totals?: JsonDigest['totals'];
  /** The view graph of this version, when it reads as a model. */
  graph?: GraphDigest;
  layerAt(offset: number): LayerInfo | undefined;
  layerInfo(nodeId: string): LayerInfo | undefined;
  definitionAt(offset: number): SourceRange | undefined;
  layers(): LayerInfo[];
}

interface Slot {
  version: number;
  state?: JsonModelState;
  /** Settles with the state of `version`. */
  promise: Promise<JsonModelState | undefined>;
  /** Starts the analysis now (the debounce timer's job, or a provider's when none is pending). */
  start(): void;
  timer?: NodeJS.Timeout;
}

export class DocumentStates implements vscode.Disposable {
  private readonly slots = new Map<string, Slot>();
  private readonly changed = new vscode.EventEmitter<{ doc: vscode.TextDocument; state: JsonModelState }>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly service: ModelService) {}

  /** The state of the document's current text if it has been analysed; never starts work. */
  current(doc: vscode.TextDocument): JsonModelState | undefined {
    const s = this.slots.get(doc.uri.toString());
    return s && s.version === doc.version ? s.state : undefined;
  }

  /** The state of the document's current text: waits for a pending (debounced) analysis, or starts one. */
  get(doc: vscode.TextDocument): Promise<JsonModelState | undefined> {
    if (!isJsonDocument(doc)) return Promise.resolve(undefined);
    const s = this.slot(doc);
    if (!s.timer) s.start();
    return s.promise;
  }

  /** Schedules the analysis of the current text after the edits stop for DEBOUNCE_MS. */
  schedule(doc: vscode.TextDocument): void {
    if (!isJsonDocument(doc)) return;
    const s = this.slot(doc);
    clearTimeout(s.timer);
    s.timer = setTimeout(() => s.start(), DEBOUNCE_MS);
    void s.promise.then((state) => {
      if (state && (state.kind || state.tooLarge) && !doc.isClosed && doc.version === state.version) this.changed.fire({ doc, state });
    });
  }

  forget(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    clearTimeout(this.slots.get(key)?.timer);
    this.slots.delete(key);
    this.service.forget(key);
  }

  dispose(): void {
    for (const s of this.slots.values()) clearTimeout(s.timer);
    this.changed.dispose();
  }

  /** The slot of the document's current version (a new one after an edit). */
  private slot(doc: vscode.TextDocument): Slot {
    const key = doc.uri.toString();
    const old = this.slots.get(key);
    if (old && old.version === doc.version) return old;
    if (old) clearTimeout(old.timer);
    let started = false;
    let resolve!: (s: JsonModelState | undefined) => void;
    const slot: Slot = {
      version: doc.version,
      promise: new Promise((r) => (resolve = r)),
      start: () => {
        clearTimeout(slot.timer);
        slot.timer = undefined;
        if (started) return;
        started = true;
        if (doc.isClosed || doc.version !== slot.version) return resolve(undefined);
        const version = textVersion(doc);
        void this.service.open(version, true).then((reply) => {
          slot.state = stateOf(slot.version, reply.json, reply.graph, reply.error);
          resolve(slot.state);
        });
      },
    };
    this.slots.set(key, slot);
    return slot;
  }
}

function stateOf(version: number, d: JsonDigest | undefined, graph: GraphDigest | undefined, error: string | undefined): JsonModelState {
  // The worker could not read the text at all (a budget passed): one problem at the start of the file.
  if (!d) d = { kind: null, problems: error ? [{ severity: 'error', message: error, range: { offset: 0, length: 1 } }] : [], layers: [], refs: [] };
  const info = (l: LayerDigest): LayerInfo => ({
    node: { id: l.id, name: l.name, opType: l.opType, source: l.source },
    inputShapes: l.inputShapes, outputShape: l.outputShape, params: l.params, macs: l.macs, receptiveField: l.receptiveField,
  });
  const byId = new Map(d.layers.map((l) => [l.id, l]));
  const refs = d.refs;
  return {
    version, kind: d.kind, tooLarge: d.tooLarge, problems: d.problems, totals: d.totals, graph,
    layers: () => d.layers.map(info),
    layerInfo: (id) => {
      const l = byId.get(id);
      return l ? info(l) : undefined;
    },
    layerAt: (offset) => {
      let best: LayerDigest | undefined;
      for (const l of d.layers) {
        const s = l.source;
        if (offset >= s.offset && offset <= s.offset + s.length && (!best || s.length < best.source.length)) best = l;
      }
      return best ? info(best) : undefined;
    },
    definitionAt: (offset) => {
      for (let i = 0; i < refs.length; i += 4) {
        if (offset >= refs[i] && offset < refs[i] + refs[i + 1]) return { offset: refs[i + 2], length: refs[i + 3] };
      }
      return undefined;
    },
  };
}

export function toRange(doc: vscode.TextDocument, r: { offset: number; length: number }): vscode.Range {
  return new vscode.Range(doc.positionAt(r.offset), doc.positionAt(r.offset + r.length));
}
