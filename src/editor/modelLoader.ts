import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Model } from '../ir/types';
import type { Analysis } from '../analysis/types';
import type { ViewGraph } from '../protocol/viewModel';

/**
 * Reads a model and turns it into the ViewGraph the webview draws: read -> analyze -> view graph.
 * Plain Node (no `vscode`), so it is tested and benchmarked without an editor.
 *
 * Large files are read in a worker thread so the extension host stays responsive (parsing a
 * 100 MB ONNX file blocks for a while); small ones are read directly because starting a worker
 * costs more than reading them. Errors come back as text that says what failed and where.
 */

export type LoadResult =
  | { ok: true; graph: ViewGraph; /** present when read on this thread (the worker only returns the graph) */ model?: Model; millis: number; inWorker: boolean }
  | { ok: false; error: string; millis: number };

export interface LoadOptions {
  /** Files at least this big are read in a worker. Default 4 MiB. */
  workerThresholdBytes?: number;
  /** Path of the worker script (dist/modelWorker.js in the extension). Without it, everything is read here. */
  workerScript?: string;
  /** Extra execArgv for the worker (tests run the .ts worker under tsx). */
  workerExecArgv?: string[];
  /** A load that takes longer is abandoned (the worker is terminated). Default 120 s. */
  timeoutMs?: number;
  /** Title shown in the graph view; defaults to the file name. */
  title?: string;
  /** Sizes the user chose for symbolic input dims (AnalyzeOptions.dimValues). */
  dimValues?: Record<string, number>;
}

/** Message the worker receives and sends. */
export interface WorkerRequest { path: string; title: string; dimValues?: Record<string, number> }
export type WorkerReply = { ok: true; graph: ViewGraph } | { ok: false; error: string };

const DEFAULT_THRESHOLD = 4 * 1024 * 1024;

/** Reads, analyses and builds the view graph of a model file on this thread. */
// Readers and analysis are required on first use, so that activating the extension runs none of them.
export async function buildGraphFromFile(path: string, title = basename(path), dimValues?: Record<string, number>): Promise<{ model: Model; graph: ViewGraph }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { readModelFile } = require('../formats/index') as typeof import('../formats/index');
  const model = await readModelFile(path);
  return { model, graph: graphOf(model, title, dimValues) };
}

/** Same for bytes already in memory, e.g. the unsaved text of an open JSON editor. */
export async function buildGraphFromBytes(bytes: Uint8Array, path: string, title = basename(path), dimValues?: Record<string, number>): Promise<{ model: Model; graph: ViewGraph }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { readModelBytes } = require('../formats/index') as typeof import('../formats/index');
  const model = await readModelBytes(bytes, path);
  return { model, graph: graphOf(model, title, dimValues) };
}

/** analyze + buildViewGraph, for a model someone else has read; at the chosen input sizes when given. */
export function graphOf(model: Model, title: string, dimValues?: Record<string, number>): ViewGraph {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { analyze } = require('../analysis/analyze') as typeof import('../analysis/analyze');
  return viewGraphOf(model, analyze(model, { dimValues }), title);
}

/** buildViewGraph, for a model already analysed (the JSON editor analyses on each edit). */
export function viewGraphOf(model: Model, analysis: Analysis, title: string): ViewGraph {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildViewGraph } = require('../view/buildViewGraph') as typeof import('../view/buildViewGraph');
  return buildViewGraph(model, analysis, title);
}

export async function loadModelFile(path: string, options: LoadOptions = {}): Promise<LoadResult> {
  const started = performance.now();
  const title = options.title ?? basename(path);
  const elapsed = () => Math.round(performance.now() - started);
  let size = 0;
  try {
    size = statSync(path).size;
  } catch (e) {
    return { ok: false, error: `Cannot read ${path}: ${describe(e)}`, millis: elapsed() };
  }
  const useWorker = options.workerScript !== undefined && size >= (options.workerThresholdBytes ?? DEFAULT_THRESHOLD);
  try {
    if (useWorker) {
      const reply = await runWorker(options.workerScript!, { path, title, dimValues: options.dimValues }, options.workerExecArgv ?? [], options.timeoutMs ?? 120_000);
      if (!reply.ok) return { ok: false, error: reply.error, millis: elapsed() };
      return { ok: true, graph: reply.graph, millis: elapsed(), inWorker: true };
    }
    const { model, graph } = await buildGraphFromFile(path, title, options.dimValues);
    return { ok: true, graph, model, millis: elapsed(), inWorker: false };
  } catch (e) {
    return { ok: false, error: errorText(e, path), millis: elapsed() };
  }
}

export async function loadModelBytes(bytes: Uint8Array, path: string, title = basename(path), dimValues?: Record<string, number>): Promise<LoadResult> {
  const started = performance.now();
  try {
    const { model, graph } = await buildGraphFromBytes(bytes, path, title, dimValues);
    return { ok: true, graph, model, millis: Math.round(performance.now() - started), inWorker: false };
  } catch (e) {
    return { ok: false, error: errorText(e, path), millis: Math.round(performance.now() - started) };
  }
}

function runWorker(script: string, request: WorkerRequest, execArgv: string[], timeoutMs: number): Promise<WorkerReply> {
  return new Promise<WorkerReply>((resolve, reject) => {
    const worker = new Worker(script, { workerData: request, execArgv });
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      f();
    };
    const timer = setTimeout(
      () => finish(() => reject(new Error(`reading ${request.path} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`))),
      timeoutMs,
    );
    worker.once('message', (reply: WorkerReply) => finish(() => resolve(reply)));
    worker.once('error', (e) => finish(() => reject(e)));
    worker.once('exit', (code) => finish(() => reject(new Error(`the model reader stopped (exit code ${code}) while reading ${request.path}`))));
  });
}

/** The message shown in the panel: the reader's own message (which says where), prefixed with the file when it does not name it. */
export function errorText(e: unknown, path: string): string {
  const message = describe(e);
  const file = basename(path);
  return message.includes(file) ? message : `${file}: ${message}`;
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
