import * as vscode from 'vscode';
import { serve } from '../protocol/rpc';
import type { FromWebview, GraphRequests, ToWebview, ViewOptions } from '../protocol/messages';
import type { GraphDigest, NodeReply } from '../protocol/modelService';
import { buildHtml, makeNonce, webviewOptions } from './webviewHtml';
import { webviewL10n } from './l10n';
import { readViewOptions } from './settings';
import type { ModelSource } from './modelSource';
import type { InputSizeStore } from './inputSizes';
import type { LayerTimes } from '../runtime/profile';
import { isJsonDocument } from './documentVersion';
import { manageTrust } from './workspaceTrust';

/**
 * The registry of graph webviews: each document (by URI) maps to the webviews showing it, so one
 * update reaches all of them. Holds the last graph (or error) per document so a webview that
 * (re)loads gets it on its `ready`. Also owns the side panel opened beside a JSON editor.
 *
 * Other parts of the extension plug in through the events and `post`/`showModel`:
 * the JSON source sync listens to onDidSelectNode/onDidRequestRevealSource and calls selectNode;
 * inference listens to onDidReceiveMessage and posts inferenceState.
 */

export interface DocumentEvent { uri: vscode.Uri; panel: vscode.WebviewPanel }
export interface NodeEvent extends DocumentEvent { nodeId: string | null }
export interface MessageEvent extends DocumentEvent { message: FromWebview }

interface PanelState {
  panel: vscode.WebviewPanel; ready: boolean; shown: boolean; side: boolean;
  /** Answers the panel's requests (copy, save); false for its other messages. */
  answer(message: unknown): boolean;
}

interface DocumentState {
  uri: vscode.Uri;
  panels: Map<vscode.WebviewPanel, PanelState>;
  /** The view graph as the model worker encoded it; the host passes it on without parsing it. */
  graph?: GraphDigest;
  error?: string;
  /** Why the text no longer reads as a model, while the graph shown is its last version that did. */
  stale?: string;
  /** Increases with every load, so a slow load never overwrites a newer one. */
  generation: number;
  loading?: Promise<void>;
}

export const SIDE_VIEW_TYPE = 'convlens.graphSide';

export class GraphPanels implements vscode.Disposable {
  private readonly docs = new Map<string, DocumentState>();
  private readonly disposables: vscode.Disposable[] = [];

  private readonly selectEmitter = new vscode.EventEmitter<NodeEvent>();
  private readonly revealEmitter = new vscode.EventEmitter<NodeEvent & { nodeId: string }>();
  private readonly messageEmitter = new vscode.EventEmitter<MessageEvent>();
  private readonly loadedEmitter = new vscode.EventEmitter<{ uri: vscode.Uri; graph?: GraphDigest; error?: string }>();
  /** Load failures of files that have no text editor (ONNX): in the Problems view too. */
  private readonly problems = vscode.languages.createDiagnosticCollection('convlens-model');
  /** The user selected a node in a graph (null: cleared the selection). */
  readonly onDidSelectNode = this.selectEmitter.event;
  /** The user asked to see a node's source (double-click / context menu in the graph). */
  readonly onDidRequestRevealSource = this.revealEmitter.event;
  /** Every message from a graph webview, for features this class does not handle (inference). */
  readonly onDidReceiveMessage = this.messageEmitter.event;
  /** A document's graph (or error) changed. */
  readonly onDidLoad = this.loadedEmitter.event;

