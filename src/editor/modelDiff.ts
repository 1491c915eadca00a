import * as vscode from 'vscode';
import type { FromWebview, ToWebview, ViewAnchor } from '../protocol/messages';
import { activeModelUri, SIDE_VIEW_TYPE, type GraphPanels } from './graphPanel';
import type { ModelSource } from './modelSource';

/**
 * Model comparisons in the editor. VS Code shows a change of an .onnx file (Source Control, Git
 * history, "Compare with…") as a diff editor with our graph editor on both sides; this finds the two
 * panels of such a tab, diffs the two versions with the core's diffModels, and marks each graph:
 * removed and changed layers on the old side, added and changed on the new, with their deltas, and
 * a selection on one side selects the matched layer on the other, and panning or zooming one side
 * moves the other to the matched place (webview/graph/viewSync.ts).
 * A JSON model is a text document, so VS Code diffs it as text; "Compare Graphs" in that diff's title
 * bar opens the two graphs beside it, paired the same way.
 * Both versions are read through VS Code's file system API, so `git:` URIs work, in remote
 * workspaces too, and compared in the model worker: the host parses neither.
 */

interface Side {
  uri: vscode.Uri;
  panel: vscode.WebviewPanel;
}

interface Pair {
  key: string;
  original: vscode.Uri;
  modified: vscode.Uri;
  old?: Side;
  new?: Side;
  /** Node id → matched id on the other side, per side. */
  pairs?: { old: Record<string, string>; new: Record<string, string> };
  computing?: Promise<void>;
}

const MODEL_FILTERS = { Models: ['onnx', 'json'] };

