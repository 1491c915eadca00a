import * as vscode from 'vscode';
import type { JsonModelDocument } from '../../formats/json/modelDocument';
import { DocumentStates, isJsonDocument, toRange } from './documentState';
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
  onDidRequestRevealSource: vscode.Event<{ uri: vscode.Uri; nodeId: string }>;
  selectNode(uri: vscode.Uri, nodeId: string | null, reveal: boolean): void;
  has(uri: vscode.Uri): boolean;
}

const SELECTOR: vscode.DocumentSelector = [{ language: 'json' }, { language: 'jsonc' }];

export function registerJsonModelSupport(
  context: vscode.ExtensionContext,
  openGraph: (doc: vscode.TextDocument) => void,
  onModelChanged?: (doc: vscode.TextDocument, state: JsonModelDocument) => void,
  graph?: GraphSync,
): vscode.Disposable {
  const states = new DocumentStates();
  const diagnostics = vscode.languages.createDiagnosticCollection('convlens');
  const hintsChanged = new vscode.EventEmitter<void>();

  const publish = (doc: vscode.TextDocument, state: JsonModelDocument) => {
    diagnostics.set(doc.uri, state.problems.map((p) => {
      const d = new vscode.Diagnostic(toRange(doc, p.range), p.message, p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      d.source = 'ConvLens';
      return d;
    }));
    hintsChanged.fire();
    if (state.model) onModelChanged?.(doc, state);
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
      provideHover(doc, pos) {
        const state = states.get(doc);
        const layer = state?.layerAt(doc.offsetAt(pos));
        if (!layer) return undefined;
        const md = new vscode.MarkdownString(hoverMarkdown(layer));
        return new vscode.Hover(md, toRange(doc, layer.node.source!));
      },
    }),
    vscode.languages.registerInlayHintsProvider(SELECTOR, {
      onDidChangeInlayHints: hintsChanged.event,
      provideInlayHints(doc, range) {
        const state = states.get(doc);
        if (!state?.analysis) return [];
        const hints: vscode.InlayHint[] = [];
        for (const l of state.layers()) {
          const end = doc.positionAt(l.node.source!.offset + l.node.source!.length);
          if (!range.contains(end)) continue;
          const h = new vscode.InlayHint(end, shapeHint(l), vscode.InlayHintKind.Type);
          h.paddingLeft = true;
          h.tooltip = `${l.node.name}: output ${l.outputShape}`;
          hints.push(h);
        }
        return hints;
      },
    }),
    vscode.languages.registerDefinitionProvider(SELECTOR, {
      provideDefinition(doc, pos) {
        const target = states.get(doc)?.definitionAt(doc.offsetAt(pos));
        return target ? new vscode.Location(doc.uri, toRange(doc, target)) : undefined;
      },
    }),
    vscode.languages.registerCodeLensProvider(SELECTOR, {
      provideCodeLenses(doc) {
        const state = states.get(doc);
        if (!state?.kind && !state?.tooLarge) return [];
        const title = state.analysis
          ? `$(type-hierarchy) Show graph · ${state.model!.graph.nodes.length} layers · ${state.analysis.totals.params.toLocaleString('en-US')} params`
          : '$(type-hierarchy) Show graph';
        return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title, command: 'convlens.json.showGraph', arguments: [doc.uri] })];
      },
    }),
    vscode.commands.registerCommand('convlens.json.showGraph', async (uri?: vscode.Uri) => {
      const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
      if (doc) openGraph(doc);
    }),
  ];

  if (graph) {
    let echo = false;
    const reveal = (uri: vscode.Uri, nodeId: string | null, focus: boolean) => {
      const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
      if (!editor || !nodeId) return;
      const layer = states.get(editor.document)?.layerInfo(nodeId);
      if (!layer?.node.source) return;
      const r = toRange(editor.document, layer.node.source);
      echo = true;
      editor.selection = new vscode.Selection(r.start, r.start);
      editor.revealRange(r, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      if (focus) void vscode.window.showTextDocument(editor.document, editor.viewColumn);
    };
    subs.push(
      graph.onDidSelectNode((e) => reveal(e.uri, e.nodeId, false)),
      graph.onDidRequestRevealSource((e) => reveal(e.uri, e.nodeId, true)),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (echo) {
          echo = false;
          return;
        }
        const doc = e.textEditor.document;
        if (!isJsonDocument(doc) || !graph.has(doc.uri)) return;
        const layer = states.get(doc)?.layerAt(doc.offsetAt(e.selections[0].active));
        graph.selectNode(doc.uri, layer?.node.id ?? null, true);
      }),
    );
  }

  for (const doc of vscode.workspace.textDocuments) refresh(doc);
  const all = vscode.Disposable.from(...subs);
  context.subscriptions.push(all);
  return all;
}
