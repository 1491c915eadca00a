/**
 * The web extension's model worker (a Web Worker): bytes in, the view graph out (./readGraph.ts). The
 * host reads the file through VS Code's file system API and sends its bytes.
 */
import { readGraph } from './readGraph';
import type { WebModelReply, WebModelRequest } from './protocol';

declare const self: { onmessage: ((ev: MessageEvent<WebModelRequest>) => void) | null; postMessage(m: WebModelReply): void };

self.onmessage = (ev) => {
  const { id } = ev.data;
  readGraph(ev.data).then(
    (graph) => self.postMessage({ type: 'reply', id, ok: true, value: graph }),
    (e: unknown) => self.postMessage({ type: 'reply', id, ok: false, error: e instanceof Error ? e.message.split('\n')[0] : String(e) }),
  );
};
