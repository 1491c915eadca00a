import * as vscode from 'vscode';
import { looksLikeModelJson } from './modelJsonSniff';

/**
 * Sets the context key `convlens.activeEditorIsModel` while the active editor holds a JSON model
 * (Keras, TF.js model.json or ConvLens JSON), which shows the "Open Graph to the Side" button.
 * Only the top-level keys of the active JSON editor are looked at, when it becomes active.
 */
export const MODEL_CONTEXT_KEY = 'convlens.activeEditorIsModel';

export function registerModelJsonContext(): vscode.Disposable {
  let last: boolean | undefined;
  const update = (editor: vscode.TextEditor | undefined) => {
    const doc = editor?.document;
    const isModel = !!doc && (doc.languageId === 'json' || doc.languageId === 'jsonc') && looksLikeModelJson(doc.getText());
    if (isModel !== last) {
      last = isModel;
      void vscode.commands.executeCommand('setContext', MODEL_CONTEXT_KEY, isModel);
    }
  };
  update(vscode.window.activeTextEditor);
  return vscode.Disposable.from(
    vscode.window.onDidChangeActiveTextEditor(update),
    vscode.workspace.onDidOpenTextDocument((d) => {
      if (d === vscode.window.activeTextEditor?.document) update(vscode.window.activeTextEditor);
    }),
  );
}
