/// <reference lib="webworker" />
import { serve } from '../../../src/protocol/rpc';
import { layeredLayout } from './layered';
import { layerTopology, type Topology } from './layers';
import type { LayoutRequests } from './types';

/**
 * The layout worker: one request in, one result out, its arrays moved rather than copied; a graph's
 * topology may come first, while the page is still measuring its boxes. A layout that
 * is under way is cancelled by the page terminating this worker (see ./client.ts), since the layout
 * itself is one synchronous pass.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
let kept: { key: number; topology: Topology } | null = null;
const answer = serve<LayoutRequests>((m, transfer) => scope.postMessage(m, transfer), {
  topology: (r) => {
    kept = { key: r.key, topology: layerTopology(r.input) };
    return null;
  },
  layout: (r, ctx) => {
    const ahead = kept && kept.key === r.prepared && kept.topology.layer.length === r.input.nodeCount ? kept.topology : undefined;
    kept = null;
    const result = layeredLayout(r.input, ahead);
    ctx.transfer(result.x.buffer as ArrayBuffer, result.y.buffer as ArrayBuffer, result.edgePoints.buffer as ArrayBuffer, result.edgeOffset.buffer as ArrayBuffer);
    return { ...result, ahead: ahead !== undefined };
  },
});
scope.onmessage = (ev: MessageEvent<unknown>) => void answer(ev.data);
