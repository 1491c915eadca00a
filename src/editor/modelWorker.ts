import { parentPort, workerData } from 'node:worker_threads';
import * as l10n from '@vscode/l10n';
import { serve } from '../protocol/rpc';
import type { ModelRequests } from '../protocol/modelService';
import { ModelStore } from './modelStore';

/**
 * Worker thread (dist/modelWorker.js): every model is read and analysed here, never on the extension
 * host's thread. The host (./modelService.ts) sends one request at a time and terminates this thread
 * when a request passes its time budget; the memory budget is the thread's resourceLimits.
 * Graphs and ONNX bytes go back as transferred buffers, so receiving them costs the host nothing.
 */
// Diagnostics (lint, shape problems) are worded in the editor's display language.
const bundle = (workerData as { l10n?: Record<string, string> } | null)?.l10n;
if (bundle) l10n.config({ contents: bundle });

const store = new ModelStore();

const answer = serve<ModelRequests>((m, transfer) => parentPort!.postMessage(m, transfer), {
  open: async (r, ctx) => {
    const value = await store.open(r.doc, r.json);
    if (value.graph) ctx.transfer(value.graph.encoded.bytes.buffer as ArrayBuffer);
    return value;
  },
  lowered: async (r, ctx) => {
    const value = await store.lowered(r.doc);
    if (value.bytes) ctx.transfer(value.bytes.buffer as ArrayBuffer);
    return value;
  },
  node: (r) => store.node(r.key, r.nodeId),
  diff: (r) => store.diff(r.old, r.new, r.oldName, r.newName),
  counts: () => ({ ...store.counts }),
  weight: (r) => store.weight(r.key, r.tensor, r.offset),
});
parentPort!.on('message', answer);
