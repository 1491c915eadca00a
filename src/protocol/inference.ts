import type { GridOptions } from '../runtime/grid';
import type { ShapeRunSpec } from '../runtime/shapeRun';
import type { LayerTimes } from '../runtime/profile';
import type { LoadSpec, ModelInputInfo, RunResult, RunSpec, StepView, TensorDetail, ThumbnailRecord } from '../runtime/types';
import type { Arithmetic, OutputAt } from '../runtime/arithmetic/types';
import type { Exchange } from './rpc';

/**
 * The inference process's channel (src/runtime/client.ts <-> src/runtime/worker.ts, over ./rpc.ts).
 * The process answers one request at a time, in order: the engine holds one session and one run's tensors.
 */
export interface InferenceRequests {
  inspect: Exchange<{ spec: LoadSpec }, ModelInputInfo[], InferenceNotice>;
  run: Exchange<{ spec: RunSpec }, RunResult, InferenceNotice>;
  detail: Exchange<{ tensor: string; grid?: Partial<GridOptions> }, TensorDetail, InferenceNotice>;
  /** Thumbnails of the last run's fused-away tensors, computed by an unfused session. */
  unfused: Exchange<Record<string, never>, ThumbnailRecord[], InferenceNotice>;
  /** Time per layer on the last run's input, from ONNX Runtime's profiler. */
  profile: Exchange<Record<string, never>, LayerTimes, InferenceNotice>;
  step: Exchange<{ index?: number; nodeId?: string; grid?: Partial<GridOptions> }, StepView, InferenceNotice>;
  /** One output value of a layer computed from the numbers it reads, with the runtime's (Step mode). */
  arithmetic: Exchange<{ nodeId: string; at: OutputAt }, Arithmetic, InferenceNotice>;
  dispose: Exchange<Record<string, never>, void, InferenceNotice>;
  /** `convlens check`: runtime shapes of the given tensors (progress 'running' once the session loaded). */
  shapes: Exchange<{ spec: ShapeRunSpec }, Record<string, number[]>, InferenceNotice>;
}

export type InferenceNotice =
  | { kind: 'progress'; message: string }
  /** Sent before each execution provider is tried, so a native crash can be blamed on it (null once one loaded). */
  | { kind: 'tryProvider'; provider: string | null };
