import * as vscode from 'vscode';
import { activeModelUri, GraphPanels } from './editor/graphPanel';
import { GraphEditorProvider } from './editor/graphEditorProvider';
import { ModelSource } from './editor/modelSource';
import { InputSizeStore } from './editor/inputSizes';
import { registerModelJsonContext } from './editor/modelJsonContext';
import { registerOnnxNodeSource } from './editor/onnxNodeSource';
import { InferenceController } from './editor/inference';
import { registerJsonModelSupport } from './editor/json/register';
import { registerSideGraphSerializer } from './editor/sideGraphSerializer';
import { ModelComparisons } from './editor/modelDiff';
import { configureL10n } from './editor/l10n';
import { TrustQueue } from './editor/workspaceTrust';

/**
 * Registers the providers and commands; reads no model and loads no runtime. Everything heavy
 * (readers, analysis, onnxruntime) is required on first use.
 */
export function activate(context: vscode.ExtensionContext): { graphPanels: GraphPanels } {
  configureL10n();
  const log = vscode.window.createOutputChannel('ConvLens', { log: true });
  // Every model is read and analysed in the model worker, once per document version (src/editor/modelService.ts).
  const source = new ModelSource(context.extensionUri);
  const graphPanels = new GraphPanels(context.extensionUri, source, log, new InputSizeStore(context.workspaceState));
  const comparisons = new ModelComparisons(graphPanels, source, log);
  context.subscriptions.push(
    log,
    source,
    graphPanels,
    comparisons,
    GraphEditorProvider.register(graphPanels, comparisons),
    registerModelJsonContext(),
    registerOnnxNodeSource(graphPanels),
    registerSideGraphSerializer(graphPanels, log),
    vscode.commands.registerCommand('convlens.openGraphToSide', (uri?: vscode.Uri) => {
      const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      if (!target) {
        void vscode.window.showErrorMessage(vscode.l10n.t('ConvLens: open a model file (ONNX, Keras JSON, TF.js model.json or ConvLens JSON) first, then run "Open Graph to the Side".'));
        return;
      }
      if (target.path.toLowerCase().endsWith('.onnx')) {
        void vscode.commands.executeCommand('vscode.openWith', target, GraphEditorProvider.viewType, vscode.ViewColumn.Beside);
        return;
      }
      graphPanels.openToSide(target);
    }),
    vscode.commands.registerCommand('convlens.openSample', async () => {
      const sample = vscode.Uri.joinPath(context.extensionUri, 'media', 'samples', 'mnist_c_cxx.onnx');
      await vscode.commands.executeCommand('vscode.openWith', sample, GraphEditorProvider.viewType);
    }),
    vscode.commands.registerCommand('convlens.reloadGraph', async () => {
      const uri = activeModelUri(graphPanels);
      if (!uri || !graphPanels.has(uri)) {
        void vscode.window.showInformationMessage(vscode.l10n.t('ConvLens: no graph is active to reload.'));
        return;
      }
      await graphPanels.reload(uri);
    }),
    vscode.commands.registerCommand('convlens.showLog', () => log.show()),
  );
  context.subscriptions.push(
    registerJsonModelSupport(
      source.service,
      (doc) => graphPanels.openToSide(doc.uri),
      // Each edit that still reads as a model updates every open graph of it, keeping zoom and selection;
      // one that does not leaves the graph as it was, marked as the last version that read as a model.
      (doc, state) => {
        if (!graphPanels.has(doc.uri)) return;
        if (state.graph) graphPanels.showModel(doc.uri, state.graph);
        else graphPanels.markStale(doc.uri, staleReason(doc, state.problems));
      },
      graphPanels,
    ),
  );
  // Restricted Mode: graphs show the opened file only, runs wait. Once trusted, the graphs are read
  // again (with the files beside them), then the runs that waited start.
  const trust = new TrustQueue(() => graphPanels.reloadAll());
  context.subscriptions.push(trust);
  InferenceController.register(context, graphPanels, source, log, trust);
  log.info(`ConvLens activated (display language ${vscode.env.language})`);
  return { graphPanels };
}

/** The first error of a JSON model that no longer reads as one, with its line ('line 12: Expected comma'). */
function staleReason(doc: vscode.TextDocument, problems: readonly { severity: string; message: string; range: { offset: number } }[]): string {
  const p = problems.find((q) => q.severity === 'error') ?? problems[0];
  if (!p) return vscode.l10n.t('the text does not read as a model');
  return vscode.l10n.t('line {0}: {1}', doc.positionAt(p.range.offset).line + 1, p.message);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
