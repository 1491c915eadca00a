import * as vscode from 'vscode';
import { RpcClient, serve } from '../protocol/rpc';
import type { FromWebview, GraphRequests, ToWebview } from '../protocol/messages';
import type { ViewGraph } from '../protocol/viewModel';
import { encodeGraph } from '../protocol/graphEncoding';
import { buildHtml, makeNonce, webviewOptions } from '../editor/webviewHtml';
import { configureL10n, webviewL10n } from '../editor/l10n';
import { readViewOptions } from '../editor/settings';
import { WEB_MODEL_TIMEOUTS, type WebHostRequests, type WebModelOpen, type WebModelRequests } from './protocol';
import { checkSiblingLocation, siblingSegments } from '../formats/siblingLocation';
import { readGraph } from './readGraph';

/**
 * The web extension (package.json `browser`): the graph of ONNX and JSON models on github.dev and
 * vscode.dev, where there is no Node and no file system but VS Code's. Files are read with
 * vscode.workspace.fs; reading and analysis run in a Web Worker (./modelWorker.ts) with the very readers
 * and analysis the desktop uses (src/formats/bytes.ts, no Node module); the graph webview is the same
 * bundle. Files beside a model (TF.js shards, ONNX external data) are read through vscode.workspace.fs
 * too, confined to the model's folder. What needs Node (ONNX Runtime) says so plainly.
 */

/** A file beside a model is read whole into the worker's memory here (no lazy reads from a browser):
 * beyond this, the tensors that need it say so and the graph is still drawn. */
const MAX_SIBLING_BYTES = 512 * 1024 * 1024;

const needsDesktop = () => vscode.l10n.t('Feature maps run the model in ONNX Runtime, which needs VS Code desktop or a remote extension host; this window runs extensions in the browser (vscode.dev, github.dev).');

interface Shown {
  uri: vscode.Uri;
  panel: vscode.WebviewPanel;
  ready: boolean;
  graph?: ViewGraph;
  error?: string;
  dimValues?: Record<string, number>;
  /** Answers the panel's requests (copy, save). */
  answer(message: unknown): boolean;
}

class WebGraphs implements vscode.Disposable {
  private readonly shown = new Set<Shown>();
  private worker: Worker | undefined;
  /** Set when this host may not start workers (code-server refuses them for remote-installed extensions):
   * the graph is then read here, in the web extension host, which is itself a worker off the page's thread. */
  private noWorker: string | undefined;
  private readonly rpc = new RpcClient<WebModelRequests>((m, transfer) => {
    if (!this.worker) throw new Error('the model worker is not running');
    this.worker.postMessage(m, transfer);
  }, WEB_MODEL_TIMEOUTS);

  constructor(private readonly extensionUri: vscode.Uri, private readonly log: vscode.LogOutputChannel) {}

