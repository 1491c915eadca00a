import * as vscode from 'vscode';
import { activeModelUri, type GraphPanels } from './graphPanel';
import type { InferenceInputChoice, InferenceState } from '../protocol/messages';
import { CancelledError, InferenceClient } from '../runtime/client';
import { listInputDims, valuesOf } from '../analysis/inputDims';
import { InputSizeStore } from './inputSizes';
import { PreprocessStore } from './preprocessStore';
import { DEFAULT_PREPROCESS } from '../runtime/preprocess';
import { PATTERNS, type PatternName } from '../runtime/patterns';
import type { LoadSpec, PictureChoice, RunResult, RunSpec } from '../runtime/types';
import type { LayerTimes } from '../runtime/profile';
import { readExecutionProviders, readLabelsFile, readMemoryBudgetMB } from './settings';
import { FeatureMapsPanel } from './featureMapsPanel';
import { viewThumbnails, withUnfused } from '../runtime/lowered';
import type { ModelSource } from './modelSource';
import { bundlePath } from './l10n';
import { notifyWaitingForTrust, type TrustQueue } from './workspaceTrust';
import { runNeedsLocalFile, runWaitsForTrust } from './trustText';

/**
 * Host side of sample inference: turns a graph webview's `runInference` (or the command) into a run in
 * the inference process at the input sizes chosen in the graph view (or the defaults it states), shows progress with Cancel, and
 * sends the thumbnails back to every view of the model. The last run per model feeds the feature-map panel.
 */
