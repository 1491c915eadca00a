import * as vscode from 'vscode';
import type { JsonModelDocument } from '../../formats/json/modelDocument';

/**
 * The analysed state of each open JSON model document, recomputed at most once per edit burst
 * (debounced) and only for JSON documents that look like models. The readers and analysis are
 * required on first use, so activation stays light.
 */
export const DEBOUNCE_MS = 350;

type Analyzer = typeof import('../../formats/json/modelDocument');

let analyzer: Analyzer | undefined;
function load(): Analyzer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  analyzer ??= require('../../formats/json/modelDocument') as Analyzer;
  return analyzer;
}

export function isJsonDocument(doc: vscode.TextDocument): boolean {
  return doc.languageId === 'json' || doc.languageId === 'jsonc';
}

export class DocumentStates implements vscode.Disposable {
  private readonly states = new Map<string, { version: number; state: JsonModelDocument }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly changed = new vscode.EventEmitter<{ doc: vscode.TextDocument; state: JsonModelDocument }>();
  readonly onDidChange = this.changed.event;

  /** The state for the document's current text (computed now if stale). */
  get(doc: vscode.TextDocument): JsonModelDocument | undefined {
    if (!isJsonDocument(doc)) return undefined;
    const key = doc.uri.toString();
    const hit = this.states.get(key);
    if (hit && hit.version === doc.version) return hit.state;
    const state = load().analyzeJsonText(doc.getText(), doc.uri.scheme === 'file' ? doc.uri.fsPath : undefined);
    this.states.set(key, { version: doc.version, state });
    return state;
  }

  /** Schedules a re-analysis after the edits stop for DEBOUNCE_MS. */
  schedule(doc: vscode.TextDocument): void {
    if (!isJsonDocument(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      if (doc.isClosed) return;
      const state = this.get(doc);
      if (state && (state.kind || state.tooLarge)) this.changed.fire({ doc, state });
    }, DEBOUNCE_MS));
  }

  forget(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.states.delete(key);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.changed.dispose();
  }
}

export function toRange(doc: vscode.TextDocument, r: { offset: number; length: number }): vscode.Range {
  return new vscode.Range(doc.positionAt(r.offset), doc.positionAt(r.offset + r.length));
}
