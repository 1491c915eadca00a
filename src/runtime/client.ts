import { fork, type ChildProcess } from 'node:child_process';
import type { GridOptions } from './grid';
import type { WorkerMessage, WorkerRequest } from './protocol';
import type { ModelInputInfo, RunResult, RunSpec, StepView, TensorDetail } from './types';

export interface ClientOptions {
  /** The worker script: dist/inferenceWorker.js, or src/runtime/worker.ts with execArgv ['--import', 'tsx']. */
  workerPath: string;
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

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  progress?: (m: string) => void;
  timer: NodeJS.Timeout;
  what: string;
  provider?: string;
}

/**
 * The extension host's handle on the inference process. Starts it on first use; if it dies (native crash,
 * out of memory, killed) every pending request fails with a message that says so, and the next request
 * starts a fresh process. Cancel kills the process: ONNX Runtime's Node binding cannot stop a run midway.
 */
export class InferenceClient {
  private child?: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private stderrTail: string[] = [];
  private cancelling = false;
  /** Processes started so far (tests check that a crash leads to a fresh one). */
  starts = 0;

  constructor(private readonly opts: ClientOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  inspect(spec: Pick<RunSpec, 'modelPath' | 'providers' | 'memoryBudgetMB'>, progress?: (m: string) => void): Promise<ModelInputInfo[]> {
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

  detail(tensor: string, grid?: Partial<GridOptions>): Promise<TensorDetail> {
    return this.request({ type: 'detail', tensor, grid }) as Promise<TensorDetail>;
  }

  step(at: { index?: number; nodeId?: string }, grid?: Partial<GridOptions>): Promise<StepView> {
    return this.request({ type: 'step', ...at, grid }) as Promise<StepView>;
  }

  /** Stops whatever is running; pending requests fail with CancelledError. */
  cancel(): void {
    if (!this.child) return;
    this.cancelling = true;
    this.child.kill('SIGKILL');
  }

  dispose(): void {
    this.cancel();
  }

  private start(): ChildProcess {
    const heap = this.opts.maxOldSpaceMB ? [`--max-old-space-size=${this.opts.maxOldSpaceMB}`] : [];
    const child = fork(this.opts.workerPath, [], {
      execArgv: [...(this.opts.execArgv ?? []), ...heap],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.starts++;
    this.stderrTail = [];
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (s: string) => {
      this.stderrTail.push(...s.split('\n').filter((l) => l.trim()));
      this.stderrTail = this.stderrTail.slice(-5);
    });
    child.on('message', (m: WorkerMessage) => this.onMessage(m));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    child.on('error', (e) => this.failAll(new Error(`the inference process could not start (${e.message})`)));
    return child;
  }

  private request(req: Req, progress?: (m: string) => void): Promise<unknown> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) this.child = this.start();
    const id = this.nextId++;
    const child = this.child;
    return new Promise((resolve, reject) => {
      const timeoutMs = this.opts.timeoutMs ?? 10 * 60_000;
      const timer = setTimeout(() => {
        this.pending.get(id)?.reject(new Error(`the inference process gave no answer within ${Math.round(timeoutMs / 1000)} s; it was stopped`));
        this.pending.delete(id);
        child.kill('SIGKILL');
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, progress, timer, what: req.type });
      child.send({ ...req, id } as WorkerRequest);
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

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child === child) this.child = undefined;
    const cancelled = this.cancelling;
    this.cancelling = false;
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    const oom = this.stderrTail.some((l) => /out of memory|bad_alloc|heap limit/i.test(l));
    const tail = this.stderrTail.length ? `; last output: ${this.stderrTail.join(' | ').slice(0, 400)}` : '';
    for (const [id, p] of [...this.pending]) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      if (cancelled) {
        p.reject(new CancelledError());
        continue;
      }
      const msg = oom
        ? `the inference process ran out of memory while ${doing(p.what)} (${how}); try a smaller convlens.inference.memoryBudgetMB or the cpu provider${tail}`
        : `the inference process stopped unexpectedly while ${doing(p.what)}${p.provider && p.what === 'run' ? ` (loading with ${p.provider})` : ''} (${how})${tail}. The next run starts a fresh process.`;
      p.reject(new ProviderCrash(msg, p.what === 'run' ? p.provider : undefined));
    }
  }

  private failAll(e: Error): void {
    for (const [id, p] of [...this.pending]) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(e);
    }
  }
}

/** The process died; `provider` is set when it died while a provider was being tried (or ran). */
export class ProviderCrash extends Error {
  constructor(message: string, readonly provider?: string) {
    super(message);
    this.name = 'InferenceProcessError';
  }
}

function doing(what: string): string {
  return what === 'run' ? 'running the model' : what === 'inspect' ? 'loading the model' : `answering '${what}'`;
}