export class InferenceController implements vscode.Disposable {
  private readonly client: InferenceClient;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly last = new Map<string, RunResult>();
  private readonly selected = new Map<string, string | null>();
  /** The picture each model last ran on. */
  private readonly inputs = new Map<string, InferenceInputChoice>();
  /** What each model's run row shows, sent again when a graph webview (re)loads: a hidden tab's
   * webview is rebuilt when shown, and a run that went on meanwhile must still show its result. */
  private readonly shown = new Map<string, InferenceState>();
  private running?: string;
  /** The model the inference process ran last: its session and input are what a profile times. */
  private ranLast?: string;
  private featureMaps?: FeatureMapsPanel;
  private readonly sizes: InputSizeStore;
  /** The preprocessing chosen per model in the feature-map panel, fed by every run of it. */
  readonly preprocess: PreprocessStore;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly panels: GraphPanels,
    private readonly source: ModelSource,
    memento: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
    /** Runs asked for in Restricted Mode wait here until the workspace is trusted. */
    private readonly trust: TrustQueue,
  ) {
    this.sizes = new InputSizeStore(memento);
    this.preprocess = new PreprocessStore(memento);
    this.client = new InferenceClient({ workerPath: vscode.Uri.joinPath(extensionUri, 'dist', 'inferenceWorker.js').fsPath, l10nBundle: bundlePath() });
    panels.layerTimes = (uri) => this.layerTimes(uri);
    this.disposables.push(
      panels.onDidReceiveMessage(({ uri, message }) => {
        if (message.type === 'ready') this.reshow(uri);
        else if (message.type === 'runInference') void this.run(uri, message.input);
        else if (message.type === 'cancelInference') this.client.cancel();
        else if (message.type === 'showFeatureMaps') void this.showFeatureMaps(uri, message.nodeId, message.field === true);
        else if (message.type === 'nodeSelected') this.nodeSelected(uri, message.nodeId);
      }),
      panels.onDidLoad(({ uri }) => {
        this.last.delete(uri.toString());
        this.shown.delete(uri.toString());
        // A reload set the panel's run row back to idle; a run still waiting for trust says so again.
        if (this.trust.has(uri.toString())) this.postWaiting(uri);
      }),
    );
  }

  static register(context: vscode.ExtensionContext, panels: GraphPanels, source: ModelSource, log: vscode.LogOutputChannel, trust: TrustQueue): InferenceController {
    const c = new InferenceController(context.extensionUri, panels, source, context.workspaceState, log, trust);
    context.subscriptions.push(
      c,
      vscode.commands.registerCommand('convlens.runInference', async (uri?: vscode.Uri) => {
        const target = c.targetUri(uri);
        if (!target) return void vscode.window.showErrorMessage(vscode.l10n.t('ConvLens: open a model graph first, then run "Run Sample Inference".'));
        const input = await pickInput();
        if (input) await c.run(target, input);
        if (trust.has(target.toString())) void notifyWaitingForTrust(runWaitsForTrust(basename(target.toString())));
      }),
      vscode.commands.registerCommand('convlens.showFeatureMaps', async (uri?: vscode.Uri, nodeId?: string) => {
        const target = c.targetUri(uri);
        if (!target) return void vscode.window.showErrorMessage(vscode.l10n.t('ConvLens: open a model graph first, then run "Show Feature Maps".'));
        await c.showFeatureMaps(target, typeof nodeId === 'string' ? nodeId : undefined);
        if (trust.has(target.toString())) void notifyWaitingForTrust(runWaitsForTrust(basename(target.toString())));
      }),
    );
    return c;
  }

  /** Runs the model behind `uri` on `input` and shows the result in its graph views. */
  async run(uri: vscode.Uri, input: InferenceInputChoice): Promise<RunResult | undefined> {
    const key = uri.toString();
    if (this.mayNotRun(uri, () => void this.run(uri, input))) return undefined;
    if (this.running) {
      void vscode.window.showInformationMessage(vscode.l10n.t('ConvLens: a run of {0} is in progress; cancel it first.', basename(this.running)));
      return undefined;
    }
    // Taken before the first await (the file picker), so a second run cannot start while this one waits for it.
    this.running = key;
    const post = (state: InferenceState) => this.show(uri, state);
    try {
      const picture = await resolvePicture(input, uri);
      if (!picture) return undefined;
      // Run again (and a new preprocessing choice) reuses this picture without asking for it again.
      this.inputs.set(key, picture.kind === 'image' ? { kind: 'image', path: picture.path } : input);
      const base: LoadSpec = { modelPath: uri.fsPath, providers: readExecutionProviders(), memoryBudgetMB: readMemoryBudgetMB() };
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('ConvLens: {0}', basename(key)), cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => this.client.cancel());
          const report = (message: string) => {
            progress.report({ message });
            post({ status: 'running', message });
          };
          report(vscode.l10n.t('loading the model'));
          base.model = await this.modelToRun(uri);
          const inputs = await this.client.inspect(base, report);
          const dims = this.dimsFor(uri, inputs);
          const spec: RunSpec = {
            ...base, picture, dims, preprocessing: this.preprocess.get(uri) ?? DEFAULT_PREPROCESS,
            labelsFile: readLabelsFile(), imagenetLabelsFile: vscode.Uri.joinPath(this.extensionUri, 'media', 'labels', 'imagenet.txt').fsPath,
          };
          return this.client.run(spec, report);
        },
      );
      this.last.set(key, result);
      this.ranLast = key;
      this.log.info(`inference ${uri.fsPath}: ${result.where}, run ${result.millis.toFixed(1)} ms, load ${result.loadMillis.toFixed(0)} ms, thumbnails ${result.thumbMillis.toFixed(0)} ms, ${result.thumbnails.length} tensors`);
      for (const n of result.notes) this.log.info(`inference note: ${n}`);
      post(doneState(result));
      this.featureMaps?.showRun(uri, result, this.selected.get(key) ?? undefined);
      return result;
    } catch (e) {
      if (e instanceof CancelledError) {
        post({ status: 'idle' });
        return undefined;
      }
      const message = (e as Error).message;
      this.log.error(`inference ${uri.fsPath}: ${message}`);
      post({ status: 'error', message });
      void vscode.window.showErrorMessage(vscode.l10n.t('ConvLens: {0}', message));
      return undefined;
    } finally {
      this.running = undefined;
    }
  }

  /** Opens the feature-map panel on the model's last run (running it on a pattern first if needed);
   * `field`: in Step mode at `nodeId`, its receptive field on the input shown. */
  async showFeatureMaps(uri: vscode.Uri, nodeId?: string, field = false): Promise<void> {
    const key = uri.toString();
    let result = this.last.get(key);
    if (!result && this.mayNotRun(uri, () => void this.showFeatureMaps(uri, nodeId, field))) return;
    if (!result) result = await this.run(uri, { kind: 'pattern', pattern: 'gradient' });
    if (!result) return;
    if (!this.featureMaps) {
      this.featureMaps = new FeatureMapsPanel(this.extensionUri, this.client, this.log, () => {
        this.featureMaps = undefined;
      }, (u) => void this.run(u, this.inputs.get(u.toString()) ?? { kind: 'pattern', pattern: 'gradient' }), (u) => this.unfuse(u), {
        get: (u) => this.preprocess.get(u) ?? DEFAULT_PREPROCESS,
        set: (u, s) => void this.preprocess.set(u, s).then(() => this.run(u, this.inputs.get(u.toString()) ?? { kind: 'pattern', pattern: 'gradient' })),
      });
    }
    this.featureMaps.showRun(uri, result, nodeId ?? this.selected.get(key) ?? undefined, field);
  }

  /**
   * The last run of `uri` with the tensors ONNX Runtime fused computed (a second, unfused run in the
   * inference process), their thumbnails added to every graph view of the model.
   */
  async unfuse(uri: vscode.Uri): Promise<RunResult | undefined> {
    const key = uri.toString();
    const last = this.last.get(key);
    if (!last || last.fused.length === 0) return last;
    const result = withUnfused(last, await this.client.unfused());
    if (this.last.get(key) !== last) return this.last.get(key);
    this.last.set(key, result);
    this.panels.post(uri, { type: 'inferenceState', state: doneState(result) });
    return result;
  }

  /** Time per layer of `uri`, on its last run's input (ONNX Runtime's profiler in the inference process). */
  async layerTimes(uri: vscode.Uri): Promise<LayerTimes> {
    const key = uri.toString();
    if (this.running) throw new Error(vscode.l10n.t('A run is in progress: time the layers once it is done.'));
    if (!this.last.has(key) || this.ranLast !== key) throw new Error(vscode.l10n.t('Run the model first: its layers are timed on the input of its last run.'));
    const times = await this.client.profile();
    this.log.info(`layer times ${uri.fsPath}: run ${(times.runMicros / 1000).toFixed(2)} ms (mean of ${times.runs}), kernels ${(times.kernelMicros / 1000).toFixed(2)} ms, layout ${(times.layoutMicros / 1000).toFixed(2)} ms, ${times.unmapped.length} kernels not traced back`);
    return times;
  }

  /** Remembers the selection per model; an open feature-map panel on that model follows it. */
  nodeSelected(uri: vscode.Uri, nodeId: string | null): void {
    this.selected.set(uri.toString(), nodeId);
    const result = this.last.get(uri.toString());
    if (nodeId && result) this.featureMaps?.focusNode(uri, result, nodeId);
  }

  dispose(): void {
    this.client.dispose();
    this.featureMaps?.dispose();
    this.disposables.forEach((d) => d.dispose());
  }

  /**
   * What the user sees, as ONNX bytes: a Keras, TF.js or ConvLens JSON model is lowered in the model
   * worker from the version on screen (unsaved edits included), from the model read for the graph.
   * An ONNX file (read-only in the editor) is read by the inference process itself (undefined here).
   */
  private async modelToRun(uri: vscode.Uri): Promise<LoadSpec['model']> {
    const format = this.panels.graphOf(uri)?.format;
    if (format === 'onnx' || (!format && uri.path.toLowerCase().endsWith('.onnx'))) return undefined;
    const low = await this.source.lowered(uri);
    if (!low.bytes) throw new Error(low.error ?? vscode.l10n.t('{0}: could not be prepared to run', uri.path));
    return { bytes: low.bytes, version: low.version };
  }

  /**
   * True when the model may not run now, having said why in its panel: a virtual workspace's model
   * never runs (ONNX Runtime reads the local disk); in Restricted Mode `resume` runs once trusted.
   */
  private mayNotRun(uri: vscode.Uri, resume: () => void): boolean {
    if (uri.scheme !== 'file') {
      const message = runNeedsLocalFile(basename(uri.toString()), uri.scheme);
      this.show(uri, { status: 'error', message });
      void vscode.window.showErrorMessage(vscode.l10n.t('ConvLens: {0}', message));
      return true;
    }
    // Only runs the user still sees a panel for resume; one closed meanwhile is dropped.
    if (!this.trust.wait(uri.toString(), () => this.panels.has(uri) && resume())) return false;
    this.log.info(`inference ${uri.fsPath}: waits for workspace trust (Restricted Mode)`);
    this.postWaiting(uri);
    return true;
  }

  private postWaiting(uri: vscode.Uri): void {
    this.show(uri, { status: 'untrusted', message: runWaitsForTrust(basename(uri.toString())) });
  }

  private show(uri: vscode.Uri, state: InferenceState): void {
    this.shown.set(uri.toString(), state);
    this.panels.post(uri, { type: 'inferenceState', state });
  }

  private reshow(uri: vscode.Uri): void {
    const state = this.shown.get(uri.toString());
    if (state && state.status !== 'idle') this.panels.post(uri, { type: 'inferenceState', state });
  }

  private targetUri(uri?: vscode.Uri): vscode.Uri | undefined {
    if (uri instanceof vscode.Uri) return uri;
    const docs = this.panels.documents();
    return activeModelUri(this.panels) ?? (docs.length === 1 ? docs[0] : undefined);
  }

  /** Sizes for the model's symbolic input dims: those chosen in its graph view, the rest at the
   * defaults the view stated (src/analysis/inputDims.ts). Nothing is asked here. */
  private dimsFor(uri: vscode.Uri, inputs: { name: string; shape: (number | string)[] | null }[]): Record<string, number> {
    // The sizes the shown graph was analysed at (metadata included), then the user's choice.
    const shown = valuesOf(this.panels.graphOf(uri)?.evaluatedAt ?? []);
    return valuesOf(listInputDims(inputs, {}, { ...shown, ...this.sizes.get(uri) }));
  }
}

