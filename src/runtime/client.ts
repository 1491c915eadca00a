import { fork, type ChildProcess } from 'node:child_process';
import * as l10n from '@vscode/l10n';
import { RpcClient, RpcError, type ReplyOf, type RequestOf, type Timeouts } from '../protocol/rpc';
import type { Arithmetic, OutputAt } from './arithmetic/types';
import type { InferenceNotice, InferenceRequests } from '../protocol/inference';
import type { GridOptions } from './grid';
import type { LayerTimes } from './profile';
import type { LoadSpec, ModelInputInfo, RunResult, RunSpec, StepView, TensorDetail, ThumbnailRecord } from './types';
import type { ShapeRunSpec } from './shapeRun';

export interface ClientOptions {
  /** The worker script: dist/inferenceWorker.js, or src/runtime/worker.ts with execArgv ['--import', 'tsx']. */
  workerPath: string;
  /** The l10n bundle the process words its messages with (vscode.l10n.uri's path; none in English). */
  l10nBundle?: string;
  execArgv?: string[];
  /** A request with no reply after this long fails (and the process is restarted). */
  timeoutMs?: number;
  /** V8 heap limit of the inference process. */
  maxOldSpaceMB?: number;
}

export class CancelledError extends Error {
  constructor() {
    super('inference cancelled');
    this.name = 'CancelledError';
  }
}

/** One inference process and its end of the channel: what its requests need to explain its end. */
interface Proc {
  child: ChildProcess;
  rpc: RpcClient<InferenceRequests>;
  stderrTail: string[];
  /** Killed by cancel(): its requests fail with CancelledError. */
  cancelled: boolean;
  /** How it ended (set on exit, before its requests are failed). */
  ended?: { how: string; signal?: NodeJS.Signals; oom: boolean; tail: string };
}

/** A message the channel accepted but could not deliver (the process is gone, or its channel closed). */
class Undelivered extends Error {
  constructor(readonly error: Error) {
    super(error.message);
  }
}

/**
 * The extension host's handle on the inference process. Starts it on first use; if it dies (native crash,
 * out of memory, killed) or a request cannot be sent to it, every pending request fails with a message that
 * says so, and the next request starts a fresh process. Cancel kills the process: ONNX Runtime's Node binding
 * cannot stop a run midway; a request made after Cancel goes to a fresh process even while the old one is
 * still exiting.
 */
export class InferenceClient {
  private proc?: Proc;
  /** Processes started so far (tests check that a crash leads to a fresh one). */
  starts = 0;

  constructor(private readonly opts: ClientOptions) {}

  get pid(): number | undefined {
    return this.proc?.child.pid;
  }

  inspect(spec: LoadSpec, progress?: (m: string) => void): Promise<ModelInputInfo[]> {
    return this.request('inspect', { spec }, progress);
  }

  /** Runs the model. When a provider takes the process down while loading, retries once without it. */
  async run(spec: RunSpec, progress?: (m: string) => void): Promise<RunResult> {
    let providers = spec.providers;
    const crashed: string[] = [];
    for (;;) {
      try {
        const r = await this.request('run', { spec: { ...spec, providers } }, progress);
        r.notes.unshift(...crashed.map((p) => `${p}: the native runtime crashed while loading the model with it; it was left out`));
        return r;
      } catch (e) {
        const p = (e as ProviderCrash).provider;
        if (!(e instanceof ProviderCrash) || !p || p === 'cpu' || crashed.includes(p)) throw e;
        crashed.push(p);
        providers = providers.filter((x) => x !== p);
      }
    }
  }

  /** `convlens check`'s run: the runtime shape of each tensor (src/runtime/shapeRun.ts). */
  shapes(spec: ShapeRunSpec, progress?: (m: string) => void): Promise<Record<string, number[]>> {
    return this.request('shapes', { spec }, progress);
  }

  detail(tensor: string, grid?: Partial<GridOptions>): Promise<TensorDetail> {
    return this.request('detail', { tensor, grid });
  }

  /** Thumbnails of the tensors the last run left to ONNX Runtime's fusions (an unfused run on first use). */
  unfused(): Promise<ThumbnailRecord[]> {
    return this.request('unfused', {});
  }

  /** Time per layer on the last run's input, from ONNX Runtime's profiler (src/runtime/profiler.ts). */
  profile(progress?: (m: string) => void): Promise<LayerTimes> {
    return this.request('profile', {}, progress);
  }

  step(at: { index?: number; nodeId?: string }, grid?: Partial<GridOptions>): Promise<StepView> {
    return this.request('step', { ...at, grid });
  }

  arithmetic(nodeId: string, at: OutputAt): Promise<Arithmetic> {
    return this.request('arithmetic', { nodeId, at });
  }

  /** Stops whatever is running; pending requests fail with CancelledError. */
  cancel(): void {
    const proc = this.proc;
    if (!proc) return;
    proc.cancelled = true;
    this.retire(proc);
  }

  dispose(): void {
    this.cancel();
  }

