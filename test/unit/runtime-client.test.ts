/**
 * InferenceClient's handling of its process, against a stand-in worker (test/helpers/fakeInferenceWorker.ts)
 * that answers at once, never, or after closing its channel: no ONNX Runtime involved.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { InferenceClient } from '../../src/runtime/client';

const clients: InferenceClient[] = [];
after(() => clients.forEach((c) => c.dispose()));
const started = new Set<number>();
after(() => started.forEach((pid) => { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }));

function newClient(): InferenceClient {
  // A long timeout: a request left pending shows as this test's own timeout, not as a quick rejection.
  const c = new InferenceClient({ workerPath: join(__dirname, '..', 'helpers', 'fakeInferenceWorker.ts'), execArgv: ['--import', 'tsx'], timeoutMs: 120_000 });
  clients.push(c);
  return c;
}

async function pidOf(p: Promise<unknown>): Promise<number> {
  const { pid } = (await p) as { pid: number };
  started.add(pid);
  return pid;
}

test('a request to a process whose channel closed fails at once saying the send failed, or goes to a fresh process; the next one does', { timeout: 20_000 }, async () => {
  const client = newClient();
  const first = await pidOf(client.detail('disconnect'));
  assert.equal(client.starts, 1);
  await new Promise((r) => setTimeout(r, 50));
  const t0 = Date.now();
  // Whether the client has already seen the channel close decides which: both are right, waiting is not.
  const second = await pidOf(client.detail('after')).catch((e: Error) => e);
  if (second instanceof Error) {
    assert.match(second.message, /^sending 'detail' to the inference process failed \(.+\); it was stopped, and the next request starts a fresh process$/);
    assert.ok(Date.now() - t0 < 5_000, `the failed send was reported after ${Date.now() - t0} ms`);
  } else {
    assert.notEqual(second, first);
  }
  const third = await pidOf(client.detail('again'));
  assert.notEqual(third, first);
  assert.ok(client.starts >= 2);
  assert.equal(client.pid, third);
});

test('a request to a process that died unnoticed fails at once saying the send failed; the next one goes to a fresh process', { timeout: 20_000 }, async () => {
  const client = newClient();
  const first = await pidOf(client.detail('hello'));
  process.kill(first, 'SIGKILL');
  // Block this thread while the process dies, so the client sees neither its exit nor its channel close:
  // the request below is written to a dead process.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
  const t0 = Date.now();
  await assert.rejects(client.detail('after'), (e: Error) => {
    assert.match(e.message, /^sending 'detail' to the inference process failed \(.+\); it was stopped, and the next request starts a fresh process$/);
    return true;
  });
  assert.ok(Date.now() - t0 < 5_000, `the failed send was reported after ${Date.now() - t0} ms`);
  const second = await pidOf(client.detail('again'));
  assert.notEqual(second, first);
  assert.equal(client.starts, 2);
});

test('a request right after Cancel, before the killed process has exited, goes to a fresh process', { timeout: 20_000 }, async () => {
  const client = newClient();
  const first = await pidOf(client.detail('hello'));
  const hung = client.detail('hang');
  client.cancel();
  const next = client.detail('after cancel'); // the killed process has not exited yet: no 'exit' event can have run
  await assert.rejects(hung, { name: 'CancelledError' });
  const second = await pidOf(next);
  assert.notEqual(second, first);
  assert.equal(client.starts, 2);
  assert.equal((await pidOf(client.detail('once more'))), second, 'the fresh process is kept for later requests');
});
