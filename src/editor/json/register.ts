import * as vscode from 'vscode';
import type { ModelService } from '../modelService';
import { DocumentStates, isJsonDocument, toRange, type JsonModelState } from './documentState';
import { hoverMarkdown, shapeHint } from './format';

/**
 * Source integration for JSON models (Keras to_json, TF.js model.json, ConvLens JSON) in VS Code's
 * JSON editor: diagnostics at exact ranges, hovers with shapes/params/MACs/receptive field, an
 * inlay hint with each layer's output shape, go to definition on layer references, a 'Show graph'
 * CodeLens, and selection sync with the graph view both ways.
 */

/** The graph host's side of selection sync (GraphPanels satisfies it). */
export interface GraphSync {
  onDidSelectNode: vscode.Event<{ uri: vscode.Uri; nodeId: string | null }>;
  onDidRequestRevealSource: vscode.Event<{ uri: vscode.Uri; nodeId: string; panel?: vscode.WebviewPanel }>;
  selectNode(uri: vscode.Uri, nodeId: string | null, reveal: boolean): void;
  has(uri: vscode.Uri): boolean;
  /** The graph shown for `uri`, to tell JSON models from binary ones. */
  graphOf(uri: vscode.Uri): { format: string } | undefined;
}

const SELECTOR: vscode.DocumentSelector = [{ language: 'json' }, { language: 'jsonc' }];

export function registerJsonModelSupport(
  service: ModelService,
  openGraph: (doc: vscode.TextDocument) => void,
  /** Every new state of a JSON document: one that reads as a model (state.graph) or one that does not. */
  onModelChanged?: (doc: vscode.TextDocument, state: JsonModelState) => void,
  graph?: GraphSync,
): vscode.Disposable {
  const states = new DocumentStates(service);
  const diagnostics = vscode.languages.createDiagnosticCollection('convlens');
  const hintsChanged = new vscode.EventEmitter<void>();

  const publish = (doc: vscode.TextDocument, state: JsonModelState) => {
    diagnostics.set(doc.uri, state.problems.map((p) => {
      const d = new vscode.Diagnostic(toRange(doc, p.range), p.message, p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      d.source = 'ConvLens';
      return d;
    }));
    hintsChanged.fire();
    onModelChanged?.(doc, state);
  };
  const refresh = (doc: vscode.TextDocument) => {
    if (!isJsonDocument(doc)) return;
    states.schedule(doc);
  };

  const subs: vscode.Disposable[] = [
    states, diagnostics, hintsChanged,
    states.onDidChange(({ doc, state }) => publish(doc, state)),
    vscode.workspace.onDidOpenTextDocument(refresh),
    vscode.workspace.onDidChangeTextDocument((e) => refresh(e.document)),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      states.forget(doc);
      diagnostics.delete(doc.uri);
    }),
    vscode.languages.registerHoverProvider(SELECTOR, {
      async provideHover(doc, pos) {
        const state = await states.get(doc);
        const layer = state?.layerAt(doc.offsetAt(pos));
        if (!layer) return undefined;
        const md = new vscode.MarkdownString(hoverMarkdown(layer));
        return new vscode.Hover(md, toRange(doc, layer.node.source!));
      },
    }),
    vscode.languages.registerInlayHintsProvider(SELECTOR, {
      onDidChangeInlayHints: hintsChanged.event,
      async provideInlayHints(doc, range) {
        const state = await states.get(doc);
        if (!state?.totals) return [];
        const hints: vscode.InlayHint[] = [];
        for (const l of state.layers()) {
          const end = doc.positionAt(l.node.source!.offset + l.node.source!.length);
          if (!range.contains(end)) continue;
          const h = new vscode.InlayHint(end, shapeHint(l), vscode.InlayHintKind.Type);
          h.paddingLeft = true;
          h.tooltip = vscode.l10n.t('{0}: output {1}', l.node.name, l.outputShape);
          hints.push(h);
        }
        return hints;
      },
    }),
    vscode.languages.registerDefinitionProvider(SELECTOR, {
      async provideDefinition(doc, pos) {
        const target = (await states.get(doc))?.definitionAt(doc.offsetAt(pos));
        return target ? new vscode.Location(doc.uri, toRange(doc, target)) : undefined;
      },
    }),
    vscode.languages.registerCodeLensProvider(SELECTOR, {
      async provideCodeLenses(doc) {
        const state = await states.get(doc);
        if (!state?.kind && !state?.tooLarge) return [];
        const title = state.totals
          ? `$(type-hierarchy) ${vscode.l10n.t('Show graph · {0} layers · {1} params', state.totals.layers, state.totals.params.toLocaleString('en-US'))}`
          : `$(type-hierarchy) ${vscode.l10n.t('Show graph')}`;
        return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title, command: 'convlens.json.showGraph', arguments: [doc.uri] })];
      },
    }),
    vscode.commands.registerCommand('convlens.json.showGraph', async (uri?: vscode.Uri) => {
      const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
      if (doc) openGraph(doc);
    }),
  ];

  if (graph) {
    /** Moves the cursor of the visible editor of `uri` to the layer; with `focus` (Reveal source),
     * opens the document first when no editor shows it (the user closed it), beside the graph. */
    const reveal = async (uri: vscode.Uri, nodeId: string | null, focus: boolean, graphColumn?: vscode.ViewColumn) => {
      // Binary models have no text to open: their nodes are revealed as text by onnxNodeSource.ts.
      if (!nodeId || graph.graphOf(uri)?.format === 'onnx') return;
      let editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
      if (!editor && !focus) return;
      const doc = editor?.document ?? await vscode.workspace.openTextDocument(uri);
      const layer = (await states.get(doc))?.layerInfo(nodeId);
      if (!layer?.node.source) {
        if (focus) void vscode.window.showWarningMessage(vscode.l10n.t("ConvLens: {0} no longer has the layer '{1}'; the graph may be out of date.", uri.path.slice(uri.path.lastIndexOf('/') + 1), nodeId));
        return;
      }
      const r = toRange(doc, layer.node.source);
      if (focus) {
        const column = editor?.viewColumn ?? (graphColumn && graphColumn > vscode.ViewColumn.One ? graphColumn - 1 : vscode.ViewColumn.Beside);
        editor = await vscode.window.showTextDocument(doc, { viewColumn: column, preserveFocus: false });
      }
      if (!editor) return;
      // The selection event this causes selects the same node in the graph again (no echo to the host).
      editor.selection = new vscode.Selection(r.start, r.start);
      editor.revealRange(r, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    };
    subs.push(
      graph.onDidSelectNode((e) => void reveal(e.uri, e.nodeId, false)),
      graph.onDidRequestRevealSource((e) => void reveal(e.uri, e.nodeId, true, e.panel?.viewColumn)),
      vscode.window.onDidChangeTextEditorSelection(async (e) => {
        const doc = e.textEditor.document;
        if (!isJsonDocument(doc) || !graph.has(doc.uri)) return;
        const offset = doc.offsetAt(e.selections[0].active);
        const state = await states.get(doc);
        if (doc.version !== state?.version) return; // edited meanwhile: the offset belongs to an older text
        const layer = state.layerAt(offset);
        graph.selectNode(doc.uri, layer?.node.id ?? null, true);
      }),
    );
  }

  for (const doc of vscode.workspace.textDocuments) refresh(doc);
  return vscode.Disposable.from(...subs);
}
