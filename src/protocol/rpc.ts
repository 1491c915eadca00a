import type { ReplyMessage } from './messages';

/**
 * Request/reply over postMessage, used by both sides (no `vscode` import).
 * A request carries a numeric `id`; the other side answers with `{type:'reply', id, ok, value|error}`.
 * Every request settles: it resolves with the reply's value, rejects with the reply's error, rejects
 * when no reply arrives within the timeout (the other side may have been disposed), or when cancelled.
 * A request that waits for a person (a save dialog) has no timeout: pass `null`.
 */

export class RpcTimeoutError extends Error {
  constructor(readonly what: string, readonly ms: number) {
    super(`${what}: no reply within ${ms} ms`);
    this.name = 'RpcTimeoutError';
  }
}

interface Pending {
  what: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer?: ReturnType<typeof setTimeout>;
}

export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** @param post sends one message to the other side. */
  constructor(private readonly post: (message: unknown) => void, private readonly defaultTimeoutMs = 10_000) {}

  /**
   * Sends `build(id)` and waits for the reply with that id. `what` names the request in errors.
   * `timeoutMs: null`: someone is answering a dialog; wait as long as it takes. `signal` cancels the wait.
   */
  request<T = unknown>(what: string, build: (id: number) => { type: string; id: number }, timeoutMs: number | null = this.defaultTimeoutMs, signal?: AbortSignal): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) return reject(new Error(`${what}: cancelled`));
      const timer = timeoutMs === null ? undefined : setTimeout(() => {
        this.pending.delete(id);
        reject(new RpcTimeoutError(what, timeoutMs));
      }, timeoutMs);
      signal?.addEventListener('abort', () => {
        if (!this.pending.delete(id)) return;
        clearTimeout(timer);
        reject(new Error(`${what}: cancelled`));
      }, { once: true });
      this.pending.set(id, { what, resolve: resolve as (v: unknown) => void, reject, timer });
      try {
        this.post(build(id));
      } catch (e) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  /** Feed every incoming message here; returns true when it was a reply this client was waiting for. */
  handle(message: unknown): boolean {
    if (!isReply(message)) return false;
    const p = this.pending.get(message.id);
    if (!p) return false;
    this.pending.delete(message.id);
    clearTimeout(p.timer);
    if (message.ok) p.resolve(message.value);
    else p.reject(new Error(`${p.what}: ${message.error ?? 'failed without a reason'}`));
    return true;
  }

  /** Rejects everything still waiting (call when the other side goes away). */
  dispose(reason = 'the view was closed'): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`${p.what}: ${reason}`));
      this.pending.delete(id);
    }
  }

  get waiting(): number {
    return this.pending.size;
  }
}

/** Runs the handler for a request and posts its reply; a thrown error becomes `ok: false` with its message. */
export async function answer(post: (message: ReplyMessage) => void, id: number, handler: () => unknown): Promise<void> {
  try {
    const value = await handler();
    post({ type: 'reply', id, ok: true, value });
  } catch (e) {
    post({ type: 'reply', id, ok: false, error: e instanceof Error ? e.message : String(e) });
  }
}

export function isReply(message: unknown): message is ReplyMessage {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Partial<ReplyMessage>;
  return m.type === 'reply' && typeof m.id === 'number' && typeof m.ok === 'boolean';
}
