import type * as vscode from 'vscode';
import type { DocumentVersion } from '../protocol/modelService';

export function isJsonDocument(doc: vscode.TextDocument): boolean {
  return doc.languageId === 'json' || doc.languageId === 'jsonc';
}

/** An open editor's text as a document version (the graph, the JSON providers and Run share it). */
export function textVersion(doc: vscode.TextDocument): DocumentVersion {
  const uri = doc.uri;
  return {
    key: uri.toString(), version: `text:${doc.version}`, path: uri.scheme === 'file' ? uri.fsPath : uri.path,
    title: uri.path.slice(uri.path.lastIndexOf('/') + 1), text: doc.getText(),
  };
}
