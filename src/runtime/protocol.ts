import type { GridOptions } from './grid';
import type { LoadSpec, RunSpec } from './types';
import type { ShapeRunSpec } from './shapeRun';

/** Parent -> inference process. Every request has an id and gets exactly one reply. */
export type WorkerRequest = { id: number } & (
  | { type: 'inspect'; spec: LoadSpec }
  | { type: 'run'; spec: RunSpec }
  | { type: 'detail'; tensor: string; grid?: Partial<GridOptions> }
  /** Thumbnails of the last run's fused-away tensors, computed by an unfused session. */
  | { type: 'unfused' }
  | { type: 'step'; index?: number; nodeId?: string; grid?: Partial<GridOptions> }
  | { type: 'dispose' }
  /** `convlens check`: runtime shapes of the given tensors (progress 'running' once the session loaded). */
  | { type: 'shapes'; spec: ShapeRunSpec }
);

/** Inference process -> parent. */
export type WorkerMessage =
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: string }
  | { type: 'progress'; id: number; message: string }
  /** Sent before each execution provider is tried, so a native crash can be blamed on it (null once one loaded). */
  | { type: 'tryProvider'; id: number; provider: string | null };