function nameOf(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

/** How the user knows a version: 'HEAD' or another ref for a git: URI, else the file name. */
function versionName(uri: vscode.Uri): string {
  if (uri.scheme === 'git') {
    try {
      const q = JSON.parse(uri.query) as { ref?: string };
      if (q.ref === '~' || q.ref === '') return vscode.l10n.t('the index');
      if (q.ref) return q.ref;
    } catch { /* not the git extension's query */ }
  }
  return nameOf(uri);
}

/** The URI the built-in Git extension serves a file's committed version at. */
export function gitUri(uri: vscode.Uri, ref: string): vscode.Uri {
  return uri.with({ scheme: 'git', path: uri.path, query: JSON.stringify({ path: uri.fsPath, ref }) });
}

export class ModelComparisons implements vscode.Disposable {
  private readonly pairsByKey = new Map<string, Pair>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly panels: GraphPanels, private readonly source: ModelSource, private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      vscode.commands.registerCommand('convlens.compareWith', (arg?: vscode.Uri) => this.compareWith(arg)),
      vscode.commands.registerCommand('convlens.compareWithHead', (arg?: vscode.Uri) => this.compareWithHead(arg)),
      vscode.commands.registerCommand('convlens.compareGraphs', () => this.compareGraphsOfTextDiff()),
      panels.onDidSelectNode((e) => this.followSelection(e.panel, e.nodeId)),
      panels.onDidReceiveMessage((e) => {
        if (e.message.type === 'viewMoved') this.followView(e.panel, e.message.anchor);
      }),
      panels.onDidLoad((e) => this.refreshFor(e.uri)),
    );
  }

  /** Called for every graph editor panel: if it is one side of a diff tab, marks it once both sides are there. */
  track(uri: vscode.Uri, panel: vscode.WebviewPanel): void {
    if (this.join(uri, panel)) return;
    // The diff tab may be registered after its editors resolve: look again as tabs change, briefly.
    const sub = vscode.window.tabGroups.onDidChangeTabs(() => {
      if (this.join(uri, panel)) sub.dispose();
    });
    const stop = setTimeout(() => sub.dispose(), 10_000);
    panel.onDidDispose(() => {
      clearTimeout(stop);
      sub.dispose();
    });
  }

  /** Joins `panel` to the comparison of the diff tab that shows `uri`; false when no diff tab does. */
  private join(uri: vscode.Uri, panel: vscode.WebviewPanel): boolean {
    const found = this.findDiffTab(uri);
    if (!found) return false;
    this.log.info(`graph of ${uri.toString()} is one side of a diff tab`);
    this.addSide(found, uri, panel);
    return true;
  }

  /** Adds `panel` (showing `uri`) to the comparison of `found`, and marks it once both sides are known. */
  private addSide(found: { key: string; original: vscode.Uri; modified: vscode.Uri }, uri: vscode.Uri, panel: vscode.WebviewPanel): void {
    const pair = this.pairsByKey.get(found.key) ?? { key: found.key, original: found.original, modified: found.modified };
    this.pairsByKey.set(found.key, pair);
    const side: Side = { uri, panel };
    if (uri.toString() === found.original.toString()) pair.old = side;
    else pair.new = side;
    panel.onDidDispose(() => {
      if (pair.old?.panel === panel) pair.old = undefined;
      if (pair.new?.panel === panel) pair.new = undefined;
      if (!pair.old && !pair.new) this.pairsByKey.delete(pair.key);
    });
    panel.webview.onDidReceiveMessage((m: FromWebview) => {
      if (m?.type === 'ready') void this.mark(pair);
    });
    void this.mark(pair);
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }

  private findDiffTab(uri: vscode.Uri): { key: string; original: vscode.Uri; modified: vscode.Uri } | undefined {
    const s = uri.toString();
    // A diff of custom editors may not expose its two sides as a text-diff tab input. Its left side is the
    // Git extension's git: URI of the same file: pair it with that file's graph.
    const other = this.gitTwin(uri);
    if (other) {
      const [original, modified] = uri.scheme === 'git' ? [uri, other] : [other, uri];
      return { key: `${original.toString()}\u0000${modified.toString()}`, original, modified };
    }
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        const input = tab.input as { original?: vscode.Uri; modified?: vscode.Uri } | undefined;
        if (!(input?.original instanceof vscode.Uri) || !(input.modified instanceof vscode.Uri)) continue;
        if (input.original.toString() === s || input.modified.toString() === s) {
          return { key: `${input.original.toString()}\u0000${input.modified.toString()}`, original: input.original, modified: input.modified };
        }
      }
    }
    return undefined;
  }

  /** The open graph that is the other half of a git:/file: pair of one file, if one is open. */
  private gitTwin(uri: vscode.Uri): vscode.Uri | undefined {
    if (uri.scheme !== 'git' && uri.scheme !== 'file') return undefined;
    const want = uri.scheme === 'git' ? 'file' : 'git';
    return this.panels.documents().find((d) => d.scheme === want && d.path === uri.path);
  }

  private refreshFor(uri: vscode.Uri): void {
    const s = uri.toString();
    for (const p of this.pairsByKey.values()) if (p.original.toString() === s || p.modified.toString() === s) void this.mark(p);
  }

  private mark(pair: Pair): Promise<void> {
    if (!pair.old && !pair.new) return Promise.resolve();
    pair.computing ??= (async () => {
      try {
        const r = await this.source.diff(pair.original, pair.modified, versionName(pair.original), versionName(pair.modified));
        if (!r.old || !r.new) {
          this.log.warn(`could not compare ${pair.original.toString()} with ${pair.modified.toString()}: ${r.error ?? 'no answer'}`);
          return;
        }
        pair.pairs = { old: r.old.pairs, new: r.new.pairs };
        this.log.info(`compared ${pair.original.toString()} with ${pair.modified.toString()} (model worker): ${r.headline}`);
        void pair.old?.panel.webview.postMessage({ type: 'setDiff', diff: r.old } satisfies ToWebview);
        void pair.new?.panel.webview.postMessage({ type: 'setDiff', diff: r.new } satisfies ToWebview);
      } finally {
        pair.computing = undefined;
      }
    })();
    return pair.computing;
  }

  private followSelection(panel: vscode.WebviewPanel, nodeId: string | null): void {
    for (const p of this.pairsByKey.values()) {
      const from = p.old?.panel === panel ? 'old' : p.new?.panel === panel ? 'new' : undefined;
      if (!from || !p.pairs) continue;
      const other = from === 'old' ? p.new : p.old;
      const target = nodeId === null ? null : p.pairs[from][nodeId];
      if (other && target !== undefined) void other.panel.webview.postMessage({ type: 'selectNode', nodeId: target, reveal: true } satisfies ToWebview);
    }
  }

  /** The user panned or zoomed one side: the other shows the matched layer at the same place. */
  private followView(panel: vscode.WebviewPanel, anchor: ViewAnchor): void {
    for (const p of this.pairsByKey.values()) {
      const from = p.old?.panel === panel ? 'old' : p.new?.panel === panel ? 'new' : undefined;
      if (!from || !p.pairs) continue;
      const other = from === 'old' ? p.new : p.old;
      const nodeId = p.pairs[from][anchor.nodeId];
      if (other && nodeId !== undefined) void other.panel.webview.postMessage({ type: 'followView', anchor: { ...anchor, nodeId } } satisfies ToWebview);
    }
  }

  /** "Compare Graphs" in the title bar of a text diff of a JSON model: its two versions' graphs beside it. */
  private async compareGraphsOfTextDiff(): Promise<void> {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    if (!(input instanceof vscode.TabInputTextDiff)) {
      void vscode.window.showInformationMessage(vscode.l10n.t('ConvLens: Compare Graphs works in a diff of a JSON model (open the change from Source Control first).'));
      return;
    }
    this.openGraphPair(input.original, input.modified);
  }

  /** Two graph panels beside the active editor, old then new, marked and kept in step as a diff tab's are. */
  openGraphPair(original: vscode.Uri, modified: vscode.Uri): void {
    const key = `${original.toString()}\u0000${modified.toString()}`;
    const open = this.pairsByKey.get(key);
    if (open?.old && open.new) {
      open.old.panel.reveal(undefined, true);
      open.new.panel.reveal(undefined, true);
      return;
    }
    const column = (vscode.window.tabGroups.activeTabGroup.viewColumn ?? vscode.ViewColumn.One) + 1;
    const sides: [vscode.Uri, number][] = [[original, column], [modified, column + 1]];
    for (const [uri, viewColumn] of sides) {
      const panel = vscode.window.createWebviewPanel(SIDE_VIEW_TYPE, `Graph: ${nameOf(uri)} (${versionName(uri) === nameOf(uri) ? (uri === original ? 'old' : 'new') : versionName(uri)})`, { viewColumn, preserveFocus: true });
      this.panels.attach(uri, panel, uri === modified);
      this.addSide({ key, original, modified }, uri, panel);
    }
    this.log.info(`comparing the graphs of ${original.toString()} and ${modified.toString()}`);
  }

  private async compareWith(arg?: vscode.Uri): Promise<void> {
    const current = arg ?? activeModelUri(this.panels);
    if (!current) {
      void vscode.window.showInformationMessage(vscode.l10n.t('ConvLens: open a model first, then compare it with another one.'));
      return;
    }
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: MODEL_FILTERS, openLabel: vscode.l10n.t('Compare'), title: vscode.l10n.t('Compare {0} with…', nameOf(current)) });
    if (!picked?.[0]) return;
    await this.openDiff(picked[0], current, `${nameOf(picked[0])} ↔ ${nameOf(current)}`);
  }

  private async compareWithHead(arg?: vscode.Uri): Promise<void> {
    const current = arg ?? activeModelUri(this.panels);
    if (!current || current.scheme !== 'file') {
      void vscode.window.showInformationMessage(vscode.l10n.t('ConvLens: Compare with HEAD needs a model file in a Git repository.'));
      return;
    }
    const head = gitUri(current, 'HEAD');
    try {
      await vscode.workspace.fs.stat(head);
    } catch {
      void vscode.window.showWarningMessage(vscode.l10n.t('ConvLens: {0} has no committed version (is it in a Git repository, and is the Git extension enabled?).', nameOf(current)));
      return;
    }
    await this.openDiff(head, current, `${nameOf(current)} (HEAD) ↔ ${nameOf(current)}`);
  }

  /** An ONNX pair opens as a diff tab of two graph editors; a JSON pair as VS Code's text diff with the two graphs beside it. */
  private async openDiff(original: vscode.Uri, modified: vscode.Uri, title: string): Promise<void> {
    await vscode.commands.executeCommand('vscode.diff', original, modified, title);
    if (!modified.path.toLowerCase().endsWith('.onnx')) this.openGraphPair(original, modified);
  }
}
