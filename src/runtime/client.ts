import { fork, type ChildProcess } from 'node:child_process';
import type { GridOptions } from './grid';
import type { WorkerMessage, WorkerRequest } from './protocol';
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

type Req = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** One inference process: what its requests need to explain its end. */
interface Proc {
  child: ChildProcess;
  stderrTail: string[];
  /** Killed by cancel(): its requests fail with CancelledError. */
  cancelled: boolean;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  progress?: (m: string) => void;
  timer: NodeJS.Timeout;
  what: string;
  provider?: string;
  /** The process the request was sent to: only its end fails the request. */
  proc: Proc;
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
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Processes started so far (tests check that a crash leads to a fresh one). */
  starts = 0;

  constructor(private readonly opts: ClientOptions) {}

  get pid(): number | undefined {
    return this.proc?.child.pid;
  }

  inspect(spec: LoadSpec, progress?: (m: string) => void): Promise<ModelInputInfo[]> {
    return this.request({ type: 'inspect', spec }, progress) as Promise<ModelInputInfo[]>;
  }

  /** Runs the model. When a provider takes the process down while loading, retries once without it. */
  async run(spec: RunSpec, progress?: (m: string) => void): Promise<RunResult> {
    let providers = spec.providers;
    const crashed: string[] = [];
    for (;;) {
      try {
        const r = (await this.request({ type: 'run', spec: { ...spec, providers } }, progress)) as RunResult;
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
    return this.request({ type: 'shapes', spec }, progress) as Promise<Record<string, number[]>>;
  }

  detail(tensor: string, grid?: Partial<GridOptions>): Promise<TensorDetail> {
    return this.request({ type: 'detail', tensor, grid }) as Promise<TensorDetail>;
  }

  /** Thumbnails of the tensors the last run left to ONNX Runtime's fusions (an unfused run on first use). */
  unfused(): Promise<ThumbnailRecord[]> {
    return this.request({ type: 'unfused' }) as Promise<ThumbnailRecord[]>;
  }

  step(at: { index?: number; nodeId?: string }, grid?: Partial<GridOptions>): Promise<StepView> {
    return this.request({ type: 'step', ...at, grid }) as Promise<StepView>;
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
    const proc: Proc = { child, stderrTail: [], cancelled: false };
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (s: string) => {
      proc.stderrTail.push(...s.split('\n').filter((l) => l.trim()));
      proc.stderrTail = proc.stderrTail.slice(-5);
    });
    child.on('message', (m: WorkerMessage) => this.onMessage(m));
    child.on('exit', (code, signal) => this.onExit(proc, code, signal));
    child.on('error', (e) => {
      if (this.proc === proc) this.proc = undefined;
      this.failAll(proc, new Error(`the inference process could not start (${e.message})`));
    });
    return proc;
  }

  /** Stops using `proc` (the next request starts a fresh process) and kills it; its exit fails its requests. */
  private retire(proc: Proc): void {
    if (this.proc === proc) this.proc = undefined;
    proc.child.kill('SIGKILL');
  }

  private request(req: Req, progress?: (m: string) => void): Promise<unknown> {
    // A process that exited, or whose channel closed, cannot answer: start a fresh one.
    const current = this.proc;
    if (current && !(current.child.connected && current.child.exitCode === null && current.child.signalCode === null)) this.retire(current);
    const proc = (this.proc ??= this.start());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timeoutMs = this.opts.timeoutMs ?? 10 * 60_000;
      const timer = setTimeout(() => {
        this.pending.get(id)?.reject(new Error(`the inference process gave no answer within ${Math.round(timeoutMs / 1000)} s; it was stopped`));
        this.pending.delete(id);
        this.retire(proc);
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, progress, timer, what: req.type, proc });
      // Node reports a failed send (process gone, channel closed) to this callback (without one, as an 'error' event).
      const failed = (e: Error | null, stop: boolean) => {
        const p = this.pending.get(id);
        if (!e || !p) return;
        clearTimeout(p.timer);
        this.pending.delete(id);
        if (stop) this.retire(proc);
        const code = (e as NodeJS.ErrnoException).code;
        p.reject(new Error(`sending '${req.type}' to the inference process failed (${e.message}${code && !e.message.includes(code) ? `, ${code}` : ''})${stop ? '; it was stopped, and the next request starts a fresh process' : ''}`));
      };
      try {
        proc.child.send({ ...req, id } as WorkerRequest, (e) => failed(e, true));
      } catch (e) {
        failed(e as Error, false); // the request itself could not be serialized; the process is fine
      }
    });
  }

  private onMessage(m: WorkerMessage): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') return p.progress?.(m.message);
    if (m.type === 'tryProvider') {
      p.provider = m.provider ?? undefined;
      if (m.provider) p.progress?.(`trying ${m.provider}`);
      return;
    }
    clearTimeout(p.timer);
    this.pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else p.reject(new Error(m.error));
  }

  private onExit(proc: Proc, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.proc === proc) this.proc = undefined;
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    const oom = proc.stderrTail.some((l) => /out of memory|bad_alloc|heap limit/i.test(l));
    const tail = proc.stderrTail.length ? `; last output: ${proc.stderrTail.join(' | ').slice(0, 400)}` : '';
    for (const [id, p] of [...this.pending]) {
      if (p.proc !== proc) continue; // sent to a newer process
      clearTimeout(p.timer);
      this.pending.delete(id);
      if (proc.cancelled) {
        p.reject(new CancelledError());
        continue;
      }
      const msg = oom
        ? `the inference process ran out of memory while ${doing(p.what)} (${how}); try a smaller convlens.inference.memoryBudgetMB or the cpu provider${tail}`
        : `the inference process stopped unexpectedly while ${doing(p.what)}${p.provider && p.what === 'run' ? ` (loading with ${p.provider})` : ''} (${how})${tail}. The next run starts a fresh process.`;
      p.reject(new ProviderCrash(msg, p.what === 'run' ? p.provider : undefined, signal ?? undefined));
    }
  }

  private failAll(proc: Proc, e: Error): void {
    for (const [id, p] of [...this.pending]) {
      if (p.proc !== proc) continue;
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(e);
    }
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
  return what === 'run' ? 'running the model' : what === 'inspect' ? 'loading the model' : `answering '${what}'`;
}
