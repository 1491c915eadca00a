import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { RpcClient, RpcError, serve, type AnswerMessage, type CancelMessage, type Exchange, type RequestMessage, type Timeouts } from '../../../src/protocol/rpc';

/**
 * The one request/reply module every channel uses (src/protocol/rpc.ts): both ends over a real
 * MessageChannel, and the caller's end alone where a test must play a misbehaving answerer.
 */
interface Demo {
  echo: Exchange<{ text: string }, string>;
  slow: Exchange<{ ms: number }, number, string>;
  save: Exchange<{ name: string }, string | null>;
}
const TIMEOUTS: Timeouts<Demo> = { echo: 1000, slow: 1000, save: 'person' };
type Sent = RequestMessage<Demo> | CancelMessage;

/** A client whose posts are recorded, for tests that answer by hand. */
function recorded(timeouts: Timeouts<Demo> = TIMEOUTS): { client: RpcClient<Demo>; sent: Sent[] } {
  const sent: Sent[] = [];
  return { client: new RpcClient<Demo>((m) => void sent.push(m), timeouts), sent };
}

/** Both ends over a MessageChannel; `handlers` may be replaced per test. */
function connected(handlers: Parameters<typeof serve<Demo>>[1], options?: { serial?: boolean }) {
  const { port1, port2 } = new MessageChannel();
  const client = new RpcClient<Demo>((m, transfer) => port1.postMessage(m, transfer), TIMEOUTS);
  port1.on('message', (m) => client.handle(m));
  port1.on('close', () => client.disconnect('the other side closed the channel'));
  const answer = serve<Demo>((m, transfer) => port2.postMessage(m, transfer), handlers, options);
  port2.on('message', answer);
  return { client, port1, port2, close: () => port1.close() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('over a real channel: typed requests, replies by id, notices before the reply', async () => {
  const notices: string[] = [];
  const c = connected({
    echo: (r) => r.text.toUpperCase(),
    slow: async (r, ctx) => {
      ctx.notify(`sleeping ${r.ms} ms`);
      await sleep(r.ms);
      return r.ms;
    },
    save: (r) => `/tmp/${r.name}`,
  });
  try {
    const [a, b, s] = await Promise.all([c.client.request('echo', { text: 'conv' }), c.client.request('slow', { ms: 20 }, { onNotice: (n) => notices.push(n) }), c.client.request('save', { name: 'g.svg' })]);
    assert.equal(a, 'CONV');
    assert.equal(b, 20);
    assert.equal(s, '/tmp/g.svg');
    assert.deepEqual(notices, ['sleeping 20 ms']);
    assert.equal(c.client.waiting, 0);
  } finally {
    c.close();
  }
});

test('replies that come out of order settle their own requests', async () => {
  const { client, sent } = recorded();
  const a = client.request('echo', { text: 'a' });
  const b = client.request('echo', { text: 'b' });
  const c = client.request('slow', { ms: 1 });
  assert.equal(new Set(sent.map((m) => m.id)).size, 3, 'every request has its own id');
  assert.deepEqual(sent[0], { type: 'echo', id: sent[0].id, text: 'a' });
  assert.equal(client.handle({ type: 'reply', id: sent[2].id, ok: true, value: 3 }), true);
  assert.equal(client.handle({ type: 'reply', id: sent[1].id, ok: true, value: 'B' }), true);
  assert.equal(client.handle({ type: 'reply', id: sent[0].id, ok: true, value: 'A' }), true);
  assert.deepEqual(await Promise.all([a, b, c]), ['A', 'B', 3]);
});

test('a reply to an unknown id, or a second reply, is left alone and settles nothing', async () => {
  const { client, sent } = recorded();
  const a = client.request('echo', { text: 'a' });
  assert.equal(client.handle({ type: 'reply', id: sent[0].id + 100, ok: true, value: 'stray' }), false);
  assert.equal(client.handle({ type: 'notice', id: sent[0].id + 100, notice: 'stray' }), false);
  assert.equal(client.handle({ type: 'ready' }), false);
  assert.equal(client.handle(null), false);
  assert.equal(client.waiting, 1);
  client.handle({ type: 'reply', id: sent[0].id, ok: true, value: 'A' });
  assert.equal(client.handle({ type: 'reply', id: sent[0].id, ok: true, value: 'again' }), false);
  assert.equal(await a, 'A');
});

test('a failed reply rejects with the request named and the reason in one line', async () => {
  const c = connected({ echo: () => { throw new Error('disk full\n    at write (fs.js:1)'); }, slow: () => 0, save: () => null });
  try {
    await assert.rejects(c.client.request('echo', { text: 'x' }, { what: 'save model.png' }), (e: RpcError) => {
      assert.equal(e.kind, 'failed');
      assert.equal(e.message, 'save model.png: disk full');
      assert.equal(e.reason, 'disk full');
      return true;
    });
  } finally {
    c.close();
  }
});

test('no reply within the channel\'s limit: a timeout; a request a person answers has none', async () => {
  const { client, sent } = recorded({ echo: 30, slow: 30, save: 'person' });
  const started = Date.now();
  const save = client.request('save', { name: 'x.svg' });
  await assert.rejects(client.request('echo', { text: 'x' }), (e: RpcError) => {
    assert.equal(e.kind, 'timeout');
    assert.equal(e.message, 'echo: no reply within 30 ms');
    return true;
  });
  assert.ok(Date.now() - started >= 25);
  await sleep(60);
  assert.equal(client.waiting, 1, 'the save dialog request timed out');
  client.handle({ type: 'reply', id: sent.find((m) => m.type === 'save')!.id, ok: true, value: '/tmp/x.svg' });
  assert.equal(await save, '/tmp/x.svg');
  // A late reply to the request that timed out is dropped.
  assert.equal(client.handle({ type: 'reply', id: sent[1].id, ok: true, value: 'late' }), false);
});

test('cancelling rejects at once, tells the answerer, and its handler sees the abort', async () => {
  let aborted = false;
  const c = connected({
    echo: (r) => r.text,
    slow: async (_r, ctx) => {
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => ((aborted = true), resolve())));
      return -1;
    },
    save: () => null,
  });
  try {
    const control = new AbortController();
    const p = c.client.request('slow', { ms: 0 }, { signal: control.signal });
    await sleep(20);
    control.abort();
    await assert.rejects(p, (e: RpcError) => e.kind === 'cancelled' && e.message === 'slow: cancelled');
    await sleep(50);
    assert.ok(aborted, 'the answerer was not told');
    assert.equal(c.client.waiting, 0);
    // Already cancelled: nothing is sent.
    const { client, sent } = recorded();
    await assert.rejects(client.request('echo', { text: 'x' }, { signal: AbortSignal.abort() }), (e: RpcError) => e.kind === 'cancelled');
    assert.equal(sent.length, 0);
  } finally {
    c.close();
  }
});

