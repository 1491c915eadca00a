/// <reference lib="webworker" />
import { layeredLayout } from './layered';
import type { LayoutInput, LayoutResult } from './types';

/**
 * The layout worker: one request in, one result out (REQ/RESP by id). Cancelling a layout that
 * is under way is done by the page terminating this worker (see ./client.ts), since the layout
 * itself is one synchronous pass.
 */
export interface LayoutRequest { type: 'layout'; id: number; input: LayoutInput }
export type LayoutResponse = { type: 'layout'; id: number; result: LayoutResult } | { type: 'error'; id: number; message: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (ev: MessageEvent<LayoutRequest>) => {
  const req = ev.data;
  if (req?.type !== 'layout') return;
  try {
    const result = layeredLayout(req.input);
    const reply: LayoutResponse = { type: 'layout', id: req.id, result };
    scope.postMessage(reply, [result.x.buffer, result.y.buffer, result.edgePoints.buffer, result.edgeOffset.buffer]);
  } catch (e) {
    scope.postMessage({ type: 'error', id: req.id, message: e instanceof Error ? e.message : String(e) } satisfies LayoutResponse);
  }
};
