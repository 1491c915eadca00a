import * as vscode from 'vscode';
import { SIDE_VIEW_TYPE, type GraphPanels } from './graphPanel';

/**
 * Brings side graphs back after a window reload: VS Code hands over the panel with the state the
 * webview saved (webview/state.ts), which names the model document; the panel shows it again.
 */
export function registerSideGraphSerializer(panels: GraphPanels, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(SIDE_VIEW_TYPE, {
    async deserializeWebviewPanel(panel, state: unknown) {
      const uri = documentOf(state);
      if (!uri) {
        log.warn('a side graph was restored without the model it showed; closing it');
        panel.dispose();
        return;
      }
      log.info(`restoring the side graph of ${uri.toString()}`);
      panels.attach(uri, panel, true);
    },
  });
}

/** The model URI in a side graph's saved state, if it has one. */
export function documentOf(state: unknown): vscode.Uri | undefined {
  const doc = state && typeof state === 'object' ? (state as { document?: unknown }).document : undefined;
  if (typeof doc !== 'string' || !doc) return undefined;
  try {
    return vscode.Uri.parse(doc, true);
  } catch {
    return undefined;
  }
}