  private start(): Proc {
    const heap = this.opts.maxOldSpaceMB ? [`--max-old-space-size=${this.opts.maxOldSpaceMB}`] : [];
    const child = fork(this.opts.workerPath, [], {
      execArgv: [...(this.opts.execArgv ?? []), ...heap],
      serialization: 'advanced',
      env: this.opts.l10nBundle ? { ...process.env, CONVLENS_L10N_BUNDLE: this.opts.l10nBundle } : process.env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.starts++;
    const limit = this.opts.timeoutMs ?? 10 * 60_000;
    const timeouts: Timeouts<InferenceRequests> = { inspect: limit, run: limit, detail: limit, unfused: limit, profile: limit, step: limit, arithmetic: limit, dispose: limit, shapes: limit };
    // Node reports a failed send (process gone, channel closed) to the callback; a request that cannot be
    // serialised throws at once. The two are told apart: only the first means the process is unusable.
    const rpc = new RpcClient<InferenceRequests>((m) => {
      let fail!: (e: Error) => void;
      let done!: () => void;
      const delivered = new Promise<void>((resolve, reject) => ((done = resolve), (fail = reject)));
      child.send(m, (e) => (e ? fail(new Undelivered(e)) : done()));
      return delivered;
    }, timeouts);
    const proc: Proc = { child, rpc, stderrTail: [], cancelled: false };
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (s: string) => {
      proc.stderrTail.push(...s.split('\n').filter((l) => l.trim()));
      proc.stderrTail = proc.stderrTail.slice(-5);
    });
    child.on('message', (m: unknown) => rpc.handle(m));
    child.on('exit', (code, signal) => this.onExit(proc, code, signal));
    child.on('error', (e) => {
      if (this.proc === proc) this.proc = undefined;
      rpc.disconnect(`the inference process could not start (${e.message})`);
    });
    return proc;
  }

  /** Stops using `proc` (the next request starts a fresh process) and kills it; its exit fails its requests. */
  private retire(proc: Proc): void {
    if (this.proc === proc) this.proc = undefined;
    proc.child.kill('SIGKILL');
  }

  private async request<K extends keyof InferenceRequests>(type: K, request: RequestOf<InferenceRequests, K>, progress?: (m: string) => void): Promise<ReplyOf<InferenceRequests, K>> {
    // A process that exited, or whose channel closed, cannot answer: start a fresh one.
    const current = this.proc;
    if (current && !(current.child.connected && current.child.exitCode === null && current.child.signalCode === null)) this.retire(current);
    const proc = (this.proc ??= this.start());
    let provider: string | undefined;
    const onNotice = (n: InferenceNotice) => {
      if (n.kind === 'progress') return progress?.(n.message);
      provider = n.provider ?? undefined;
      if (n.provider) progress?.(`trying ${n.provider}`);
    };
    try {
      return await proc.rpc.request(type, request, { onNotice: onNotice as (n: unknown) => void });
    } catch (e) {
      throw this.explain(e, proc, type, provider);
    }
  }

  /** The one-line reason a request to `proc` got no answer, in this process's terms; stops the process where it can no longer be used. */
  private explain(e: unknown, proc: Proc, type: keyof InferenceRequests, provider: string | undefined): Error {
    if (!(e instanceof RpcError)) return e instanceof Error ? e : new Error(String(e));
    switch (e.kind) {
      case 'failed':
        return new Error(e.reason);
      case 'timeout':
        this.retire(proc);
        return new Error(`the inference process gave no answer within ${Math.round((this.opts.timeoutMs ?? 10 * 60_000) / 1000)} s; it was stopped`);
      case 'unsent': {
        const stop = e.cause instanceof Undelivered;
        if (stop) this.retire(proc);
        const cause = e.cause instanceof Undelivered ? e.cause.error : e.cause instanceof Error ? e.cause : new Error(String(e.cause));
        const code = (cause as NodeJS.ErrnoException).code;
        return new Error(`sending '${type}' to the inference process failed (${cause.message}${code && !cause.message.includes(code) ? `, ${code}` : ''})${stop ? '; it was stopped, and the next request starts a fresh process' : ''}`);
      }
      case 'closed':
      case 'cancelled': {
        if (proc.cancelled) return new CancelledError();
        const end = proc.ended;
        if (!end) return new Error(e.reason);
        const msg = end.oom
          ? l10n.t('the inference process ran out of memory while {0} ({1}); try a smaller convlens.inference.memoryBudgetMB or the cpu provider{2}', doing(type), end.how, end.tail)
          : l10n.t('the inference process stopped unexpectedly while {0}{1} ({2}){3}. The next run starts a fresh process.', doing(type), provider && type === 'run' ? l10n.t(' (loading with {0})', provider) : '', end.how, end.tail);
        return new ProviderCrash(msg, type === 'run' ? provider : undefined, end.signal);
      }
    }
  }

  private onExit(proc: Proc, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.proc === proc) this.proc = undefined;
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    const oom = proc.stderrTail.some((l) => /out of memory|bad_alloc|heap limit/i.test(l));
    const tail = proc.stderrTail.length ? `; last output: ${proc.stderrTail.join(' | ').slice(0, 400)}` : '';
    proc.ended = { how, signal: signal ?? undefined, oom, tail };
    // Requests sent to a newer process are on its own channel: only this one's fail.
    proc.rpc.disconnect(`the inference process ended (${how})`);
  }
}

/** The process died; `provider` is set when it died while a provider was being tried (or ran). */
export class ProviderCrash extends Error {
  constructor(message: string, readonly provider?: string, readonly signal?: NodeJS.Signals) {
    super(message);
    this.name = 'InferenceProcessError';
  }
}

function doing(what: string): string {
  return what === 'run' ? l10n.t('running the model') : what === 'inspect' ? l10n.t('loading the model') : l10n.t("answering '{0}'", what);
}