test('a dead peer: requests waiting when the channel closes reject with the reason, at once', async () => {
  const c = connected({ echo: () => new Promise<string>(() => undefined), slow: () => new Promise<number>(() => undefined), save: () => null });
  const a = c.client.request('echo', { text: 'x' });
  const b = c.client.request('slow', { ms: 1 });
  await sleep(20);
  const t0 = Date.now();
  c.port2.close();
  for (const p of [a, b]) await assert.rejects(p, (e: RpcError) => e.kind === 'closed' && / the other side closed the channel$/.test(e.message));
  assert.ok(Date.now() - t0 < 500);
  assert.equal(c.client.waiting, 0);
});

test('a request that cannot be sent rejects at once, whether the post throws or its delivery fails', async () => {
  const throws = new RpcClient<Demo>(() => { throw new Error('webview disposed'); }, TIMEOUTS);
  await assert.rejects(throws.request('echo', { text: 'x' }), (e: RpcError) => e.kind === 'unsent' && e.message === 'echo: could not be sent (webview disposed)');
  assert.equal(throws.waiting, 0);
  const undelivered = new RpcClient<Demo>(() => Promise.reject(new Error('channel closed')), TIMEOUTS);
  await assert.rejects(undelivered.request('echo', { text: 'x' }), (e: RpcError) => e.kind === 'unsent' && (e.cause as Error).message === 'channel closed');
  // Over a real channel: a request that cannot be cloned.
  const c = connected({ echo: (r) => r.text, slow: () => 0, save: () => null });
  try {
    await assert.rejects(c.client.request('echo', { text: 'x', fn: () => 1 } as unknown as { text: string }), (e: RpcError) => e.kind === 'unsent');
  } finally {
    c.close();
  }
});

test('the answerer: an unknown request type and an unsendable reply are answered with an error, not silence', async () => {
  const c = connected({ echo: () => (() => 'a function') as unknown as string, slow: () => 0, save: () => null });
  try {
    await assert.rejects(c.client.request('echo', { text: 'x' }), (e: RpcError) => e.kind === 'failed' && /^the reply could not be sent \(/.test(e.reason));
    const replies: AnswerMessage[] = [];
    const answer = serve<Demo>((m) => void replies.push(m), { echo: (r) => r.text, slow: () => 0, save: () => null });
    assert.equal(answer({ type: 'ready' }), false, 'a message without an id is not a request');
    assert.equal(answer({ type: 'format', id: 7 }), true);
    await sleep(10);
    assert.deepEqual(replies, [{ type: 'reply', id: 7, ok: false, error: "no request 'format' on this channel" }]);
  } finally {
    c.close();
  }
});

test('serial: requests are answered one at a time, in arrival order', async () => {
  const log: string[] = [];
  const c = connected({
    echo: (r) => (log.push(`echo ${r.text}`), r.text),
    slow: async (r) => {
      log.push(`start ${r.ms}`);
      await sleep(r.ms);
      log.push(`end ${r.ms}`);
      return r.ms;
    },
    save: () => null,
  }, { serial: true });
  try {
    await Promise.all([c.client.request('slow', { ms: 40 }), c.client.request('echo', { text: 'b' }), c.client.request('slow', { ms: 5 })]);
    assert.deepEqual(log, ['start 40', 'end 40', 'echo b', 'start 5', 'end 5']);
  } finally {
    c.close();
  }
});

test('buffers named for transfer are moved with the reply, not copied', async () => {
  let sentBuffer: ArrayBuffer | undefined;
  const c = connected({
    echo: () => '',
    slow: (_r, ctx) => {
      const a = new Float64Array([1, 2, 3]);
      sentBuffer = a.buffer;
      ctx.transfer(a.buffer);
      return a as unknown as number;
    },
    save: () => null,
  });
  try {
    const got = (await c.client.request('slow', { ms: 0 })) as unknown as Float64Array;
    assert.deepEqual([...got], [1, 2, 3]);
    assert.equal(sentBuffer!.byteLength, 0, 'the buffer was copied, not moved');
  } finally {
    c.close();
  }
});
