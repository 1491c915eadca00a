/**
 * The one request/reply mechanism of every ConvLens channel: the graph and feature-map webviews, the
 * model workers (desktop and web), the inference process and the layout worker. Plain TypeScript, no
 * `vscode` and no Node module, so both ends of every channel use it.
 *
 * A channel is a map from request type to an `Exchange`: what the request carries, what its reply holds,
 * and what it may report while it runs (progress). The wire format:
 *   request  {type, id, ...fields}            caller -> answerer
 *   notice   {type:'notice', id, notice}      answerer -> caller, any number, before the reply
 *   reply    {type:'reply', id, ok, value|error}   exactly one per request
 *   cancel   {type:'cancel', id}              caller -> answerer, when the caller stops waiting
 * Every request settles: with its reply's value; or with an `RpcError` saying in one line why no reply
 * can come (the answerer failed, it did not reply in time, the caller cancelled, the other side went
 * away, or the request could not be sent). Each channel states each request's time limit once
 * (`Timeouts`); a request a person answers (a save dialog) has none.
 */

/** One request type of a channel. */
export interface Exchange<Request extends object, Reply, Notice = never> {
  request: Request;
  reply: Reply;
  notice: Notice;
}

/** A channel: request type -> its exchange. */
export type Channel<M> = { [K in keyof M]: Exchange<object, unknown, unknown> };
export type RequestType<M> = keyof M & string;
export type RequestOf<M, K extends keyof M> = M[K] extends { request: infer R } ? R : never;
export type ReplyOf<M, K extends keyof M> = M[K] extends { reply: infer R } ? R : never;
export type NoticeOf<M, K extends keyof M> = M[K] extends { notice: infer N } ? N : never;

/** A request on the wire; with K left out, any request of the channel. */
export type RequestMessage<M, K extends RequestType<M> = RequestType<M>> = K extends RequestType<M> ? { type: K; id: number } & RequestOf<M, K> : never;
export type ReplyMessage<V = unknown> = { type: 'reply'; id: number; ok: true; value: V } | { type: 'reply'; id: number; ok: false; error: string };
export interface NoticeMessage<N = unknown> { type: 'notice'; id: number; notice: N }
export interface CancelMessage { type: 'cancel'; id: number }
/** What a caller receives on a channel of its own (a worker's messages). */
export type AnswerMessage = ReplyMessage | NoticeMessage;

/** Per request type: the longest wait for its reply in ms, or 'person' where a person answers (no limit). */
export type Timeouts<M> = { readonly [K in keyof M]: number | 'person' };

/** Why a request settled without a value. */
export type RpcFailure =
  /** the answerer ran it and it failed: `reason` is its one-line message */
  | 'failed'
  | 'timeout'
  | 'cancelled'
  /** the other side went away (it died, was closed or disposed) with the request unanswered */
  | 'closed'
  /** the request could not be sent (not serialisable, or the channel refused it) */
  | 'unsent';

export class RpcError extends Error {
  override readonly name = 'RpcError';
  /** `what`: the request as errors name it; `reason`: why it failed, without `what`. */
  constructor(readonly kind: RpcFailure, readonly what: string, readonly reason: string, cause?: unknown) {
    super(`${what}: ${reason}`, cause === undefined ? undefined : { cause });
  }
}

/** Posts one message to the other side. A returned promise that rejects means the channel did not deliver it. */
export type Post<T> = (message: T, transfer: ArrayBuffer[]) => void | Promise<unknown>;

export interface RequestOptions<N> {
  /** Names the request in errors ("save model.png"); default its type. */
  what?: string;
  /** Stops waiting: the request rejects with 'cancelled' and the answerer is told. */
  signal?: AbortSignal;
  onNotice?(notice: N): void;
  /** Buffers moved to the other side with the request, not copied. */
  transfer?: ArrayBuffer[];
}

interface Pending {
  what: string;
  resolve(value: unknown): void;
  reject(error: RpcError): void;
  onNotice?(notice: unknown): void;
  timer?: ReturnType<typeof setTimeout>;
}

