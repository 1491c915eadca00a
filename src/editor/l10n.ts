import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';

/**
 * VS Code picks the extension's bundle (l10n/bundle.l10n.<language>.json) for its display language;
 * the code that does not import vscode (plain modules, webviews, the inference process) gets the
 * same bundle through @vscode/l10n, so every part of ConvLens follows one choice.
 */
export function configureL10n(): void {
  if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
}

/** What a webview page needs to translate its own words (webview/common/l10n.ts reads it). */
export function webviewL10n(): { lang: string; l10n: string } {
  return { lang: vscode.env.language, l10n: JSON.stringify(vscode.l10n.bundle ?? {}) };
}

/** The bundle file for a child process (undefined in English, where there is none). */
export function bundlePath(): string | undefined {
  return vscode.l10n.uri?.scheme === 'file' ? vscode.l10n.uri.fsPath : undefined;
}
