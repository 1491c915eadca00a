/// <reference lib="webworker" />
import { serve } from '../../../src/protocol/rpc';
import { layeredLayout } from './layered';
import type { LayoutRequests } from './types';

/**
 * The layout worker: one request in, one result out, its arrays moved rather than copied. A layout that
 * is under way is cancelled by the page terminating this worker (see ./client.ts), since the layout
 * itself is one synchronous pass.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const answer = serve<LayoutRequests>((m, transfer) => scope.postMessage(m, transfer), {
  layout: (r, ctx) => {
    const result = layeredLayout(r.input);
    ctx.transfer(result.x.buffer as ArrayBuffer, result.y.buffer as ArrayBuffer, result.edgePoints.buffer as ArrayBuffer, result.edgeOffset.buffer as ArrayBuffer);
    return result;
  },
});
scope.onmessage = (ev: MessageEvent<unknown>) => void answer(ev.data);
