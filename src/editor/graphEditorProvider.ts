import * as vscode from 'vscode';
import type { GraphPanels } from './graphPanel';
import type { ModelComparisons } from './modelDiff';

/**
 * The read-only custom editor for *.onnx: opening the file shows its graph.
 * The document is only its URI (nothing is read until the graph is shown); the file is watched
 * so that a re-export reloads every open view of it.
 */
export class GraphEditorProvider implements vscode.CustomReadonlyEditorProvider<vscode.CustomDocument> {
  static readonly viewType = 'convlens.graph';

  static register(panels: GraphPanels, comparisons?: ModelComparisons): vscode.Disposable {
    return vscode.window.registerCustomEditorProvider(GraphEditorProvider.viewType, new GraphEditorProvider(panels, comparisons), {
      // Each view reloads from `ready`; keeping hidden webviews alive would cost memory for nothing.
      webviewOptions: { retainContextWhenHidden: false },
      supportsMultipleEditorsPerDocument: true,
    });
  }

  constructor(private readonly panels: GraphPanels, private readonly comparisons?: ModelComparisons) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    const watcher = uri.scheme === 'file'
      ? vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), basename(uri)))
      : undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A writer replaces the file in several steps; wait until it settles.
    const reload = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void this.panels.reload(uri), 300);
    };
    watcher?.onDidChange(reload);
    watcher?.onDidCreate(reload);
    return {
      uri,
      dispose: () => {
        clearTimeout(timer);
        watcher?.dispose();
      },
    };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    this.panels.attach(document.uri, panel);
    // One side of a diff tab (Source Control, Compare with…): mark what changed.
    this.comparisons?.track(document.uri, panel);
  }
}

function basename(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}
