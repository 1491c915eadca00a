/**
 * The web extension's model worker (a Web Worker): bytes in, the view graph out (./readGraph.ts). The
 * host reads the file through VS Code's file system API and sends its bytes.
 */
import { serve, type AnswerMessage } from '../protocol/rpc';
import { readGraph } from './readGraph';
import type { WebModelRequests } from './protocol';

declare const self: { onmessage: ((ev: MessageEvent<unknown>) => void) | null; postMessage(m: AnswerMessage): void };

const answer = serve<WebModelRequests>((m) => self.postMessage(m), { open: (r) => readGraph(r) });
self.onmessage = (ev) => void answer(ev.data);
