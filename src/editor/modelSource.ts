import * as vscode from 'vscode';
import { loadModelBytes, loadModelFile, type LoadResult } from './modelLoader';

/**
 * Where a graph's model comes from: the unsaved text of an open editor when there is one
 * (so the side graph of a JSON file shows what the user is typing), otherwise the file.
 * Local files go through modelLoader (large ones in a worker); other file systems are read
 * through VS Code's file API.
 */
export class ModelSource {
  constructor(private readonly extensionUri: vscode.Uri) {}

  /** `dimValues`: the input sizes the user chose (analysed with every shape concrete). */
  async load(uri: vscode.Uri, dimValues?: Record<string, number>): Promise<LoadResult> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return loadModelBytes(Buffer.from(open.getText(), 'utf8'), uri.fsPath, undefined, dimValues);
    if (uri.scheme === 'file') {
      return loadModelFile(uri.fsPath, { workerScript: vscode.Uri.joinPath(this.extensionUri, 'dist', 'modelWorker.js').fsPath, dimValues });
    }
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch (e) {
      return { ok: false, error: `Cannot read ${uri.toString()}: ${e instanceof Error ? e.message : String(e)}`, millis: 0 };
    }
    return loadModelBytes(bytes, uri.path, undefined, dimValues);
  }
}
