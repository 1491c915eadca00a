import * as l10n from '@vscode/l10n';
import { stat, readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import type { Analysis } from '../analysis/types';
import type { Model, Node } from '../ir/types';
import { captureCandidates, planFusedCapture, type CaptureCandidate, type FusedCapturePlan } from './capture';
import { classCount, isClassifierOutput, parseLabels, scoreSource, topK, type Prediction } from './classify';
import { explainNode, type StepExplanation } from './explain';
import { DROPOUT_LIKE, explainDropout } from './dropout';
import { sourceLayers, sourceStepOf, type SourceLayer } from './sourceLayers';
import { arithmeticOf, type Arithmetic, type ArithmeticSource, type OutputAt } from './arithmetic/index';
import { windowAt } from '../analysis/window/formula';
import { fieldMap } from '../analysis/receptiveRegion';
import { renderFilters } from './filters';
import { renderGrid, THUMBNAIL_GRID, type GridOptions } from './grid';
import { readImageFile } from './image';
import { modelLayouts, type ModelLayouts } from './layout';
import { prepareInputs, settingsOf, type InputSpec, type PictureSource, type PreparedInput } from './input';
import { loweredOrigins, viewOf, type LoweredOrigin } from './lowered';
import { describeProvider, gpuName, type ProviderName } from './providers';
import { openSession } from './session';
import { confinedOptions } from './confine';
import { probeFusion, type FusionProbe } from './fusion';
import type { LayerTimes } from './profile';
import { profileLayers } from './profiler';
import { sourceLayerTimes } from './sourceTimes';
import { channelStats, histogram, tensorStats } from './stats';
import { toFloat32, type HostTensor } from './tensorView';
import type { FusedRecord, LoadSpec, ModelInputInfo, RunResult, RunSpec, StepView, TensorDetail, ThumbnailRecord } from './types';

/** How the engine reads models; the real readers are wired in ./access.ts, tests may pass others. */
export interface ModelAccess {
  /** `bytes`: ONNX bytes the host sent (a JSON model lowered from its unsaved text); else the file is read. */
  read(path: string, bytes?: Uint8Array): Promise<Model>;
  analyze(model: Model): Analysis;
  /** ONNX bytes of the model as it is (the bytes sent, the file for .onnx; lowered and encoded for other formats). */
  onnxBytes(model: Model, path: string, bytes?: Uint8Array): Promise<Uint8Array>;
  /** The same model with these tensors added as graph outputs. */
  withExtraOutputs(bytes: Uint8Array, tensors: string[]): Uint8Array;
}

interface Loaded {
  key: string;
  model: Model;
  analysis: Analysis;
  session: ort.InferenceSession;
  provider: ProviderName;
  where: string;
  notes: string[];
  /** Exposed in the session: the tensors that survive ONNX Runtime's optimisation (./fusion.ts). */
  capture: CaptureCandidate[];
  /** Fused away by ONNX Runtime: computed on request by a second, unfused session (see unfusedRun). */
  fused: CaptureCandidate[];
  /** What survived the optimisation; undefined when it could not be read (then everything is exposed). */
  survivors?: Set<string>;
  /** Where the ONNX bytes come from, to make the unfused session when it is asked for. */
  source: { path: string; bytes?: Uint8Array };
  unfused?: ort.InferenceSession;
  /** The last pattern's inputs, prepared. */
  pattern?: { key: string; inputs: PreparedInput[] };
  loadMillis: number;
  /** Name of the first convolution's weight tensor, when it is drawn. */
  firstConvWeight?: string;
  /** The previous run's outputs, handed back to ONNX Runtime as pre-allocated fetches while the
   * input shapes stay the same: it then writes into them instead of allocating and copying ~150
   * tensors per run (measured: a third of the capture overhead on ResNet-50). */
  fetches?: { inputKey: string; tensors: Record<string, ort.Tensor> };
  /** For a lowered Keras-domain model: the Keras layer output each ONNX tensor stands for. */
  origins: Map<string, LoweredOrigin>;
  /** Which inputs and tensors are channels-last, from the model (./layout.ts). */
  layouts: ModelLayouts;
  /** For a lowered model: its source layers, which Step mode steps over. */
  sources: SourceLayer[] | null;
}

export type Progress = (message: string) => void;

/**
 * Runs a model with its layer outputs (as many as the memory budget allows) exposed as outputs, keeps the
 * last run's tensors for the feature-map panel, and makes thumbnails. Only the tensors that survive ONNX
 * Runtime's fusions are exposed, so the run stays close to a bare one; a fused-away tensor (a convolution's
 * output before its BatchNormalization and activation) is computed on request by a second session with
 * everything exposed, once per run. Sessions are kept and reused while the model file, providers and budget
 * stay the same.
 */
export class Engine {
  private loaded?: Loaded;
  private tensors = new Map<string, HostTensor>();
  private producers = new Map<string, string>();
  /** The labels the last run's classifier output was read with (Step's top-k uses them too). */
  private labels?: { classes: number; labels: string[] };
  /** The last run's inputs: true where fed channels-last. */
  private inputLayout = new Map<string, boolean>();
  /** The last run's inputs, for the unfused session; whether it ran on them yet. */
  private feeds?: Record<string, ort.Tensor>;
  private unfusedRan = false;
  /** What survives fusion, per model file and settings: other dim values keep it (the graph is the same). */
  private probed?: { key: string; probe: FusionProbe };
  /** Unfused runs made so far (tests check that one serves every request of a run). */
  unfusedRuns = 0;

  constructor(private readonly access: ModelAccess, private readonly onTryProvider?: (p: ProviderName | null) => void) {}

  async inspect(spec: LoadSpec, progress?: Progress): Promise<ModelInputInfo[]> {
    const l = await this.load(spec, undefined, progress);
    return inputSpecs(l.session);
  }

  async run(spec: RunSpec, progress?: Progress): Promise<RunResult> {
    const before = this.loaded;
    const l = await this.load(spec, spec.dims, progress);
    const reused = l === before;
    // A pattern is the same picture every time (27 ms to draw at 224×224, a quarter of a ResNet-50 run): kept.
    const preprocessing = settingsOf(spec);
    const patternKey = spec.picture.kind === 'pattern' ? JSON.stringify([spec.picture, preprocessing, spec.dims]) : undefined;
    const prepared = patternKey && l.pattern?.key === patternKey ? l.pattern.inputs
      : prepareInputs(inputSpecs(l.session), await pictureSource(spec), { preprocessing, dims: spec.dims }, l.layouts.inputs);
    // The user's layout choice, where it differs from the model's, is what the input maps are drawn as.
    this.inputLayout = new Map(prepared.map((p) => [p.name, p.layout === 'NHWC' || p.layout === 'HWC']));
    l.pattern = patternKey ? { key: patternKey, inputs: prepared } : undefined;
    const feeds: Record<string, ort.Tensor> = {};
    for (const p of prepared) feeds[p.name] = new ort.Tensor(p.dtype as ort.Tensor.Type, p.data as ort.Tensor.DataType, p.dims);
    progress?.(l10n.t('running on {0}', l.where));
    const inputKey = JSON.stringify(prepared.map((p) => p.dims));
    const reuse = l.fetches?.inputKey === inputKey ? l.fetches.tensors : undefined;
    const t0 = performance.now();
    const results = reuse ? await l.session.run(feeds, reuse) : await l.session.run(feeds);
    const millis = performance.now() - t0;
    l.fetches = preallocatable(results) ? { inputKey, tensors: results as Record<string, ort.Tensor> } : undefined;
    this.feeds = feeds;
    this.unfusedRan = false;

    this.tensors = new Map();
    for (const p of prepared) this.tensors.set(p.name, { name: p.name, dims: p.dims, dtype: p.dtype, data: toFloat32(p.data as ort.Tensor.DataType, p.dtype) });
    for (const [name, value] of Object.entries(results)) {
      const t = value as ort.Tensor;
      if (!t.dims || typeof t.data === 'string' || Array.isArray(t.data)) continue;
      this.tensors.set(name, { name, dims: [...t.dims], dtype: t.type, data: toFloat32(t.data, t.type) });
    }

    // ONNX Runtime removes Identity and inference-mode Dropout: their output is their input, by definition.
    for (const c of l.fused) {
      const src = identityInput(l, c);
      const t = src ? this.tensors.get(src) : undefined;
      if (!t) continue;
      this.tensors.set(c.tensor, { ...t, name: c.tensor });
      this.producers.set(c.tensor, c.producer);
    }
    // Tensors asked for by name are asked for: the fused ones among them are computed now.
    if (spec.returnTensors?.length) await this.unfusedRun(spec.returnTensors);

    const t1 = performance.now();
    const thumbnails: ThumbnailRecord[] = [];
    if (!spec.noThumbnails) {
      for (const c of [...l.capture, ...l.fused].sort((a, b) => a.order - b.order)) {
        const th = this.thumbnail(l, c);
        if (th) thumbnails.push(th);
      }
    }
    const firstConv = l.firstConvWeight ? this.weight(l, l.firstConvWeight) : undefined;
    const filters = !spec.noThumbnails && firstConv ? renderFilters(firstConv) ?? undefined : undefined;
    const top5 = await this.classify(l, spec);
    const thumbMillis = performance.now() - t1;

    const outputs = new Set(l.model.graph.outputs.map((o) => o.name));
    const wanted = new Set(spec.returnTensors ?? []);
    const returned = [...this.tensors.values()]
      .filter((t) => wanted.has(t.name) || (wanted.has('*outputs') && outputs.has(t.name)))
      .map((t) => ({ name: t.name, dims: t.dims, data: t.data }));
    return {
      provider: l.provider,
      where: l.where,
      millis,
      loadMillis: reused ? 0 : l.loadMillis,
      thumbMillis,
      sessionReused: reused,
      inputs: prepared.map((p) => p.description),
      preprocessing: prepared.flatMap((p) => (p.applied ? [p.applied] : [])),
      tensors: [...this.tensors.values()].map((t) => ({ name: t.name, dims: t.dims, dtype: t.dtype, producer: this.producers.get(t.name) ?? '' })),
      thumbnails,
      fused: l.fused.filter((c) => !this.tensors.has(c.tensor)).map((c) => fusedRecord(l, c, spec.dims)),
      top5: top5 ?? undefined,
      filters,
      notes: [...l.notes],
      weightsNote: l.model.metadata['convlens.generatedWeights'] ? l10n.t('weights generated, not read ({0}): the maps show the structure, not learned features', l.model.metadata['convlens.generatedWeights']) : undefined,
      returned,
    };
  }

  /** Thumbnails of the tensors ONNX Runtime fused away in the last run, computing them first if needed. */
  async unfused(): Promise<ThumbnailRecord[]> {
    const l = this.loaded;
    if (!l) throw new Error('run the model first');
    await this.unfusedRun([]);
    return l.fused.map((c) => this.thumbnail(l, c)).filter((t): t is ThumbnailRecord => !!t);
  }

  /** The captured tensor `name` drawn large, with per-channel statistics and a histogram. */
  async detail(name: string, grid: Partial<GridOptions> = {}): Promise<TensorDetail> {
    await this.unfusedRun([name]);
    return this.drawn(name, grid);
  }

  private drawn(name: string, grid: Partial<GridOptions> = {}): TensorDetail {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`tensor '${name}' was not captured in the last run${this.loaded ? '' : ' (run the model first)'}`);
    const all = tensorStats(t.data);
    return {
      tensor: name,
      shape: t.dims,
      producer: this.producers.get(name) ?? '',
      grid: renderGrid(t, { maxChannels: 64, targetWidth: 640, gap: 2, channelsLast: this.channelsLast(name, t.dims), ...grid }),
      channelStats: channelStats(t),
      histogram: histogram(t.data, 48, all),
      ...all,
    };
  }

  /**
   * Step mode: the index-th layer, its input maps, the operation explained, its output maps. A lowered
   * Keras/TF.js/ConvLens JSON model steps over its source layers (./sourceLayers.ts), named and typed as
   * in the source, each showing the source layer's input and output.
   */
  async step(index: number, grid: Partial<GridOptions> = {}): Promise<StepView> {
    const l = this.loaded;
    if (!l) throw new Error('run the model first');
    const opts = { maxChannels: 16, targetWidth: 360, gap: 2, ...grid };
    if (l.sources) return this.sourceStep(l, l.sources, index, opts);
    const steps = this.steps(l);
    if (steps.length === 0) throw new Error('no layer of this model was captured');
    const i = Math.max(0, Math.min(steps.length - 1, index));
    const node = steps[i];
    await this.unfusedRun([...node.inputs, ...node.outputs]);
    const data = node.inputs.filter((n) => n && this.tensors.has(n) && !l.analysis.tensors.get(n)?.isWeight);
    const inputs = data.map((n) => this.drawn(n, opts));
    const outputs = node.outputs.filter((n) => this.tensors.has(n)).map((n) => this.drawn(n, opts));
    const explanation = this.explain(l, node, inputs, outputs);
    const field = this.field(l, node.outputs[0], outputs, opts);
    return { index: i, count: steps.length, nodeId: node.id, opType: node.opType, name: node.name, inputs, outputs, explanation, top: this.topOf(l, node, outputs[0]?.tensor), ...(field ? { field } : {}) };
  }

  private async sourceStep(l: Loaded, layers: SourceLayer[], index: number, opts: Partial<GridOptions>): Promise<StepView> {
    if (layers.length === 0) throw new Error('no layer of this model was captured');
    const i = Math.max(0, Math.min(layers.length - 1, index));
    const layer = layers[i];
    await this.unfusedRun([...layer.onnxInputs, layer.onnxOutput]);
    const inputs = layer.onnxInputs.filter((n) => this.tensors.has(n)).map((n) => this.drawn(n, opts));
    const outputs = this.tensors.has(layer.onnxOutput) ? [this.drawn(layer.onnxOutput, opts)] : [];
    const main = layer.main;
    let explanation: StepExplanation;
    if (DROPOUT_LIKE.test(layer.type)) explanation = explainDropout(layer.type, layer.rate, outputs[0]?.shape, true);
    else if (main) {
      // The explanation reads the ONNX node's own tensors (channels-first where the lowering made them so).
      await this.unfusedRun([...main.inputs, ...main.outputs]);
      const ins = main.inputs.filter((n) => n && this.tensors.has(n) && !l.analysis.tensors.get(n)?.isWeight).map((n) => this.tensors.get(n)!.dims);
      const outs = main.outputs.filter((n) => this.tensors.has(n)).map((n) => this.tensors.get(n)!);
      const zeros = outs[0] ? tensorStats(outs[0].data).zeros : undefined;
      explanation = explainNode(main, { inputs: ins, outputs: outs.map((t) => t.dims), outputZeros: zeros }, this.weightDims(l, main), l.analysis.nodes.get(main.id));
    } else explanation = { title: layer.type, lines: [] };
    const top = main ? this.topOf(l, main, layer.onnxOutput) : undefined;
    const field = this.field(l, layer.onnxOutput, outputs, opts);
    return { index: i, count: layers.length, nodeId: layer.id, opType: layer.type, name: layer.name, inputs, outputs, explanation, top, ...(field ? { field } : {}) };
  }

  private weightDims(l: Loaded, node: Node): (number[] | undefined)[] {
    return node.inputs.map((n) => (n ? l.model.graph.initializers.get(n)?.dims ?? this.tensors.get(n)?.dims ?? numericShape(l.analysis.tensors.get(n)?.shape) : undefined));
  }

  private explain(l: Loaded, node: Node, inputs: TensorDetail[], outputs: TensorDetail[]): StepExplanation {
    if (node.opType === 'Dropout') return explainDropout(node.opType, typeof node.attributes.ratio === 'number' ? node.attributes.ratio : 0.5, outputs[0]?.shape, false);
    return explainNode(node, { inputs: inputs.map((d) => d.shape), outputs: outputs.map((d) => d.shape), outputZeros: outputs[0]?.zeros }, this.weightDims(l, node), l.analysis.nodes.get(node.id));
  }

  /** Top-k of a step's output, only where it is a classifier's class scores (./classify.ts). */
  private topOf(l: Loaded, node: Node, tensor: string | undefined): Prediction[] | undefined {
    const t = tensor ? this.tensors.get(tensor) : undefined;
    // Only the model's own output: a hidden Dense layer's 128 values are features, not classes.
    if (!t || !l.model.graph.outputs.some((o) => o.name === tensor) || !isClassifierOutput(t.dims, node.opType)) return undefined;
    return topK(t, this.labels?.classes === classCount(t.dims) ? this.labels.labels : null) ?? undefined;
  }

  /** One output value of `nodeId` computed from the numbers it reads (./arithmetic), with the runtime's. */
  async arithmetic(nodeId: string, at: OutputAt): Promise<Arithmetic> {
    const l = this.loaded;
    if (!l) throw new Error('run the model first');
    const src = this.arithmeticSource(l);
    const node = src.node(nodeId);
    // The layer's input, its output and the bias Add and activation after it: fused ones are computed first.
    const wanted = node ? [...node.inputs, ...node.outputs, ...src.consumers(node.outputs[0]).flatMap((c) => [...c.outputs, ...src.consumers(c.outputs[0]).flatMap((d) => d.outputs)])] : [];
    await this.unfusedRun(wanted.filter(Boolean));
    return arithmeticOf(src, nodeId, at);
  }

  private arithmeticSource(l: Loaded): ArithmeticSource {
    const outputs = new Set(l.model.graph.outputs.map((o) => o.name));
    return {
      node: (id) => l.analysis.nodeById.get(id),
      consumers: (tensor) => l.model.graph.nodes.filter((n) => n.inputs.includes(tensor)),
      isGraphOutput: (tensor) => outputs.has(tensor),
      tensor: (name) => this.weight(l, name) ?? this.reshapedConstant(l, name),
      constant: (name) => (l.model.graph.initializers.has(name) ? this.weight(l, name) : this.reshapedConstant(l, name)),
      window: (node, inSpatial) => {
        const w = l.analysis.nodes.get(node.id)?.window;
        return w ? windowAt(w, inSpatial) : undefined;
      },
    };
  }

  /** A weight that is an initializer seen through Reshape/Flatten/Identity (MNIST's MatMul weight: ONNX
   * Runtime folds it, so it is no run output): the same values in the analysis's shape. */
  private reshapedConstant(l: Loaded, name: string): HostTensor | undefined {
    const producer = l.analysis.tensors.get(name)?.producer;
    const n = producer ? l.analysis.nodeById.get(producer) : undefined;
    const dims = numericShape(l.analysis.tensors.get(name)?.shape);
    if (!n || !dims || !['Reshape', 'Flatten', 'Identity', 'Squeeze', 'Unsqueeze'].includes(n.opType) || !n.inputs[0]) return undefined;
    const from = l.model.graph.initializers.has(n.inputs[0]) ? this.weight(l, n.inputs[0]) : this.reshapedConstant(l, n.inputs[0]);
    return from && from.data.length === dims.reduce((a, b) => a * b, 1) ? { ...from, name, dims } : undefined;
  }

  /** Index of `nodeId` among the steps (for opening Step mode at the selected layer). */
  stepIndexOf(nodeId: string): number {
    const l = this.loaded;
    if (!l) return -1;
    if (l.sources) return sourceStepOf(l.sources, nodeId, l.model);
    return this.steps(l).findIndex((n) => n.id === nodeId);
  }

  /** Time per layer on the last run's input, from ONNX Runtime's profiler (./profiler.ts). */
  async profile(progress?: Progress): Promise<LayerTimes> {
    const l = this.loaded;
    if (!l || !this.feeds) throw new Error('no run to time: run the model first (its layers are timed on the same input)');
    progress?.(l10n.t('timing each layer with ONNX Runtime\'s profiler'));
    const bare = await this.access.onnxBytes(l.model, l.source.path, l.source.bytes);
    const times = await profileLayers(l.model, bare, l.provider, confinedOptions(l.model, l.source.path), this.feeds, (id) => l.analysis.nodes.get(id)?.macs ?? null);
    // A lowered model's graph view draws its source layers: the times are theirs.
    return l.sources ? sourceLayerTimes(times, l.sources, l.model) : times;
  }

  async dispose(): Promise<void> {
    const l = this.loaded;
    this.loaded = undefined;
    this.feeds = undefined;
    this.tensors.clear();
    await l?.session.release();
    await l?.unfused?.release();
  }

  /**
   * Computes the fused-away tensors of the last run when any of `wanted` is one of them (all of them when
   * `wanted` is empty): a second session with them exposed, made once per model and run once per run.
   */
  private async unfusedRun(wanted: string[]): Promise<void> {
    const l = this.loaded;
    if (!l || !this.feeds || this.unfusedRan || l.fused.length === 0) return;
    const fused = new Set(l.fused.map((c) => c.tensor));
    if (wanted.length > 0 && !wanted.some((n) => fused.has(n) && !this.tensors.has(n))) return;
    if (!l.unfused) {
      const bytes = this.access.withExtraOutputs(await this.access.onnxBytes(l.model, l.source.path, l.source.bytes), [...fused]);
      l.unfused = (await openSession(bytes, [l.provider], undefined, confinedOptions(l.model, l.source.path))).session;
    }
    const results = await l.unfused.run(this.feeds, [...fused]);
    this.unfusedRuns++;
    for (const c of l.fused) {
      const t = results[c.tensor] as ort.Tensor | undefined;
      if (!t?.dims || typeof t.data === 'string' || Array.isArray(t.data)) continue;
      this.tensors.set(c.tensor, { name: c.tensor, dims: [...t.dims], dtype: t.type, data: toFloat32(t.data, t.type) });
      this.producers.set(c.tensor, c.producer);
    }
    this.unfusedRan = true;
  }

  private thumbnail(l: Loaded, c: CaptureCandidate): ThumbnailRecord | undefined {
    const t = this.tensors.get(c.tensor);
    if (!t || t.data.length === 0) return undefined;
    const channelsLast = this.channelsLast(c.tensor, t.dims);
    return { tensor: c.tensor, png: renderGrid(t, { ...THUMBNAIL_GRID, channelsLast }).png, shape: t.dims, producer: c.producer, opType: c.opType, order: c.order, ...viewOf(l.origins, l.sources, c.tensor) };
  }

  /** The field of a step's output tensor on the input image, when it is a 2-D map of one image input. */
  private field(l: Loaded, name: string | undefined, outputs: TensorDetail[], opts: Partial<GridOptions>): StepView['field'] {
    const out = outputs.find((d) => d.tensor === name);
    if (!out || !name || l.analysis.tensors.get(name)?.receptiveField?.length !== 2) return undefined;
    const map = fieldMap(l.analysis, name, [out.grid.mapHeight, out.grid.mapWidth]);
    if (!map || !this.tensors.has(map.input)) return undefined;
    return { map, image: this.drawn(map.input, opts) };
  }

  /** Drawn channels-last: as fed (inputs), else as the model lays it out (./layout.ts). */
  private channelsLast(name: string, dims: number[]): boolean {
    if (dims.length < 3) return false;
    return this.inputLayout.get(name) ?? this.loaded?.layouts.channelsLast.has(name) ?? false;
  }

  /** Step mode walks every layer with a map, fused or not (a fused one is computed when reached). */
  private steps(l: Loaded): Node[] {
    const captured = new Set([...l.capture, ...l.fused].map((c) => c.producer));
    return l.analysis.order.map((id) => l.analysis.nodeById.get(id)).filter((n): n is Node => !!n && captured.has(n.id));
  }

  private weight(l: Loaded, name: string): HostTensor | undefined {
    const t = this.tensors.get(name);
    if (t) return t;
    const init = l.model.graph.initializers.get(name);
    if (!init || init.missing) return undefined;
    try {
      return { name, dims: init.dims, dtype: init.dtype, data: Float32Array.from(init.values()) };
    } catch {
      return undefined;
    }
  }

  /** Top-5 of the first graph output that is a classifier's (softmax, or logits over enough classes). */
  private async classify(l: Loaded, spec: RunSpec) {
    this.labels = undefined;
    const producers = new Map(l.model.graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
    for (const o of l.model.graph.outputs) {
      const t = this.tensors.get(o.name);
      if (!t || !isClassifierOutput(t.dims, scoreSource(producers, o.name))) continue;
      const classes = classCount(t.dims)!;
      const labels = await readLabels(spec, classes);
      if (labels) this.labels = { classes, labels };
      const top = topK(t, labels);
      if (top) return top;
    }
    return null;
  }

  /** `dims` undefined: any session of the model will do (inspect reads only the inputs). */
  private async load(spec: LoadSpec, dims: Record<string, number> | undefined, progress?: Progress): Promise<Loaded> {
    const key = await keyOf(spec);
    const l = this.loaded;
    // The extra outputs are fixed when the session is made: other dim values keep it only while they leave the plan as it is.
    if (l?.key === key && (!dims || sameTensors(l.capture, planOf(l.model, l.analysis, dims, spec.memoryBudgetMB, l.survivors).capture))) return l;
    await this.dispose();
    const t0 = performance.now();
    progress?.(l10n.t('reading the model'));
    const model = await this.access.read(spec.modelPath, spec.model?.bytes);
    const analysis = this.access.analyze(model);
    const bare = await this.access.onnxBytes(model, spec.modelPath, spec.model?.bytes);
    const confined = confinedOptions(model, spec.modelPath);
    progress?.(l10n.t('reading which layers ONNX Runtime fuses'));
    const probe = this.probed?.key === key ? this.probed.probe : await probeFusion(model, bare, spec.providers, confined, this.onTryProvider);
    this.probed = { key, probe };
    const plan = planOf(model, analysis, dims ?? {}, spec.memoryBudgetMB, probe.survivors);
    const firstConv = analysis.order.map((id) => analysis.nodeById.get(id)).find((n) => n?.opType === 'Conv');
    const firstConvWeight = firstConv?.inputs[1] || undefined;
    const extra = plan.capture.filter((c) => !c.isGraphOutput).map((c) => c.tensor);
    if (firstConvWeight && !model.graph.initializers.has(firstConvWeight) && analysis.tensors.get(firstConvWeight)?.producer) extra.push(firstConvWeight);
    const notes: string[] = [...probe.notes];
    const total = plan.left.length + plan.capture.length + plan.fused.length;
    if (plan.left.length) notes.push(`${plan.left.length} of ${total} tensors were not captured: they would pass the memory budget of ${spec.memoryBudgetMB} MB (convlens.inference.memoryBudgetMB)`);
    if (plan.fused.length) notes.push(`${plan.fused.length} of ${total} tensors are fused by ONNX Runtime into the layer after them (a convolution's output before its BatchNormalization and activation, for example): they are computed when you select them or step through them`);
    const bytes = this.access.withExtraOutputs(bare, extra);
    // The capture session goes where the probe's went, so the fusions read are the ones that run.
    const providers = probe.provider ? [probe.provider, ...spec.providers.filter((p) => p !== probe.provider)] : spec.providers;
    progress?.(l10n.t('creating the ONNX Runtime session'));
    let opened;
    try {
      opened = await openSession(bytes, providers, this.onTryProvider, confined);
    } catch (e) {
      throw new Error(`${spec.modelPath}: ${(e as Error).message}`);
    }
    const device = opened.provider === 'cpu' ? undefined : await gpuName();
    this.producers = new Map(plan.capture.map((c) => [c.tensor, c.producer]));
    this.loaded = {
      key, model, analysis, session: opened.session, provider: opened.provider, where: describeProvider(opened.provider, device),
      notes: [...opened.notes, ...notes], capture: plan.capture, fused: plan.fused, survivors: probe.survivors,
      source: { path: spec.modelPath, bytes: spec.model?.bytes }, loadMillis: performance.now() - t0, firstConvWeight,
      origins: loweredOrigins(model), layouts: modelLayouts(model), sources: sourceLayers(model),
    };
    return this.loaded;
  }
}

function planOf(model: Model, analysis: Analysis, dims: Record<string, number>, memoryBudgetMB: number, survivors: Set<string> | undefined): FusedCapturePlan {
  return planFusedCapture(captureCandidates(model, analysis, dims), survivors, memoryBudgetMB * 1024 * 1024);
}

function identityInput(l: Loaded, c: CaptureCandidate): string | undefined {
  const n = l.analysis.nodeById.get(c.producer);
  const same = n && (n.opType === 'Identity' || (n.opType === 'Dropout' && !n.inputs[2])) && n.outputs[0] === c.tensor;
  return same ? n.inputs[0] || undefined : undefined;
}

function fusedRecord(l: Loaded, c: CaptureCandidate, dims: Record<string, number>): FusedRecord {
  const shape = (c.shape ?? []).map((d) => (typeof d === 'number' ? d : dims[d] ?? 1));
  return { tensor: c.tensor, shape, producer: c.producer, opType: c.opType, order: c.order, ...viewOf(l.origins, l.sources, c.tensor) };
}

function sameTensors(a: CaptureCandidate[], b: CaptureCandidate[]): boolean {
  return a.length === b.length && a.every((c, i) => c.tensor === b[i].tensor);
}

async function keyOf(spec: LoadSpec): Promise<string> {
  if (spec.model) return JSON.stringify([spec.modelPath, spec.model.version, spec.providers, spec.memoryBudgetMB]);
  let mtime = 0;
  try {
    mtime = (await stat(spec.modelPath)).mtimeMs;
  } catch {
    // a missing file is reported by the reader
  }
  return JSON.stringify([spec.modelPath, mtime, spec.providers, spec.memoryBudgetMB]);
}

function inputSpecs(session: ort.InferenceSession): InputSpec[] {
  return session.inputMetadata.map((m) => ({
    name: m.name,
    dtype: m.isTensor ? m.type : 'unknown',
    shape: m.isTensor && m.shape.length ? [...m.shape] : m.isTensor ? [] : null,
  }));
}

async function pictureSource(spec: RunSpec): Promise<PictureSource> {
  if (spec.picture.kind === 'pattern') return { kind: 'pattern', pattern: spec.picture.pattern, seed: spec.picture.seed };
  return { kind: 'image', image: await readImageFile(spec.picture.path) };
}

async function readLabels(spec: RunSpec, classes: number): Promise<string[] | null> {
  const file = spec.labelsFile || ((classes === 1000 || classes === 1001) ? spec.imagenetLabelsFile : undefined);
  if (!file) return null;
  try {
    return parseLabels(await readFile(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: cannot read the labels file (${(e as Error).message})`);
  }
}

/** Outputs that can be handed back as fetches: plain CPU float32 tensors (others are converted on read,
 * so a later run would write into a buffer nobody reads). */
function preallocatable(results: ort.InferenceSession.OnnxValueMapType): boolean {
  return Object.values(results).every((v) => {
    const t = v as ort.Tensor;
    return t.type === 'float32' && t.location === 'cpu' && t.data instanceof Float32Array;
  });
}

function numericShape(s: (number | string)[] | null | undefined): number[] | undefined {
  return s && s.every((d) => typeof d === 'number') ? (s as number[]) : undefined;
}