function doneState(result: RunResult): InferenceState {
  return {
    status: 'done', provider: result.where, millis: result.millis, weightsNote: result.weightsNote,
    thumbnails: viewThumbnails(result.thumbnails), fused: result.fused.length,
    top5: result.top5, inputs: result.inputs, notes: result.notes,
    filters: result.filters ? { tensor: result.filters.tensor, png: result.filters.png, shape: result.filters.shape } : undefined,
  };
}

async function pickInput(): Promise<InferenceInputChoice | undefined> {
  const items: (vscode.QuickPickItem & { choice: InferenceInputChoice })[] = [
    { label: `$(file-media) ${vscode.l10n.t('Image file…')}`, description: vscode.l10n.t('PNG or JPEG'), choice: { kind: 'image' } },
    ...PATTERNS.map((p) => ({ label: `$(symbol-color) ${patternLabel(p)}`, description: vscode.l10n.t('built-in pattern'), choice: { kind: 'pattern', pattern: p } as InferenceInputChoice })),
  ];
  return (await vscode.window.showQuickPick(items, { title: vscode.l10n.t('ConvLens: sample input') }))?.choice;
}

function patternLabel(p: PatternName): string {
  return { gradient: vscode.l10n.t('Colour gradient'), checkerboard: vscode.l10n.t('Checkerboard'), digit: vscode.l10n.t("Handwritten-style digit '3'"), noise: vscode.l10n.t('Seeded noise') }[p];
}

async function resolvePicture(input: InferenceInputChoice, model: vscode.Uri): Promise<PictureChoice | undefined> {
  if (input.kind === 'pattern') return { kind: 'pattern', pattern: input.pattern };
  if (input.path) {
    const folder = vscode.workspace.getWorkspaceFolder(model) ?? vscode.workspace.workspaceFolders?.[0];
    const abs = /^([a-zA-Z]:)?[\\/]/.test(input.path) || !folder ? input.path : vscode.Uri.joinPath(folder.uri, input.path).fsPath;
    return { kind: 'image', path: abs };
  }
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { [vscode.l10n.t('Images')]: ['png', 'jpg', 'jpeg'] }, defaultUri: vscode.Uri.joinPath(model, '..'), title: vscode.l10n.t('ConvLens: sample image') });
  return picked?.[0] ? { kind: 'image', path: picked[0].fsPath } : undefined;
}

function basename(uriOrKey: string): string {
  return decodeURIComponent(uriOrKey.split('/').pop() ?? uriOrKey);
}