  private workerFor(): Worker {
    if (!this.worker) {
      this.worker = new Worker(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webModelWorker.js').toString(true));
      const worker = this.worker;
      // The worker asks for the files beside a model on the same port (its own requests to this host).
      const answer = serve<WebHostRequests>((m) => worker.postMessage(m), { readSibling: (r) => this.readSibling(r.uri, r.location) });
      worker.onmessage = (ev: MessageEvent) => {
        if (!this.rpc.handle(ev.data)) answer(ev.data);
      };
      this.worker.onerror = (ev: ErrorEvent) => {
        this.log.error(`model worker failed: ${ev.message}`);
        this.rpc.disconnect(`the model worker failed (${ev.message})`);
        this.worker = undefined;
      };
    }
    return this.worker;
  }

  attach(uri: vscode.Uri, panel: vscode.WebviewPanel): void {
    const s: Shown = { uri, panel, ready: false, answer: this.answerer(uri, panel) };
    this.shown.add(s);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
    panel.webview.options = webviewOptions(this.extensionUri, vscode.Uri.joinPath);
    const dist = (f: string) => panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', f)).toString();
    panel.webview.html = buildHtml(panel.webview.cspSource, makeNonce(), {
      title: nameOf(uri),
      scripts: [dist('webview.js')],
      styles: [dist('codicon.css'), dist('webview.css')],
      data: { layoutWorker: dist('layoutWorker.js'), mermaid: dist('mermaid.js'), document: uri.toString(), l10n: webviewL10n().l10n },
      lang: webviewL10n().lang,
    });
    const sub = panel.webview.onDidReceiveMessage((m: FromWebview) => this.onMessage(s, m));
    panel.onDidDispose(() => {
      sub.dispose();
      this.shown.delete(s);
    });
    void this.load(s);
  }

  async load(s: Shown): Promise<void> {
    const started = Date.now();
    try {
      const bytes = await vscode.workspace.fs.readFile(s.uri);
      const request: WebModelOpen = { bytes, path: s.uri.path, title: nameOf(s.uri), dimValues: s.dimValues, uri: s.uri.toString() };
      if (!this.noWorker) {
        try {
          this.workerFor();
        } catch (e) {
          this.noWorker = e instanceof Error ? e.message : String(e);
          this.log.info(`no model worker (${this.noWorker}); reading models in the web extension host`);
        }
      }
      s.graph = this.noWorker ? await readGraph(request, (location) => this.readSibling(s.uri.toString(), location)) : await this.rpc.request('open', request, { what: `reading ${nameOf(s.uri)}` });
      s.error = undefined;
      this.log.info(`loaded ${s.uri.toString()} in ${Date.now() - started} ms (web worker): ${s.graph.nodes.length} nodes`);
    } catch (e) {
      s.error = e instanceof Error ? e.message : String(e);
      this.log.warn(`could not load ${s.uri.toString()}: ${s.error}`);
    }
    this.send(s, true);
  }

  /**
   * A file beside a model that is open here, as the desktop reader confines it (src/formats/siblings.ts):
   * inside the model's folder, no absolute path or '..', and no symbolic link (VS Code's file system API
   * cannot say where one points, so it cannot be shown to stay inside the folder).
   */
  async readSibling(model: string, location: string): Promise<Uint8Array> {
    const s = [...this.shown].find((x) => x.uri.toString() === model);
    if (!s) throw new Error(`${location}: the model that refers to it is no longer open`);
    const name = nameOf(s.uri);
    checkSiblingLocation(location, name);
    const folder = s.uri.with({ path: s.uri.path.slice(0, s.uri.path.lastIndexOf('/')) || '/' });
    const target = vscode.Uri.joinPath(folder, ...siblingSegments(location));
    const stat = await vscode.workspace.fs.stat(target);
    if (stat.type & vscode.FileType.SymbolicLink) throw new Error(`${name}: refusing file location ${JSON.stringify(location)}: it is a symbolic link, which is not followed here`);
    if (stat.size > MAX_SIBLING_BYTES) throw new Error(`${name}: ${JSON.stringify(location)} is ${(stat.size / 2 ** 20).toFixed(0)} MB; the browser build reads files beside a model up to ${MAX_SIBLING_BYTES / 2 ** 20} MB`);
    return vscode.workspace.fs.readFile(target);
  }

  reloadActive(): boolean {
    const s = [...this.shown].find((x) => x.panel.active);
    if (s) void this.load(s);
    return !!s;
  }

  private send(s: Shown, newGraph: boolean): void {
    if (!s.ready) return;
    const post = (m: ToWebview) => void s.panel.webview.postMessage(m);
    // As the desktop sends it: the webview parses the lines in turns with the page.
    if (s.graph) post({ type: 'showGraph', graph: encodeGraph(s.graph), preserveView: !newGraph });
    else if (s.error) post({ type: 'showError', message: s.error });
  }

  private answerer(uri: vscode.Uri, panel: vscode.WebviewPanel): (message: unknown) => boolean {
    return serve<GraphRequests>((m) => void panel.webview.postMessage(m), {
      copyText: async (m) => {
        await vscode.env.clipboard.writeText(m.text);
        return true as const;
      },
      saveFile: async (m) => {
        const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(uri, '..', m.suggestedName) });
        if (!target) return null;
        const bytes = m.encoding === 'base64' ? Uint8Array.from(atob(m.data), (c) => c.charCodeAt(0)) : new TextEncoder().encode(m.data);
        await vscode.workspace.fs.writeFile(target, bytes);
        return target.toString();
      },
      // The browser build keeps no model after drawing it (it may have no worker to keep one in).
      weight: async () => ({ error: vscode.l10n.t('Weight values are shown by the desktop extension; the browser build shows shapes only') }),
      // No inference here: the time overlay is left out of the toolbar, this only answers a stray request.
      layerTimes: async () => { throw new Error(vscode.l10n.t('Layer times need a run, and running is not available here.')); },
    });
  }

  private onMessage(s: Shown, m: FromWebview): void {
    const reply = (r: ToWebview) => void s.panel.webview.postMessage(r);
    if (s.answer(m)) return;
    switch (m.type) {
      case 'ready':
        s.ready = true;
        reply({ type: 'setOptions', options: readViewOptions() });
        this.send(s, true);
        break;
      case 'setInputSizes':
        s.dimValues = m.values ?? undefined;
        void this.load(s);
        break;
      case 'runInference':
      case 'showFeatureMaps':
        reply({ type: 'inferenceState', state: { status: 'error', message: needsDesktop() } });
        break;
      case 'log':
        this.log[m.level](`[webview ${nameOf(s.uri)}] ${m.message}`);
        break;
      default:
        break;
    }
  }

  dispose(): void {
    this.worker?.terminate();
    this.rpc.disconnect('the extension stopped');
    for (const s of this.shown) s.panel.dispose();
  }
}

