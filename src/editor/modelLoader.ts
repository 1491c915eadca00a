import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Model } from '../ir/types';
import type { Analysis } from '../analysis/types';
import type { ViewGraph } from '../protocol/viewModel';

/**
 * Reads a model and turns it into the ViewGraph the webview draws: read -> analyze -> view graph, on
 * the calling thread. The extension never calls this on its host thread: it goes through the model
 * worker (./modelService.ts), which uses the same steps; tests and benchmarks call it directly.
 * Errors come back as text that says what failed and where.
 */

export type LoadResult =
  | { ok: true; graph: ViewGraph; model: Model; millis: number }
  | { ok: false; error: string; millis: number };

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

export interface LoadOptions {
  /** Title shown in the graph view; defaults to the file name. */
  title?: string;
  /** Sizes the user chose for symbolic input dims (AnalyzeOptions.dimValues). */
  dimValues?: Record<string, number>;
}

export async function loadModelFile(path: string, options: LoadOptions = {}): Promise<LoadResult> {
  const title = options.title ?? basename(path);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    statSync(path);
  } catch (e) {
    return { ok: false, error: `Cannot read ${path}: ${describe(e)}`, millis: elapsed() };
  }
  try {
    const { model, graph } = await buildGraphFromFile(path, title, options.dimValues);
    return { ok: true, graph, model, millis: elapsed() };
  } catch (e) {
    return { ok: false, error: errorText(e, path), millis: elapsed() };
  }
}

export async function loadModelBytes(bytes: Uint8Array, path: string, title = basename(path), dimValues?: Record<string, number>): Promise<LoadResult> {
  const started = performance.now();
  try {
    const { model, graph } = await buildGraphFromBytes(bytes, path, title, dimValues);
    return { ok: true, graph, model, millis: Math.round(performance.now() - started) };
  } catch (e) {
    return { ok: false, error: errorText(e, path), millis: Math.round(performance.now() - started) };
  }
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
