import { stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { DiffReply, DocumentVersion, GraphDigest, LoweredReply, NodeReply, OpenReply, WeightReply } from '../protocol/modelService';
import { isJsonDocument, textVersion } from './documentVersion';
import { ModelService } from './modelService';
import { onlyThisFile } from './workspaceTrust';

export type SourceResult =
  | { ok: true; graph: GraphDigest; millis: number }
  | { ok: false; error: string; millis: number };

/**
 * Where a model comes from, as one version per document: the unsaved text of an open editor when there
 * is one (so the graph, the JSON providers and Run all see what the user is typing), otherwise the file
 * (its version is its modification time and size). Everything is read in the model worker
 * (./modelService.ts); this class only names the version.
 */
export class ModelSource implements vscode.Disposable {
  readonly service: ModelService;

  constructor(extensionUri: vscode.Uri, service?: ModelService) {
    this.service = service ?? new ModelService({ workerScript: vscode.Uri.joinPath(extensionUri, 'dist', 'modelWorker.js').fsPath, l10nBundle: vscode.l10n.bundle });
  }

  /** The version of `uri` the user sees now; `dimValues`: the input sizes chosen for its graph. */
  async version(uri: vscode.Uri, dimValues?: Record<string, number>): Promise<DocumentVersion> {
    const v = await this.plainVersion(uri);
    return dimValues && Object.keys(dimValues).length ? { ...v, dimValues } : v;
  }

  private async plainVersion(uri: vscode.Uri): Promise<DocumentVersion> {
    const key = uri.toString();
    const title = uri.path.slice(uri.path.lastIndexOf('/') + 1);
    const path = uri.scheme === 'file' ? uri.fsPath : uri.path;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (open && isJsonDocument(open)) return textVersion(open);
    if (uri.scheme === 'file') {
      let v = 'missing';
      try {
        const s = await stat(path);
        v = `${s.mtimeMs}:${s.size}`;
      } catch {
        // the worker's reader says what is wrong with the path
      }
      // Restricted Mode reads the opened file only; trusting the folder makes a new version, read again with its siblings.
      if (onlyThisFile(uri)) return { key, version: `file:${v}:restricted`, path, title, onlyThisFile: 'untrusted' };
      return { key, version: `file:${v}`, path, title };
    }
    // Not on this disk (a virtual workspace, a git: version): read through VS Code, never at the path itself.
    const bytes = await vscode.workspace.fs.readFile(uri);
    return { key, version: `fs:${Date.now()}`, path, title, bytes, onlyThisFile: 'virtual' };
  }

  /** `dimValues`: the input sizes the user chose (analysed with every shape concrete). */
  async load(uri: vscode.Uri, dimValues?: Record<string, number>): Promise<SourceResult> {
    const started = performance.now();
    const millis = () => Math.round(performance.now() - started);
    let doc: DocumentVersion;
    try {
      doc = await this.version(uri, dimValues);
    } catch (e) {
      return { ok: false, error: `Cannot read ${uri.toString()}: ${e instanceof Error ? e.message : String(e)}`, millis: millis() };
    }
    const reply: OpenReply = await this.service.open(doc, doc.text !== undefined);
    return reply.graph ? { ok: true, graph: reply.graph, millis: millis() } : { ok: false, error: reply.error ?? 'not a model', millis: millis() };
  }

  /** ONNX bytes of what the user sees (Keras, TF.js and ConvLens JSON lowered), for inference. */
  async lowered(uri: vscode.Uri): Promise<LoweredReply & { version: string }> {
    const doc = await this.version(uri);
    return { ...(await this.service.lowered(doc)), version: doc.version };
  }

  /** The two versions the user sees, compared in the model worker. */
  async diff(original: vscode.Uri, modified: vscode.Uri, oldName: string, newName: string): Promise<DiffReply> {
    try {
      return await this.service.diff(await this.version(original), await this.version(modified), oldName, newName);
    } catch (e) {
      return { error: `Cannot read ${original.toString()} or ${modified.toString()}: ${e instanceof Error ? e.message : String(e)}`, counts: { reads: 0, analyses: 0, lowerings: 0 } };
    }
  }

  node(uri: vscode.Uri, nodeId: string): Promise<NodeReply> {
    return this.service.node(uri.toString(), nodeId);
  }

  weight(uri: vscode.Uri, tensor: string, offset: number): Promise<WeightReply> {
    return this.service.weight(uri.toString(), tensor, offset);
  }

  dispose(): void {
    this.service.dispose();
  }
}
