/**
 * The web extension's model worker (a Web Worker): bytes in, the view graph out. The same readers,
 * analysis and view graph as the desktop extension; only file access differs (the host reads the file
 * through VS Code's file system API and sends its bytes).
 */
import { readModelBytes } from '../formats/bytes';
import { analyze } from '../analysis/analyze';
import { buildViewGraph } from '../view/buildViewGraph';
import type { WebModelReply, WebModelRequest } from './protocol';

declare const self: { onmessage: ((ev: MessageEvent<WebModelRequest>) => void) | null; postMessage(m: WebModelReply): void };

self.onmessage = (ev) => {
  const { id, bytes, path, title, dimValues } = ev.data;
  void (async () => {
    try {
      const model = await readModelBytes(bytes, path);
      const graph = buildViewGraph(model, analyze(model, dimValues ? { dimValues } : {}), title);
      self.postMessage({ type: 'reply', id, ok: true, value: graph });
    } catch (e) {
      self.postMessage({ type: 'reply', id, ok: false, error: e instanceof Error ? e.message.split('\n')[0] : String(e) });
    }
  })();
};
