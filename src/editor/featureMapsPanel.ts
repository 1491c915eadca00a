import * as vscode from 'vscode';
import type { FeatureMapRequests, FromFeatureMaps, ToFeatureMaps } from '../protocol/featureMaps';
import { serve } from '../protocol/rpc';
import type { InferenceClient } from '../runtime/client';
import type { RunResult } from '../runtime/types';
import { featureMapTensors, thumbnailOf } from '../runtime/lowered';
import { buildHtml, makeNonce, webviewOptions } from './webviewHtml';
import { webviewL10n } from './l10n';
import { saneSettings, type PreprocessSettings } from '../runtime/preprocess';

/**
 * The feature-map panel: one layer's channels large, with statistics and a histogram, and Step mode
 * walking the network a layer at a time. Tensors stay in the inference process; this class relays the
 * panel's requests to it. It shows the last run of one model at a time.
 */
export class FeatureMapsPanel implements vscode.Disposable {
  static readonly viewType = 'convlens.featureMaps';
  private readonly panel: vscode.WebviewPanel;
  private ready = false;
  private pending?: ToFeatureMaps;
  private uri?: vscode.Uri;
  private run?: RunResult;
  private readonly subs: vscode.Disposable[] = [];
  /** Answers the panel's requests from the inference process's tensors. */
  private readonly answer = serve<FeatureMapRequests>((m) => void this.panel.webview.postMessage(m), {
    detail: (m, ctx) => this.relay(async () => {
      if (this.run?.fused.some((f) => f.tensor === m.tensor)) await this.computeFused(ctx.notify, m.tensor);
      ctx.notify(`drawing ${m.tensor}`);
      return this.client.detail(m.tensor, { firstChannel: m.firstChannel ?? 0 });
    }),
    step: (m, ctx) => this.relay(async () => {
      // Step mode shows every layer's input and output: the fused ones are computed on the way in.
      if (this.run?.fused.length) await this.computeFused(ctx.notify);
      return this.client.step({ index: m.index, nodeId: m.nodeId });
    }),
    // The inference process computes a fused input or output of the layer itself when it needs one.
    arithmetic: (m) => this.relay(() => this.client.arithmetic(m.nodeId, m.at)),
  });

  constructor(
    extensionUri: vscode.Uri,
    private readonly client: InferenceClient,
    private readonly log: vscode.LogOutputChannel,
    onDispose: () => void,
    private readonly rerun: (uri: vscode.Uri) => void,
    /** Computes the run's fused-away tensors (an unfused run) and shows them everywhere; the updated run. */
    private readonly unfuse: (uri: vscode.Uri) => Promise<RunResult | undefined>,
    /** The preprocessing this model's runs use, and keeping a new choice (then running again with it). */
    private readonly preprocessing: { get(uri: vscode.Uri): PreprocessSettings; set(uri: vscode.Uri, s: PreprocessSettings): void },
  ) {
    this.panel = vscode.window.createWebviewPanel(FeatureMapsPanel.viewType, vscode.l10n.t('Feature Maps'), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, webviewOptions(extensionUri, vscode.Uri.joinPath));
    const w = this.panel.webview;
    const dist = (f: string) => w.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', f)).toString();
    const { lang, l10n } = webviewL10n();
    w.html = buildHtml(w.cspSource, makeNonce(), { title: vscode.l10n.t('Feature Maps'), lang, scripts: [dist('featureMaps.js')], styles: [dist('codicon.css'), dist('featureMaps.css')], data: { l10n } });
    this.subs.push(
      w.onDidReceiveMessage((m: FromFeatureMaps) => this.onMessage(m)),
      this.panel.onDidDispose(() => {
        this.subs.forEach((s) => s.dispose());
        onDispose();
      }),
    );
  }

  /** Shows a run's tensors, opening at the output of `nodeId` when given (in Step mode with its receptive field, `field`). */
  showRun(uri: vscode.Uri, r: RunResult, nodeId?: string, field = false): void {
    this.uri = uri;
    this.run = r;
    this.panel.title = vscode.l10n.t('Feature Maps: {0}', uri.path.split('/').pop() ?? '');
    const chosen = thumbnailOf(r, nodeId)?.tensor;
    this.post({
      type: 'fmRun', model: uri.fsPath, where: r.where, millis: r.millis, selected: chosen ?? r.thumbnails[0]?.tensor, chosen: chosen !== undefined, field: field && chosen !== undefined, notes: r.notes, top5: r.top5,
      preprocessing: r.preprocessing, settings: this.preprocessing.get(uri),
      tensors: featureMapTensors(r),
    });
    this.panel.reveal(undefined, true);
  }

  /** Follows a selection in the graph of `uri`: shows the output of `nodeId` when the run captured it. */
  focusNode(uri: vscode.Uri, r: RunResult, nodeId: string): boolean {
    if (this.uri?.toString() !== uri.toString()) return false;
    const t = thumbnailOf(r, nodeId);
    if (!t) return false;
    if (!this.ready && this.pending?.type === 'fmRun') this.pending = { ...this.pending, selected: t.tensor, chosen: true };
    else this.post({ type: 'fmFocus', tensor: t.tensor, nodeId: t.producer });
    return true;
  }

  dispose(): void {
    this.panel.dispose();
  }

  /** `busy`: the status line of the request that waits on it. */
  private async computeFused(busy: (line: string) => void, tensor?: string): Promise<void> {
    if (!this.uri) return;
    busy(tensor
      ? vscode.l10n.t('computing {0}: ONNX Runtime fused it into the next layer, so a second run without the fusions is made', tensor)
      : vscode.l10n.t('computing the fused layers: ONNX Runtime fused them into the next layer, so a second run without the fusions is made'));
    const r = await this.unfuse(this.uri);
    if (!r) return;
    this.run = r;
    this.post({ type: 'fmUnfused' });
  }

  private post(m: ToFeatureMaps): void {
    if (!this.ready) {
      if (m.type === 'fmRun') this.pending = m;
      return;
    }
    void this.panel.webview.postMessage(m);
  }

  private onMessage(m: FromFeatureMaps): void {
    if (this.answer(m)) return;
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.pending) this.post(this.pending);
        this.pending = undefined;
        return;
      case 'fmRerun':
        if (this.uri) this.rerun(this.uri);
        return;
      case 'fmPreprocess':
        // Checked before it is kept: the webview's message is input like any other.
        if (this.uri) this.preprocessing.set(this.uri, saneSettings(m.settings));
        return;
    }
  }

  /** The inference process's answer, or its failure logged and said with what to do about it. */
  private async relay<T>(answer: () => Promise<T>): Promise<T> {
    try {
      return await answer();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.log.warn(`feature maps: ${message}`);
      throw new Error(vscode.l10n.t('{0}. Run the model again to see its feature maps.', message));
    }
  }
}
