import { basename } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DiffReply, DocumentVersion, LoweredReply, ModelReplies, ModelRequest, ModelWorkerIn, ModelWorkerOut, NodeReply, OpenReply, WorkCounts } from '../protocol/modelService';

/**
 * The extension host's handle on the model worker (./modelWorker.ts). Plain Node, no `vscode`.
 *
 * - Every read and analysis happens in the worker; the host only receives digests (see
 *   src/protocol/modelService.ts), so no model, however large or hostile, blocks its thread.
 * - One reply per document version: a version asked for again (the graph, the JSON providers,
 *   Run) gets the same promise; the worker caches the model for lowering.
 * - Budgets: the worker runs with a heap limit (resourceLimits) and each request with a time limit;
 *   a request that passes either is stopped by terminating the worker, and its caller gets one line
 *   saying so. The next request starts a fresh worker; requests queued behind it are not lost.
 */
export interface ModelServiceOptions {
  /** dist/modelWorker.js, or src/editor/modelWorker.ts with execArgv ['--import', 'tsx']. */
  workerScript: string;
  execArgv?: string[];
  /** The display language's bundle (vscode.l10n.bundle): the worker words its diagnostics with it. */
  l10nBundle?: Record<string, string>;
  /** Per request (default 60 s). */
  timeoutMs?: number;
  /** The worker's V8 heap (default 2048 MB). */
  memoryMB?: number;
}

interface Queued {
  request: ModelRequest;
  what: string;
  resolve(v: unknown): void;
  reject(e: Error): void;
}

export class ModelService {
  private worker?: Worker;
  private readonly queue: Queued[] = [];
  private current?: { q: Queued; id: number; timer: NodeJS.Timeout };
  private nextId = 1;
  private readonly opened = new Map<string, { version: string; json: boolean; sizes: string; reply: Promise<OpenReply> }>();
  private readonly loweredCache = new Map<string, { version: string; reply: Promise<LoweredReply> }>();
  private disposed = false;
  /** Workers started so far (tests check that a budget overrun leads to a fresh one). */
  starts = 0;

  constructor(private readonly opts: ModelServiceOptions) {}

  /** Read and analysed once per version; `json` adds the JSON editor's digest (source ranges). */
  open(doc: DocumentVersion, json: boolean): Promise<OpenReply> {
    const hit = this.opened.get(doc.key);
    const sizes = JSON.stringify(doc.dimValues ?? null);
    if (hit && hit.version === doc.version && hit.sizes === sizes && (hit.json || !json)) return hit.reply;
    const reply = this.send<OpenReply>({ type: 'open', doc, json }, `reading ${basename(doc.path)}`)
      .catch((e: Error): OpenReply => ({ error: e.message, counts: { reads: 0, analyses: 0, lowerings: 0 } }));
    this.opened.set(doc.key, { version: doc.version, json, sizes, reply });
    return reply;
  }

  /** The version as ONNX bytes to run (lowered from its cached model for JSON formats). */
  lowered(doc: DocumentVersion): Promise<LoweredReply> {
    const hit = this.loweredCache.get(doc.key);
    if (hit && hit.version === doc.version) return hit.reply;
    const reply = this.send<LoweredReply>({ type: 'lowered', doc }, `preparing ${basename(doc.path)} to run`)
      .catch((e: Error): LoweredReply => ({ error: e.message, counts: { reads: 0, analyses: 0, lowerings: 0 } }));
    this.loweredCache.set(doc.key, { version: doc.version, reply });
    return reply;
  }

  /** The latest version of `key` that was opened, if any (for lookups that need no fresh read). */
  latest(key: string): Promise<OpenReply> | undefined {
    return this.opened.get(key)?.reply;
  }

  /** Compares two versions in the worker; the host receives each side's marks, never either model. */
  diff(old: DocumentVersion, next: DocumentVersion, oldName: string, newName: string): Promise<DiffReply> {
    return this.send<DiffReply>({ type: 'diff', old, new: next, oldName, newName }, `comparing ${basename(old.path)} with ${basename(next.path)}`)
      .catch((e: Error): DiffReply => ({ error: e.message, counts: { reads: 0, analyses: 0, lowerings: 0 } }));
  }

  node(key: string, nodeId: string): Promise<NodeReply> {
    return this.send<NodeReply>({ type: 'node', key, nodeId }, 'looking up a node');
  }

  counts(): Promise<WorkCounts> {
    return this.send<WorkCounts>({ type: 'counts' }, 'counting');
  }

  /** Forgets a closed document's versions. */
  forget(key: string): void {
    this.opened.delete(key);
    this.loweredCache.delete(key);
  }

  dispose(): void {
    this.disposed = true;
    const all = [...(this.current ? [this.current.q] : []), ...this.queue.splice(0)];
    if (this.current) clearTimeout(this.current.timer);
    this.current = undefined;
    for (const q of all) q.reject(new Error(`${q.what}: ConvLens was shut down`));
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private send<T extends ModelReplies[ModelRequest['type']]>(request: ModelRequest, what: string): Promise<T> {
    if (this.disposed) return Promise.reject(new Error(`${what}: ConvLens was shut down`));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ request, what, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  /** Sends the next request when none is in flight: one at a time, so a budget overrun is blamed on the right one. */
  private pump(): void {
    if (this.current || this.disposed) return;
    const q = this.queue.shift();
    if (!q) return;
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    const timeoutMs = this.opts.timeoutMs ?? 60_000;
    const timer = setTimeout(() => this.stop(`${q.what} took longer than ${seconds(timeoutMs)} and was stopped`), timeoutMs);
    this.current = { q, id, timer };
    worker.postMessage({ id, request: q.request } satisfies ModelWorkerIn);
  }

  private start(): Worker {
    this.starts++;
    const memoryMB = this.opts.memoryMB ?? 2048;
    const worker = new Worker(this.opts.workerScript, {
      execArgv: this.opts.execArgv ?? [],
      workerData: { l10n: this.opts.l10nBundle },
      resourceLimits: { maxOldGenerationSizeMb: memoryMB, maxYoungGenerationSizeMb: Math.min(64, Math.max(16, memoryMB / 16)) },
    });
    worker.on('message', (m: ModelWorkerOut) => {
      const c = this.current;
      if (worker !== this.worker || !c || m.id !== c.id) return;
      clearTimeout(c.timer);
      this.current = undefined;
      if (m.ok) c.q.resolve(m.value);
      else c.q.reject(new Error(m.error));
      this.pump();
    });
    worker.on('error', (e: Error & { code?: string }) => {
      if (worker !== this.worker) return;
      const what = this.current?.q.what ?? 'the model worker';
      this.stop(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `${what} needed more than ${memoryMB} MB of memory and was stopped` : `${what} failed: ${e.message.split('\n')[0]}`);
    });
    worker.on('exit', (code) => {
      if (worker !== this.worker) return;
      this.stop(`${this.current?.q.what ?? 'the model worker'} stopped the model reader (exit code ${code})`);
    });
    // The worker must not keep a CLI or test process alive on its own.
    worker.unref();
    return worker;
  }

  /** Fails the request in flight with `message`, ends the worker, and goes on with the queue on a fresh one. */
  private stop(message: string): void {
    const c = this.current;
    this.current = undefined;
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
    if (c) {
      clearTimeout(c.timer);
      c.q.reject(new Error(message));
    }
    // The worker's cache went with it: versions read there are read again when asked for.
    this.loweredCache.clear();
    this.pump();
  }
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