/** The caller's end of a channel. Feed it every message the other side sends (`handle`). */
export class RpcClient<M extends Channel<M>> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly post: Post<RequestMessage<M> | CancelMessage>, private readonly timeouts: Timeouts<M>) {}

  request<K extends RequestType<M>>(type: K, request: RequestOf<M, K>, options: RequestOptions<NoticeOf<M, K>> = {}): Promise<ReplyOf<M, K>> {
    const id = this.nextId++;
    const what = options.what ?? type;
    const limit = this.timeouts[type];
    return new Promise<ReplyOf<M, K>>((resolve, reject) => {
      const { signal } = options;
      if (signal?.aborted) return reject(new RpcError('cancelled', what, 'cancelled'));
      const p: Pending = { what, resolve: resolve as (v: unknown) => void, reject, onNotice: options.onNotice as ((n: unknown) => void) | undefined };
      if (limit !== 'person') p.timer = setTimeout(() => this.settle(id, new RpcError('timeout', what, `no reply within ${duration(limit)}`)), limit);
      signal?.addEventListener('abort', () => {
        if (!this.settle(id, new RpcError('cancelled', what, 'cancelled'))) return;
        this.tryPost({ type: 'cancel', id });
      }, { once: true });
      this.pending.set(id, p);
      const unsent = (e: unknown) => this.settle(id, new RpcError('unsent', what, `could not be sent (${oneLine(e)})`, e));
      try {
        const sent: unknown = this.post({ type, id, ...(request as object) } as RequestMessage<M>, options.transfer ?? []);
        // A post typed as returning void may return anything (process.send a boolean): only a promise counts.
        if (sent instanceof Promise) sent.catch(unsent);
      } catch (e) {
        unsent(e);
      }
    });
  }

  /** Takes the replies and notices of requests this client waits on (true); anything else is left (false). */
  handle(message: unknown): boolean {
    if (!isAnswer(message)) return false;
    const p = this.pending.get(message.id);
    if (!p) return false;
    if (message.type === 'notice') {
      p.onNotice?.(message.notice);
      return true;
    }
    this.pending.delete(message.id);
    clearTimeout(p.timer);
    if (message.ok) p.resolve(message.value);
    else p.reject(new RpcError('failed', p.what, message.error || 'failed without a reason'));
    return true;
  }

  /** The other side went away: every request still waiting rejects with 'closed' and `reason`. */
  disconnect(reason: string): void {
    for (const id of [...this.pending.keys()]) this.settle(id, new RpcError('closed', this.pending.get(id)!.what, reason));
  }

  get waiting(): number {
    return this.pending.size;
  }

  /** Rejects request `id` if it is still waiting; false when it had settled. */
  private settle(id: number, error: RpcError): boolean {
    const p = this.pending.get(id);
    if (!p) return false;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.reject(error);
    return true;
  }

  private tryPost(m: CancelMessage): void {
    try {
      const sent: unknown = this.post(m, []);
      if (sent instanceof Promise) sent.catch(() => undefined);
    } catch {
      // The other side is gone; there is nobody to tell.
    }
  }
}

/** What an answerer's handler gets besides the request. */
export interface Answering<N> {
  id: number;
  /** Aborted when the caller cancels. */
  signal: AbortSignal;
  notify(notice: N): void;
  /** Moves these buffers with the reply instead of copying them. */
  transfer(...buffers: ArrayBuffer[]): void;
}

export type Handlers<M> = { [K in RequestType<M>]: (request: RequestMessage<M, K>, ctx: Answering<NoticeOf<M, K>>) => ReplyOf<M, K> | Promise<ReplyOf<M, K>> };

/**
 * The answerer's end: returns the function to feed incoming messages; it takes requests and cancels
 * (true) and leaves the rest (false). A request of a type the channel does not have is answered with an
 * error. `serial`: one request at a time, in arrival order (the inference engine holds one session).
 * A handler's error is replied as its message's first line.
 */
export function serve<M extends Channel<M>>(post: Post<AnswerMessage>, handlers: Handlers<M>, options: { serial?: boolean } = {}): (message: unknown) => boolean {
  const running = new Map<number, AbortController>();
  let queue: Promise<void> = Promise.resolve();
  const run = async (m: { type: string; id: number }): Promise<void> => {
    const control = running.get(m.id)!;
    const transfer: ArrayBuffer[] = [];
    const ctx: Answering<unknown> = {
      id: m.id,
      signal: control.signal,
      notify: (notice) => void post({ type: 'notice', id: m.id, notice }, []),
      transfer: (...buffers) => void transfer.push(...buffers),
    };
    let reply: ReplyMessage;
    try {
      const handler = (handlers as Record<string, ((r: unknown, c: Answering<unknown>) => unknown) | undefined>)[m.type];
      if (!handler) throw new Error(`no request '${m.type}' on this channel`);
      if (control.signal.aborted) throw new Error('cancelled');
      reply = { type: 'reply', id: m.id, ok: true, value: await handler(m, ctx) };
    } catch (e) {
      reply = { type: 'reply', id: m.id, ok: false, error: oneLine(e) };
      transfer.length = 0;
    } finally {
      running.delete(m.id);
    }
    try {
      await awaitIfPromise(post(reply, transfer));
    } catch (e) {
      // The value could not be sent (not serialisable): say so, so the caller is not left waiting.
      // When the channel itself is gone this fails too, and nobody is left to tell.
      try {
        await awaitIfPromise(post({ type: 'reply', id: m.id, ok: false, error: `the reply could not be sent (${oneLine(e)})` }, []));
      } catch {
        /* the caller is gone */
      }
    }
  };
  return (message: unknown) => {
    if (!isRequest(message)) return false;
    if (message.type === 'cancel') {
      running.get(message.id)?.abort();
      return true;
    }
    running.set(message.id, new AbortController());
    if (options.serial) queue = queue.then(() => run(message), () => run(message));
    else void run(message);
    return true;
  };
}

/** A reply or a notice (as opposed to the other messages sharing a channel). */
export function isAnswer(message: unknown): message is AnswerMessage {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as { type?: unknown; id?: unknown; ok?: unknown };
  return typeof m.id === 'number' && ((m.type === 'reply' && typeof m.ok === 'boolean') || m.type === 'notice');
}

/** A request or cancel: a type and a numeric id (messages that expect no reply carry no id). */
function isRequest(message: unknown): message is { type: string; id: number } {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as { type?: unknown; id?: unknown };
  return typeof m.type === 'string' && typeof m.id === 'number' && m.type !== 'reply' && m.type !== 'notice';
}

export function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n').find((l) => l.trim())?.trim() ?? text;
}

async function awaitIfPromise(sent: unknown): Promise<void> {
  if (sent instanceof Promise) await sent;
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
