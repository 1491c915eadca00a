/**
 * The web extension's model worker (a Web Worker): bytes in, the view graph out (./readGraph.ts). The
 * host reads the file through VS Code's file system API and sends its bytes; files beside the model
 * (TF.js shards, ONNX external data) the worker asks the host for, which reads them the same way.
 */
import { RpcClient, serve, type AnswerMessage, type CancelMessage, type RequestMessage } from '../protocol/rpc';
import { readGraph } from './readGraph';
import { WEB_HOST_TIMEOUTS, type WebHostRequests, type WebModelRequests } from './protocol';

declare const self: { onmessage: ((ev: MessageEvent<unknown>) => void) | null; postMessage(m: AnswerMessage | RequestMessage<WebHostRequests> | CancelMessage): void };

const host = new RpcClient<WebHostRequests>((m) => self.postMessage(m), WEB_HOST_TIMEOUTS);
const answer = serve<WebModelRequests>((m) => self.postMessage(m), {
  open: (r) => readGraph(r, (location) => host.request('readSibling', { uri: r.uri, location }, { what: `reading ${location}` })),
});
self.onmessage = (ev) => {
  if (!host.handle(ev.data)) answer(ev.data);
};
