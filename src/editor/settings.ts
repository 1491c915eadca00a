import * as vscode from 'vscode';
import type { ViewOptions } from '../protocol/messages';

/** The user's `convlens.*` settings, read fresh each time (they may change at any moment). */

export function readViewOptions(): ViewOptions {
  const c = vscode.workspace.getConfiguration('convlens.graph');
  return {
    hideBatchDim: c.get<boolean>('hideBatchDim', true),
    foldActivations: c.get<boolean>('foldActivations', false),
  };
}

export const DEFAULT_EXECUTION_PROVIDERS = ['cuda', 'webgpu', 'dml', 'coreml', 'cpu'] as const;

export function readExecutionProviders(): string[] {
  return vscode.workspace.getConfiguration('convlens').get<string[]>('executionProviders', [...DEFAULT_EXECUTION_PROVIDERS]);
}

export function readMemoryBudgetMB(): number {
  return vscode.workspace.getConfiguration('convlens.inference').get<number>('memoryBudgetMB', 2048);
}

/** Absolute path of the labels file, or undefined when none is set. Relative paths resolve against the first workspace folder. */
export function readLabelsFile(): string | undefined {
  const p = vscode.workspace.getConfiguration('convlens').get<string>('labelsFile', '').trim();
  if (!p) return undefined;
  if (p.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p)) return p;
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, p).fsPath : p;
}
