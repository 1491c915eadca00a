import { stat, readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import type { Analysis } from '../analysis/types';
import type { Model, Node } from '../ir/types';
import { captureCandidates, planCapture, type CaptureCandidate, type CapturePlan } from './capture';
import { parseLabels, topK } from './classify';
import { explainNode } from './explain';
import { renderFilters } from './filters';
import { fromFloat16Bits } from './float16';
import { renderGrid, THUMBNAIL_GRID, type GridOptions } from './grid';
import { readImageFile } from './image';
import { prepareInputs, type InputSpec, type PictureSource } from './input';
import { loweredOrigins, type LoweredOrigin } from './lowered';
import { describeProvider, gpuName, type ProviderName } from './providers';
import { openSession } from './session';
import { confinedOptions } from './confine';
import { channelStats, histogram, tensorStats } from './stats';
import type { HostTensor } from './tensorView';
import type { LoadSpec, ModelInputInfo, RunResult, RunSpec, StepView, TensorDetail, ThumbnailRecord } from './types';

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
  capture: CaptureCandidate[];
  loadMillis: number;
  /** Name of the first convolution's weight tensor, when it is drawn. */
  firstConvWeight?: string;
  /** The previous run's outputs, handed back to ONNX Runtime as pre-allocated fetches while the
   * input shapes stay the same: it then writes into them instead of allocating and copying ~150
   * tensors per run (measured: a third of the capture overhead on ResNet-50). */
  fetches?: { inputKey: string; tensors: Record<string, ort.Tensor> };
  /** For a lowered Keras-domain model: the Keras layer output each ONNX tensor stands for. */
  origins: Map<string, LoweredOrigin>;
}

export type Progress = (message: string) => void;

/**
 * Runs a model with every intermediate tensor (or as many as the memory budget allows) exposed as an
 * output, keeps the last run's tensors for the feature-map panel, and makes thumbnails. One session is
 * kept and reused while the model file, providers and budget stay the same.
 */
export class Engine {
  private loaded?: Loaded;
  private tensors = new Map<string, HostTensor>();
  private producers = new Map<string, string>();

  constructor(private readonly access: ModelAccess, private readonly onTryProvider?: (p: ProviderName | null) => void) {}

  async inspect(spec: LoadSpec, progress?: Progress): Promise<ModelInputInfo[]> {
    const l = await this.load(spec, undefined, progress);
    return inputSpecs(l.session);
  }

  async run(spec: RunSpec, progress?: Progress): Promise<RunResult> {
    const before = this.loaded;
    const l = await this.load(spec, spec.dims, progress);
    const reused = l === before;
    const source = await pictureSource(spec);
    const prepared = prepareInputs(inputSpecs(l.session), source, { normalization: spec.normalization, bgr: spec.bgr, dims: spec.dims });
    const feeds: Record<string, ort.Tensor> = {};
    for (const p of prepared) feeds[p.name] = new ort.Tensor(p.dtype as ort.Tensor.Type, p.data as ort.Tensor.DataType, p.dims);
    progress?.(`running on ${l.where}`);
    const inputKey = JSON.stringify(prepared.map((p) => p.dims));
    const reuse = l.fetches?.inputKey === inputKey ? l.fetches.tensors : undefined;
    const t0 = performance.now();
    const results = reuse ? await l.session.run(feeds, reuse) : await l.session.run(feeds);
    const millis = performance.now() - t0;
    l.fetches = preallocatable(results) ? { inputKey, tensors: results as Record<string, ort.Tensor> } : undefined;

    this.tensors = new Map();
    for (const p of prepared) this.tensors.set(p.name, { name: p.name, dims: p.dims, dtype: p.dtype, data: toFloat32(p.data as ort.Tensor.DataType, p.dtype) });
    for (const [name, value] of Object.entries(results)) {
      const t = value as ort.Tensor;
      if (!t.dims || typeof t.data === 'string' || Array.isArray(t.data)) continue;
      this.tensors.set(name, { name, dims: [...t.dims], dtype: t.type, data: toFloat32(t.data, t.type) });
    }

    const t1 = performance.now();
    const thumbnails: ThumbnailRecord[] = [];
    if (!spec.noThumbnails) {
      for (const c of l.capture) {
        const t = this.tensors.get(c.tensor);
        if (!t || t.data.length === 0) continue;
        const o = l.origins.get(c.tensor);
        const channelsLast = o?.layout === 'cl' && t.dims.length >= 3;
        thumbnails.push({ tensor: c.tensor, png: renderGrid(t, { ...THUMBNAIL_GRID, channelsLast }).png, shape: t.dims, producer: c.producer, opType: c.opType, ...(o ? { viewTensor: o.tensor, viewNode: o.node } : {}) });
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
      tensors: [...this.tensors.values()].map((t) => ({ name: t.name, dims: t.dims, dtype: t.dtype, producer: this.producers.get(t.name) ?? '' })),
      thumbnails,
      top5: top5 ?? undefined,
      filters,
      notes: [...l.notes],
      weightsNote: l.model.metadata['convlens.generatedWeights'] ? `weights generated, not read (${l.model.metadata['convlens.generatedWeights']}): the maps show the structure, not learned features` : undefined,
      returned,
    };
  }

  /** The captured tensor `name` drawn large, with per-channel statistics and a histogram. */
  detail(name: string, grid: Partial<GridOptions> = {}): TensorDetail {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`tensor '${name}' was not captured in the last run${this.loaded ? '' : ' (run the model first)'}`);
    const all = tensorStats(t.data);
    return {
      tensor: name,
      shape: t.dims,
      producer: this.producers.get(name) ?? '',
      grid: renderGrid(t, { maxChannels: 64, targetWidth: 640, gap: 2, ...grid }),
      channelStats: channelStats(t),
      histogram: histogram(t.data, 48, all),
      ...all,
    };
  }

