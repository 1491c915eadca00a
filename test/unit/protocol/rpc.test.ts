import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RpcClient, RpcTimeoutError, answer } from '../../../src/protocol/rpc';
import type { ReplyMessage } from '../../../src/protocol/messages';

test('a request resolves with the value of the reply carrying its id', async () => {
  const sent: { type: string; id: number }[] = [];
  const client = new RpcClient((m) => sent.push(m as { type: string; id: number }));
  const a = client.request('copy', (id) => ({ type: 'copyText', id }));
  const b = client.request('save', (id) => ({ type: 'saveFile', id }));
  assert.equal(sent.length, 2);
  assert.notEqual(sent[0].id, sent[1].id);
  assert.equal(client.handle({ type: 'reply', id: sent[1].id, ok: true, value: 'B' }), true);
  assert.equal(client.handle({ type: 'reply', id: sent[0].id, ok: true, value: 'A' }), true);
  assert.deepEqual(await Promise.all([a, b]), ['A', 'B']);
  assert.equal(client.waiting, 0);
});

test('a failed reply rejects with the request name and the error', async () => {
  let id = -1;
  const client = new RpcClient(() => undefined);
  const p = client.request('save model.png', (i) => ((id = i), { type: 'saveFile', id: i }));
  client.handle({ type: 'reply', id, ok: false, error: 'disk full' });
  await assert.rejects(p, /save model\.png: disk full/);
});

test('a request with no reply rejects after its timeout', async () => {
  const client = new RpcClient(() => undefined);
  const started = Date.now();
  await assert.rejects(client.request('copy', (id) => ({ type: 'copyText', id }), 30), RpcTimeoutError);
  assert.ok(Date.now() - started >= 25);
  assert.equal(client.waiting, 0);
});

test('unknown ids and other messages are not taken as replies', () => {
  const client = new RpcClient(() => undefined);
  assert.equal(client.handle({ type: 'reply', id: 99, ok: true }), false);
  assert.equal(client.handle({ type: 'ready' }), false);
  assert.equal(client.handle(null), false);
});

test('dispose rejects every pending request', async () => {
  const client = new RpcClient(() => undefined);
  const p = client.request('copy', (id) => ({ type: 'copyText', id }));
  client.dispose('panel closed');
  await assert.rejects(p, /copy: panel closed/);
});

test('a post that throws rejects the request at once', async () => {
  const client = new RpcClient(() => { throw new Error('webview disposed'); });
  await assert.rejects(client.request('copy', (id) => ({ type: 'copyText', id })), /webview disposed/);
  assert.equal(client.waiting, 0);
});

test('answer replies ok with the value, or not ok with the thrown message', async () => {
  const replies: ReplyMessage[] = [];
  await answer((r) => replies.push(r), 3, () => 42);
  await answer((r) => replies.push(r), 4, async () => { throw new Error('no clipboard'); });
  assert.deepEqual(replies, [
    { type: 'reply', id: 3, ok: true, value: 42 },
    { type: 'reply', id: 4, ok: false, error: 'no clipboard' },
  ]);
});

test('a request that waits for a person (timeout null) outlives any timeout; cancelling it rejects at once', async () => {
  let id = -1;
  const client = new RpcClient(() => undefined, 20);
  const save = client.request('save', (i) => ((id = i), { type: 'saveFile', id: i }), null);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(client.waiting, 1, 'the save dialog request timed out');
  client.handle({ type: 'reply', id, ok: true, value: '/tmp/x.svg' });
  assert.equal(await save, '/tmp/x.svg');

  const ac = new AbortController();
  const p = client.request('layout', (i) => ({ type: 'x', id: i }), null, ac.signal);
  ac.abort();
  await assert.rejects(p, /^Error: layout: cancelled$/);
  assert.equal(client.waiting, 0);
});