  /** Answers a webview's layerTimes request; set by the inference controller, which owns the runs. */
  layerTimes?: (uri: vscode.Uri) => Promise<LayerTimes>;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly source: ModelSource,
    private readonly log: vscode.LogOutputChannel,
    /** The input sizes chosen per model (absent in tests that do not need them). */
    readonly sizes?: InputSizeStore,
  ) {
    this.disposables.push(
      this.selectEmitter, this.revealEmitter, this.messageEmitter, this.loadedEmitter, this.problems,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('convlens.graph')) this.broadcast({ type: 'setOptions', options: readViewOptions() });
      }),
    );
  }

  /** Shows `uri`'s graph in `panel` and keeps it updated until the panel closes. Loads the model if needed. */
  attach(uri: vscode.Uri, panel: vscode.WebviewPanel, side = false): void {
    const doc = this.docFor(uri);
    const state: PanelState = { panel, ready: false, shown: false, side, answer: this.answerer(doc, panel) };
    doc.panels.set(panel, state);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
    panel.webview.options = webviewOptions(this.extensionUri, vscode.Uri.joinPath);
    panel.webview.html = this.html(panel.webview, uri);
    const subs = [
      panel.webview.onDidReceiveMessage((m: FromWebview) => this.onMessage(doc, state, m)),
      panel.onDidDispose(() => {
        subs.forEach((s) => s.dispose());
        doc.panels.delete(panel);
        if (doc.panels.size === 0) this.docs.delete(uri.toString());
      }),
    ];
    if (!doc.graph && !doc.error && !doc.loading) void this.reload(uri);
  }

  /** Opens (or reveals) the graph beside the editor of `uri`. */
  openToSide(uri: vscode.Uri): vscode.WebviewPanel {
    const existing = [...(this.docs.get(uri.toString())?.panels.values() ?? [])].find((p) => p.side);
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside, true);
      return existing.panel;
    }
    const panel = vscode.window.createWebviewPanel(
      SIDE_VIEW_TYPE,
      vscode.l10n.t('Graph: {0}', basename(uri)),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      webviewOptions(this.extensionUri, vscode.Uri.joinPath),
    );
    this.attach(uri, panel, true);
    return panel;
  }

  /** Reads the model again (file changed on disk, or the user asked) and updates every webview showing it.
   * A document no webview shows is left alone: nothing would show the result, and it would stay registered. */
  async reload(uri: vscode.Uri): Promise<void> {
    const doc = this.docs.get(uri.toString());
    if (!doc) return;
    const generation = ++doc.generation;
    const run = (async () => {
      this.broadcastTo(doc, { type: 'inferenceState', state: { status: 'idle' } });
      const result = await this.source.load(uri, this.sizes?.get(uri));
      if (generation !== doc.generation) return; // a newer load started meanwhile
      if (result.ok) {
        this.log.info(`loaded ${uri.fsPath} in ${result.millis} ms (model worker): ${result.graph.nodeCount} nodes`);
        this.setGraph(doc, result.graph);
      } else {
        this.log.warn(`could not load ${uri.fsPath}: ${result.error}`);
        this.setError(doc, result.error);
      }
    })();
    doc.loading = run;
    try {
      await run;
    } finally {
      if (doc.loading === run) doc.loading = undefined;
    }
  }

  /** Reads every shown model again (the workspace was trusted: the files beside them may be read now). */
  async reloadAll(): Promise<void> {
    await Promise.all(this.documents().map((uri) => this.reload(uri)));
  }

  /** Shows a model that someone else read (the JSON editor, after an edit); keeps the view's zoom. */
  showModel(uri: vscode.Uri, graph: GraphDigest): void {
    const doc = this.docs.get(uri.toString());
    if (!doc) return;
    doc.generation++;
    const chosen = this.sizes?.get(uri);
    // The editor analysed at the default sizes; the user chose others for this model: the worker
    // analyses its model of this version at them (it is not read again).
    if (chosen && graph.evaluatedAt) void this.reload(uri);
    else this.setGraph(doc, graph);
  }

  showError(uri: vscode.Uri, message: string): void {
    const doc = this.docs.get(uri.toString());
    if (doc) this.setError(doc, message);
  }

  /** The text of `uri` no longer reads as a model: every graph of it says it shows the last version that did. */
  markStale(uri: vscode.Uri, reason: string): void {
    const doc = this.docs.get(uri.toString());
    if (!doc?.graph || doc.stale === reason) return;
    doc.stale = reason;
    this.broadcastTo(doc, { type: 'graphStale', reason });
  }

  selectNode(uri: vscode.Uri, nodeId: string | null, reveal: boolean): void {
    const doc = this.docs.get(uri.toString());
    if (doc) this.broadcastTo(doc, { type: 'selectNode', nodeId, reveal });
  }

  /** Sends a message to every webview showing `uri`. */
  post(uri: vscode.Uri, message: ToWebview): void {
    const doc = this.docs.get(uri.toString());
    if (doc) this.broadcastTo(doc, message);
  }

  has(uri: vscode.Uri): boolean {
    return this.docs.has(uri.toString());
  }
  hasSidePanel(uri: vscode.Uri): boolean {
    return [...(this.docs.get(uri.toString())?.panels.values() ?? [])].some((p) => p.side);
  }
  graphOf(uri: vscode.Uri): GraphDigest | undefined {
    return this.docs.get(uri.toString())?.graph;
  }
  /** One node of the graph shown for `uri`, from the model worker (which keeps the graph). */
  nodeOf(uri: vscode.Uri, nodeId: string): Promise<NodeReply> {
    return this.source.node(uri, nodeId);
  }
  /** The document whose graph webview has focus (the side graph of a JSON model, or an ONNX editor), if one of ours does. */
  activeDocument(): vscode.Uri | undefined {
    for (const doc of this.docs.values()) for (const p of doc.panels.keys()) if (p.active) return doc.uri;
    return undefined;
  }
  /** URIs that have at least one graph open. */
  documents(): vscode.Uri[] {
    return [...this.docs.values()].map((d) => d.uri);
  }

  dispose(): void {
    for (const doc of this.docs.values()) for (const p of doc.panels.keys()) p.dispose();
    this.docs.clear();
    this.disposables.forEach((d) => d.dispose());
  }

  private docFor(uri: vscode.Uri): DocumentState {
    const key = uri.toString();
    let doc = this.docs.get(key);
    if (!doc) {
      doc = { uri, panels: new Map(), generation: 0 };
      this.docs.set(key, doc);
    }
    return doc;
  }

  private setGraph(doc: DocumentState, graph: GraphDigest): void {
    doc.graph = graph;
    doc.error = undefined;
    doc.stale = undefined;
    this.problems.delete(doc.uri);
    for (const state of doc.panels.values()) this.sendGraph(state, doc);
    this.loadedEmitter.fire({ uri: doc.uri, graph });
  }

  private setError(doc: DocumentState, message: string): void {
    doc.error = message;
    doc.graph = undefined;
    // A JSON editor's own diagnostics already say it, at the right place.
    const text = vscode.workspace.textDocuments.find((d) => d.uri.toString() === doc.uri.toString());
    if (!text || !isJsonDocument(text)) {
      const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), message, vscode.DiagnosticSeverity.Error);
      d.source = 'ConvLens';
      this.problems.set(doc.uri, [d]);
    }
    this.broadcastTo(doc, { type: 'showError', message });
    this.loadedEmitter.fire({ uri: doc.uri, error: message });
  }

  private sendGraph(state: PanelState, doc: DocumentState): void {
    if (!state.ready || !doc.graph) return;
    // The encoded bytes travel to the webview as they came from the model worker; the webview decodes them.
    void state.panel.webview.postMessage({ type: 'showGraph', graph: doc.graph.encoded, preserveView: state.shown } satisfies ToWebview);
    state.shown = true;
  }

  private onMessage(doc: DocumentState, state: PanelState, message: FromWebview): void {
    const event = { uri: doc.uri, panel: state.panel };
    const reply = (m: ToWebview) => void state.panel.webview.postMessage(m);
    if (state.answer(message)) return;
    switch (message.type) {
      case 'ready':
        state.ready = true;
        reply({ type: 'setOptions', options: readViewOptions() });
        if (doc.graph) {
          this.sendGraph(state, doc);
          if (doc.stale) reply({ type: 'graphStale', reason: doc.stale });
        } else if (doc.error) reply({ type: 'showError', message: doc.error });
        break;
      case 'nodeSelected':
        this.selectEmitter.fire({ ...event, nodeId: message.nodeId });
        break;
      case 'revealSource':
        this.revealEmitter.fire({ ...event, nodeId: message.nodeId });
        break;
      case 'log':
        this.log[message.level](`[webview ${basename(doc.uri)}] ${message.message}`);
        break;
      case 'setInputSizes':
        void this.setInputSizes(doc.uri, message.values);
        break;
      case 'manageTrust':
        void manageTrust();
        break;
      default:
        break;
    }
    this.messageEmitter.fire({ ...event, message });
  }

  /** The panel's end of its requests: copying to the clipboard and saving an export. */
  private answerer(doc: DocumentState, panel: vscode.WebviewPanel): (message: unknown) => boolean {
    return serve<GraphRequests>((m) => void panel.webview.postMessage(m), {
      copyText: async (m) => {
        await vscode.env.clipboard.writeText(m.text);
        vscode.window.setStatusBarMessage(vscode.l10n.t('ConvLens: copied {0}', m.what), 3000);
        return true as const;
      },
      saveFile: (m) => this.save(doc.uri, m.suggestedName, m.data, m.encoding),
      weight: (m) => this.source.weight(doc.uri, m.tensor, m.offset),
      layerTimes: () => {
        if (!this.layerTimes) throw new Error(vscode.l10n.t('Layer times need a run, and running is not available here.'));
        return this.layerTimes(doc.uri);
      },
    });
  }

  /** Remembers the sizes for this model and shows it analysed at them (null: symbolic again). */
  private async setInputSizes(uri: vscode.Uri, values: Record<string, number> | null): Promise<void> {
    await this.sizes?.set(uri, values);
    this.log.info(`input sizes of ${basename(uri)}: ${values ? Object.entries(values).map(([k, v]) => `${k}=${v}`).join(', ') : 'defaults, shapes symbolic'}`);
    await this.reload(uri);
  }

  /** Asks where to save, next to the model by default; returns the path, or null when cancelled. */
  private async save(uri: vscode.Uri, suggestedName: string, data: string, encoding: 'base64' | 'utf8'): Promise<string | null> {
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(uri, '..', suggestedName),
      saveLabel: vscode.l10n.t('Save'),
    });
    if (!target) return null;
    const bytes = encoding === 'base64' ? Buffer.from(data, 'base64') : Buffer.from(data, 'utf8');
    await vscode.workspace.fs.writeFile(target, bytes);
    vscode.window.setStatusBarMessage(vscode.l10n.t('ConvLens: saved {0}', target.fsPath), 4000);
    return target.fsPath;
  }

  private broadcast(message: ToWebview): void {
    for (const doc of this.docs.values()) this.broadcastTo(doc, message);
  }

  private broadcastTo(doc: DocumentState, message: ToWebview): void {
    for (const state of doc.panels.values()) if (state.ready) void state.panel.webview.postMessage(message);
  }

  private html(webview: vscode.Webview, uri: vscode.Uri): string {
    const dist = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', f)).toString();
    const { lang, l10n } = webviewL10n();
    return buildHtml(webview.cspSource, makeNonce(), {
      title: basename(uri),
      lang,
      scripts: [dist('webview.js')],
      styles: [dist('codicon.css'), dist('webview.css')],
      // What webview/main.ts reads from #root: its layout worker and the lazily loaded Mermaid bundle.
      // document: kept in the webview's state, so the side graph reopens on it after a window reload.
      data: { layoutWorker: dist('layoutWorker.js'), mermaid: dist('mermaid.js'), document: uri.toString(), l10n },
    });
  }
}

/**
 * The model the user is looking at: the document of our graph webview that has focus (VS Code reports no
 * active text editor while a webview panel has it), else the model behind the active tab (an ONNX custom
 * editor), else the document of the active text editor.
 */
export function activeModelUri(panels: GraphPanels): vscode.Uri | undefined {
  const focused = panels.activeDocument();
  if (focused) return focused;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom) return input.uri;
  return vscode.window.activeTextEditor?.document.uri;
}

function basename(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

export type { ViewOptions };
