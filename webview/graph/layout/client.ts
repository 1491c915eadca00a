import { layeredLayout } from './layered';
import { quickLayout } from './quick';
import type { LayoutEngine, LayoutInput, LayoutResult } from './types';
import type { LayoutRequest, LayoutResponse } from './worker';

/**
 * Runs layouts in a Web Worker started from a blob: URL holding the fetched worker script
 * (a VS Code webview may not start a worker from its resource origin; CSP allows `worker-src blob:`
 * and `connect-src` to that origin). A newer request cancels an older one by terminating the
 * worker, so a big layout never delays the next graph. Without a worker (no script URL, or
 * the fetch fails) layouts run on the page's thread and `mode` says so. A layout that does not finish
 * within `timeoutMs` is stopped, and the quick layout (./quick.ts) is used instead, with a note saying so.
 */
export class LayoutClient implements LayoutEngine {
  private worker: Worker | null = null;
  private blobUrl: string | null = null;
  private pending: { id: number; resolve(r: (LayoutResult & { note?: string }) | null): void; reject(e: Error): void; timer: ReturnType<typeof setTimeout> } | null = null;
  private nextId = 1;
  mode: 'worker' | 'main-thread' = 'main-thread';
  /** Why the worker could not be used, when it could not. */
  fallbackReason = '';

  constructor(private readonly scriptUrl: string | undefined, private readonly timeoutMs = 30_000) {}

  async init(): Promise<void> {
    if (!this.scriptUrl) {
      this.fallbackReason = 'no layout worker script given (data-layout-worker)';
      return;
    }
    try {
      const res = await fetch(this.scriptUrl);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const text = await res.text();
      this.blobUrl = URL.createObjectURL(new Blob([text], { type: 'text/javascript' }));
      this.spawn();
      this.mode = 'worker';
    } catch (e) {
      this.fallbackReason = `layout worker unavailable (${e instanceof Error ? e.message : String(e)}); laying out on the page thread`;
    }
  }

  private spawn(): void {
    this.worker = new Worker(this.blobUrl!);
    this.worker.onmessage = (ev: MessageEvent<LayoutResponse>) => {
      const p = this.pending;
      if (!p || ev.data.id !== p.id) return;
      clearTimeout(p.timer);
      this.pending = null;
      if (ev.data.type === 'layout') p.resolve(ev.data.result);
      else p.reject(new Error(ev.data.message));
    };
    this.worker.onerror = (ev) => {
      const p = this.pending;
      this.pending = null;
      if (p) clearTimeout(p.timer);
      p?.reject(new Error(`layout worker failed: ${ev.message}`));
    };
  }

  /** Resolves with the layout, or with null when a newer request cancelled this one. */
  layout(input: LayoutInput): Promise<(LayoutResult & { note?: string }) | null> {
    this.cancel();
    if (this.mode === 'main-thread' || !this.worker) return Promise.resolve(layeredLayout(input));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending?.id !== id) return;
        this.pending = null;
        this.worker?.terminate();
        this.spawn();
        resolve({ ...quickLayout(input), note: `The layout of ${input.nodeCount} boxes did not finish within ${Math.round(this.timeoutMs / 1000)} s; a simpler layout is shown (layers from top to bottom, straight edges).` });
      }, this.timeoutMs);
      this.pending = { id, resolve, reject, timer };
      const req: LayoutRequest = { type: 'layout', id, input };
      this.worker!.postMessage(req);
    });
  }

  /** Cancels the layout under way, if any: its promise resolves with null. */
  cancel(): void {
    const p = this.pending;
    if (!p) return;
    clearTimeout(p.timer);
    this.pending = null;
    this.worker?.terminate();
    this.spawn();
    p.resolve(null);
  }
}
