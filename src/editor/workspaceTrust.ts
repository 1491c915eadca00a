import * as vscode from 'vscode';
import { manageTrustLabel, type OnlyThisFile } from './trustText';

/**
 * Restricted Mode and virtual workspaces, as the editor side sees them (package.json declares both
 * `limited`). Viewing reads the opened file only; what runs a model or reads another file waits for
 * trust (see ./trustText.ts for why and for the words).
 */

/** Why nothing beside `uri` may be read now, or undefined when its folder may be read. */
export function onlyThisFile(uri: vscode.Uri): OnlyThisFile | undefined {
  if (uri.scheme !== 'file') return 'virtual';
  return vscode.workspace.isTrusted ? undefined : 'untrusted';
}

/** Opens VS Code's Workspace Trust editor, where the user trusts the folder. The active editor is kept
 * first: a graph in a preview tab would otherwise be replaced by the trust editor, and its waiting run dropped. */
export async function manageTrust(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.keepEditor');
  await vscode.commands.executeCommand('workbench.trust.manage');
}

/** Also says `message` as a notification with the trust action (a command run from the palette has no panel in view). */
export async function notifyWaitingForTrust(message: string): Promise<void> {
  const action = manageTrustLabel();
  const picked = await vscode.window.showInformationMessage(vscode.l10n.t('ConvLens: {0}', message), action);
  if (picked === action) await manageTrust();
}

/**
 * One action put off until the workspace is trusted, per key (the model's URI): asking again replaces
 * it. When trust is granted, every waiting action runs, after `before` (the graphs re-read with their
 * siblings), so a run is not overtaken by its own graph's reload.
 */
export class TrustQueue implements vscode.Disposable {
  private readonly waiting = new Map<string, () => unknown>();
  private readonly sub: vscode.Disposable;

  constructor(private readonly before: () => Promise<unknown>) {
    this.sub = vscode.workspace.onDidGrantWorkspaceTrust(() => void this.granted());
  }

  /** True when `action` was put off (the workspace is not trusted); false when the caller may go on now. */
  wait(key: string, action: () => unknown): boolean {
    if (vscode.workspace.isTrusted) return false;
    this.waiting.set(key, action);
    return true;
  }

  has(key: string): boolean {
    return this.waiting.has(key);
  }

  forget(key: string): void {
    this.waiting.delete(key);
  }

  dispose(): void {
    this.sub.dispose();
    this.waiting.clear();
  }

  private async granted(): Promise<void> {
    await this.before();
    const actions = [...this.waiting.values()];
    this.waiting.clear();
    for (const a of actions) a();
  }
}
