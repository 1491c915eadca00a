import { basename } from 'node:path';
import { Worker } from 'node:worker_threads';
import { RpcClient, RpcError, type ReplyOf, type RequestOf, type RequestType } from '../protocol/rpc';
import type { DiffReply, DocumentVersion, LoweredReply, ModelRequests, NodeReply, OpenReply, WeightReply, WorkCounts } from '../protocol/modelService';

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
  what: string;
  /** Sends the request on the worker's channel. */
  send(rpc: RpcClient<ModelRequests>): Promise<unknown>;
  resolve(v: unknown): void;
  reject(e: Error): void;
}

/** A model worker and the host's end of its channel. */
interface ModelWorker {
  thread: Worker;
  rpc: RpcClient<ModelRequests>;
}

export class ModelService {
  private worker?: ModelWorker;
  private readonly queue: Queued[] = [];
  private current?: Queued;
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
    const reply = this.send('open', { doc, json }, `reading ${basename(doc.path)}`)
      .catch((e: Error): OpenReply => ({ error: e.message, counts: { reads: 0, analyses: 0, lowerings: 0 } }));
    this.opened.set(doc.key, { version: doc.version, json, sizes, reply });
    return reply;
  }

  /** The version as ONNX bytes to run (lowered from its cached model for JSON formats). */
  lowered(doc: DocumentVersion): Promise<LoweredReply> {
    const hit = this.loweredCache.get(doc.key);
    if (hit && hit.version === doc.version) return hit.reply;
    const reply = this.send('lowered', { doc }, `preparing ${basename(doc.path)} to run`)
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
    return this.send('diff', { old, new: next, oldName, newName }, `comparing ${basename(old.path)} with ${basename(next.path)}`)
      .catch((e: Error): DiffReply => ({ error: e.message, counts: { reads: 0, analyses: 0, lowerings: 0 } }));
  }

  node(key: string, nodeId: string): Promise<NodeReply> {
    return this.send('node', { key, nodeId }, 'looking up a node');
  }

  weight(key: string, tensor: string, offset: number): Promise<WeightReply> {
    return this.send('weight', { key, tensor, offset }, `reading the weight ${tensor}`)
      .catch((e: Error): WeightReply => ({ error: e.message }));
  }

  counts(): Promise<WorkCounts> {
    return this.send('counts', {}, 'counting');
  }

  /** Forgets a closed document's versions. */
  forget(key: string): void {
    this.opened.delete(key);
    this.loweredCache.delete(key);
  }

  dispose(): void {
    this.disposed = true;
    for (const q of this.queue.splice(0)) q.reject(new Error(`${q.what}: ConvLens was shut down`));
    const w = this.worker;
    this.worker = undefined;
    w?.rpc.disconnect(`${this.current?.what ?? 'the model worker'}: ConvLens was shut down`);
    void w?.thread.terminate();
  }

  private send<K extends RequestType<ModelRequests>>(type: K, request: RequestOf<ModelRequests, K>, what: string): Promise<ReplyOf<ModelRequests, K>> {
    if (this.disposed) return Promise.reject(new Error(`${what}: ConvLens was shut down`));
    return new Promise((resolve, reject) => {
      this.queue.push({ what, send: (rpc) => rpc.request(type, request, { what }), resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  /** Sends the next request when none is in flight: one at a time, so a budget overrun is blamed on the right one. */
  private pump(): void {
    if (this.current || this.disposed) return;
    const q = this.queue.shift();
    if (!q) return;
    const worker = (this.worker ??= this.start());
    this.current = q;
    q.send(worker.rpc)
      .then(q.resolve, (e: unknown) => q.reject(this.explain(e, worker, q)))
      .finally(() => {
        if (this.current !== q) return;
        this.current = undefined;
        this.pump();
      });
  }

  /** The one line a caller reads when its request got no reply; a request past its time ends its worker. */
  private explain(e: unknown, worker: ModelWorker, q: Queued): Error {
    if (!(e instanceof RpcError)) return e instanceof Error ? e : new Error(String(e));
    if (e.kind === 'timeout') {
      this.lose(worker, `${q.what} was stopped with its worker`);
      return new Error(`${q.what} took longer than ${seconds(this.opts.timeoutMs ?? 60_000)} and was stopped`);
    }
    // 'failed': the worker's own message; 'closed': the reason the worker was lost, which names the request.
    return e.kind === 'failed' || e.kind === 'closed' ? new Error(e.reason) : e;
  }

  private start(): ModelWorker {
    this.starts++;
    const memoryMB = this.opts.memoryMB ?? 2048;
    const limit = this.opts.timeoutMs ?? 60_000;
    const thread = new Worker(this.opts.workerScript, {
      execArgv: this.opts.execArgv ?? [],
      workerData: { l10n: this.opts.l10nBundle },
      resourceLimits: { maxOldGenerationSizeMb: memoryMB, maxYoungGenerationSizeMb: Math.min(64, Math.max(16, memoryMB / 16)) },
    });
    const rpc = new RpcClient<ModelRequests>((m, transfer) => thread.postMessage(m, transfer), { open: limit, lowered: limit, node: limit, diff: limit, counts: limit, weight: limit });
    const worker: ModelWorker = { thread, rpc };
    thread.on('message', (m: unknown) => rpc.handle(m));
    thread.on('error', (e: Error & { code?: string }) => {
      const what = this.current?.what ?? 'the model worker';
      this.lose(worker, e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `${what} needed more than ${memoryMB} MB of memory and was stopped` : `${what} failed: ${e.message.split('\n')[0]}`);
    });
    thread.on('exit', (code) => this.lose(worker, `${this.current?.what ?? 'the model worker'} stopped the model reader (exit code ${code})`));
    // The worker must not keep a CLI or test process alive on its own.
    thread.unref();
    return worker;
  }

  /** Ends `worker` (when it is still the current one): the request in flight fails with `message`; the queue goes on with a fresh worker. */
  private lose(worker: ModelWorker, message: string): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    void worker.thread.terminate();
    // The worker's cache went with it: versions read there are read again when asked for.
    this.loweredCache.clear();
    worker.rpc.disconnect(message);
  }
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
