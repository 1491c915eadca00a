import { parentPort, workerData } from 'node:worker_threads';
import * as l10n from '@vscode/l10n';
import type { ModelReplies, ModelRequest, ModelWorkerIn, ModelWorkerOut } from '../protocol/modelService';
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

async function handle(r: ModelRequest): Promise<{ value: ModelReplies[ModelRequest['type']]; transfer: ArrayBuffer[] }> {
  switch (r.type) {
    case 'open': {
      const value = await store.open(r.doc, r.json);
      return { value, transfer: value.graph ? [value.graph.encoded.bytes.buffer as ArrayBuffer] : [] };
    }
    case 'lowered': {
      const value = await store.lowered(r.doc);
      return { value, transfer: value.bytes ? [value.bytes.buffer as ArrayBuffer] : [] };
    }
    case 'node': return { value: store.node(r.key, r.nodeId), transfer: [] };
    case 'diff': return { value: await store.diff(r.old, r.new, r.oldName, r.newName), transfer: [] };
    case 'counts': return { value: { ...store.counts }, transfer: [] };
  }
}

parentPort!.on('message', (m: ModelWorkerIn) => {
  handle(m.request).then(
    ({ value, transfer }) => parentPort!.postMessage({ id: m.id, ok: true, value } satisfies ModelWorkerOut, transfer),
    (e: unknown) => parentPort!.postMessage({ id: m.id, ok: false, error: e instanceof Error ? e.message.split('\n')[0] : String(e) } satisfies ModelWorkerOut),
  );
});