  /** Step mode: the index-th captured layer, its input maps, the operation explained, its output maps. */
  step(index: number, grid: Partial<GridOptions> = {}): StepView {
    const l = this.loaded;
    if (!l) throw new Error('run the model first');
    const steps = this.steps(l);
    if (steps.length === 0) throw new Error('no layer of this model was captured');
    const i = Math.max(0, Math.min(steps.length - 1, index));
    const node = steps[i];
    const opts = { maxChannels: 16, targetWidth: 360, gap: 2, ...grid };
    const data = node.inputs.filter((n) => n && this.tensors.has(n) && !l.analysis.tensors.get(n)?.isWeight);
    const inputs = data.map((n) => this.detail(n, opts));
    const outputs = node.outputs.filter((n) => this.tensors.has(n)).map((n) => this.detail(n, opts));
    const weightDims = node.inputs.map((n) => (n ? l.model.graph.initializers.get(n)?.dims ?? this.tensors.get(n)?.dims ?? numericShape(l.analysis.tensors.get(n)?.shape) : undefined));
    const explanation = explainNode(node, { inputs: inputs.map((d) => d.shape), outputs: outputs.map((d) => d.shape), outputZeros: outputs[0]?.zeros }, weightDims, l.analysis.nodes.get(node.id));
    return { index: i, count: steps.length, nodeId: node.id, opType: node.opType, name: node.name, inputs, outputs, explanation };
  }

  /** Index of `nodeId` among the steps (for opening Step mode at the selected layer). */
  stepIndexOf(nodeId: string): number {
    return this.loaded ? this.steps(this.loaded).findIndex((n) => n.id === nodeId) : -1;
  }

  dispose(): Promise<void> {
    const s = this.loaded?.session;
    this.loaded = undefined;
    this.tensors.clear();
    return s ? s.release() : Promise.resolve();
  }

  private steps(l: Loaded): Node[] {
    const captured = new Set(l.capture.map((c) => c.producer));
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

  private async classify(l: Loaded, spec: RunSpec) {
    for (const o of l.model.graph.outputs) {
      const t = this.tensors.get(o.name);
      if (!t) continue;
      const classes = t.dims.filter((d) => d !== 1);
      if (classes.length !== 1) continue;
      const labels = await readLabels(spec, classes[0]);
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
    if (l?.key === key && (!dims || sameTensors(l.capture, planOf(l.model, l.analysis, dims, spec.memoryBudgetMB).capture))) return l;
    await this.dispose();
    const t0 = performance.now();
    progress?.('reading the model');
    const model = await this.access.read(spec.modelPath, spec.model?.bytes);
    const analysis = this.access.analyze(model);
    const plan = planOf(model, analysis, dims ?? {}, spec.memoryBudgetMB);
    const firstConv = analysis.order.map((id) => analysis.nodeById.get(id)).find((n) => n?.opType === 'Conv');
    const firstConvWeight = firstConv?.inputs[1] || undefined;
    const extra = plan.capture.filter((c) => !c.isGraphOutput).map((c) => c.tensor);
    if (firstConvWeight && !model.graph.initializers.has(firstConvWeight) && analysis.tensors.get(firstConvWeight)?.producer) extra.push(firstConvWeight);
    const notes: string[] = [];
    if (plan.left.length) notes.push(`${plan.left.length} of ${plan.left.length + plan.capture.length} tensors were not captured: they would pass the memory budget of ${spec.memoryBudgetMB} MB (convlens.inference.memoryBudgetMB)`);
    const bytes = this.access.withExtraOutputs(await this.access.onnxBytes(model, spec.modelPath, spec.model?.bytes), extra);
    const confined = confinedOptions(model, spec.modelPath);
    progress?.('creating the ONNX Runtime session');
    let opened;
    try {
      opened = await openSession(bytes, spec.providers, this.onTryProvider, confined);
    } catch (e) {
      throw new Error(`${spec.modelPath}: ${(e as Error).message}`);
    }
    const device = opened.provider === 'cpu' ? undefined : await gpuName();
    this.producers = new Map(plan.capture.map((c) => [c.tensor, c.producer]));
    this.loaded = {
      key, model, analysis, session: opened.session, provider: opened.provider, where: describeProvider(opened.provider, device),
      notes: [...opened.notes, ...notes], capture: plan.capture, loadMillis: performance.now() - t0, firstConvWeight,
      origins: loweredOrigins(model),
    };
    return this.loaded;
  }
}

function planOf(model: Model, analysis: Analysis, dims: Record<string, number>, memoryBudgetMB: number): CapturePlan {
  return planCapture(captureCandidates(model, analysis, dims), memoryBudgetMB * 1024 * 1024);
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

function toFloat32(data: ort.Tensor.DataType, dtype: string): Float32Array {
  if (data instanceof Float32Array) return data;
  if (dtype === 'float16' && data instanceof Uint16Array) return fromFloat16Bits(data);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float32Array.from(data, (v) => Number(v));
  if (ArrayBuffer.isView(data)) return Float32Array.from(data as unknown as ArrayLike<number>);
  return new Float32Array(0);
}
