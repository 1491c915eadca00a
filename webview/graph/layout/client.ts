import { layeredLayout } from './layered';
import { quickLayout } from './quick';
import { RpcClient, RpcError } from '../../../src/protocol/rpc';
import type { TopologyInput } from './layers';
import type { LayoutEngine, LayoutInput, LayoutRequests, LayoutResult } from './types';
import * as l10n from '@vscode/l10n';

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
  private rpc: RpcClient<LayoutRequests> | null = null;
  private blobUrl: string | null = null;
  /** The layout under way (one at a time), from its topology on. */
  private inFlight: AbortController | null = null;
  private prepared = 0;
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
    const worker = new Worker(this.blobUrl!);
    const rpc = new RpcClient<LayoutRequests>((m, transfer) => worker.postMessage(m, transfer), { topology: this.timeoutMs, layout: this.timeoutMs });
    worker.onmessage = (ev: MessageEvent<unknown>) => void rpc.handle(ev.data);
    worker.onerror = (ev) => rpc.disconnect(`the layout worker failed (${ev.message})`);
    this.worker = worker;
    this.rpc = rpc;
  }

  /** Ends the worker (a layout cannot be stopped midway otherwise) and starts a fresh one. */
  private restart(): void {
    this.worker?.terminate();
    this.spawn();
  }

  prepare(topology: TopologyInput): number {
    this.cancel();
    const key = ++this.prepared;
    // On the page's thread nothing runs meanwhile: the layout computes it all.
    if (this.mode === 'main-thread' || !this.rpc) return key;
    const control = (this.inFlight = new AbortController());
    // Its failures are the layout's that follows it (the same worker, the same cancel).
    this.rpc.request('topology', { key, input: topology }, { signal: control.signal, what: `the layers of ${topology.nodeCount} boxes` }).catch(() => undefined);
    return key;
  }

  /** Resolves with the layout, or with null when a newer request cancelled this one. */
  async layout(input: LayoutInput, prepared?: number): Promise<(LayoutResult & { note?: string }) | null> {
    const ahead = prepared === this.prepared && this.inFlight !== null;
    if (!ahead) this.cancel();
    if (this.mode === 'main-thread' || !this.rpc) return layeredLayout(input);
    const control = ahead ? this.inFlight! : (this.inFlight = new AbortController());
    try {
      return await this.rpc.request('layout', { input, prepared: ahead ? prepared : undefined }, { signal: control.signal, what: `the layout of ${input.nodeCount} boxes` });
    } catch (e) {
      if (!(e instanceof RpcError)) throw e;
      if (e.kind === 'cancelled') return null;
      if (e.kind !== 'timeout') throw e;
      this.restart();
      return { ...quickLayout(input), note: l10n.t('The layout of {0} boxes did not finish within {1} s; a simpler layout is shown (layers from top to bottom, straight edges).', input.nodeCount, Math.round(this.timeoutMs / 1000)) };
    } finally {
      if (this.inFlight === control) this.inFlight = null;
    }
  }

  /** Cancels the layout under way, if any: its promise resolves with null. */
  cancel(): void {
    const c = this.inFlight;
    if (!c) return;
    this.inFlight = null;
    c.abort();
    this.restart();
  }
}