function nameOf(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

export function activate(context: vscode.ExtensionContext): void {
  configureL10n();
  const log = vscode.window.createOutputChannel('ConvLens', { log: true });
  const graphs = new WebGraphs(context.extensionUri, log);
  const toSide = (uri: vscode.Uri) => {
    const panel = vscode.window.createWebviewPanel('convlens.graphSide', vscode.l10n.t('Graph: {0}', nameOf(uri)), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
    graphs.attach(uri, panel);
  };
  const desktopOnly = (message: () => string) => () => void vscode.window.showInformationMessage(vscode.l10n.t('ConvLens: {0}', message()));
  const compareOnly = () => vscode.l10n.t('comparing models needs VS Code desktop or a remote extension host for now; `convlens diff OLD NEW` prints the same report in a terminal.');
  context.subscriptions.push(
    log,
    graphs,
    vscode.window.registerCustomEditorProvider('convlens.graph', {
      openCustomDocument: (uri: vscode.Uri) => ({ uri, dispose: () => undefined }),
      resolveCustomEditor: (doc: vscode.CustomDocument, panel: vscode.WebviewPanel) => graphs.attach(doc.uri, panel),
    }, { webviewOptions: { retainContextWhenHidden: false }, supportsMultipleEditorsPerDocument: true }),
    vscode.window.registerWebviewPanelSerializer('convlens.graphSide', {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: { document?: string } | undefined) => {
        if (state?.document) graphs.attach(vscode.Uri.parse(state.document), panel);
        else panel.dispose();
      },
    }),
    vscode.commands.registerCommand('convlens.openGraphToSide', (uri?: vscode.Uri) => {
      const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      if (!target) return void vscode.window.showErrorMessage(vscode.l10n.t('ConvLens: open a model file first, then run "Open Graph to the Side".'));
      if (target.path.toLowerCase().endsWith('.onnx')) return void vscode.commands.executeCommand('vscode.openWith', target, 'convlens.graph', vscode.ViewColumn.Beside);
      toSide(target);
    }),
    vscode.commands.registerCommand('convlens.openSample', () =>
      vscode.commands.executeCommand('vscode.openWith', vscode.Uri.joinPath(context.extensionUri, 'media', 'samples', 'mnist_c_cxx.onnx'), 'convlens.graph')),
    vscode.commands.registerCommand('convlens.reloadGraph', () => {
      if (!graphs.reloadActive()) void vscode.window.showInformationMessage(vscode.l10n.t('ConvLens: no graph is active to reload.'));
    }),
    vscode.commands.registerCommand('convlens.runInference', desktopOnly(needsDesktop)),
    vscode.commands.registerCommand('convlens.showFeatureMaps', desktopOnly(needsDesktop)),
    vscode.commands.registerCommand('convlens.compareWith', desktopOnly(compareOnly)),
    vscode.commands.registerCommand('convlens.compareWithHead', desktopOnly(compareOnly)),
    vscode.commands.registerCommand('convlens.compareGraphs', desktopOnly(compareOnly)),
    vscode.commands.registerCommand('convlens.showLog', () => log.show()),
  );
  log.info('ConvLens (web) activated');
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
