/**
 * The inference process (bundled as dist/inferenceWorker.js and started with child_process.fork).
 * ONNX Runtime blocks the thread it runs on and can take its process down (a native crash, or memory
 * exhausted by a large model); running here keeps the extension host alive and responsive.
 */
import * as l10n from '@vscode/l10n';
import { Engine } from './engine';
import { defaultAccess } from './access';
import { runShapes } from './shapeRun';
import type { WorkerMessage, WorkerRequest } from './protocol';

// Before any message is worded: Step explanations and progress speak the editor's display language.
if (process.env.CONVLENS_L10N_BUNDLE) l10n.config({ fsPath: process.env.CONVLENS_L10N_BUNDLE });

let current = 0;
const send = (m: WorkerMessage) => process.send?.(m);
const engine = new Engine(defaultAccess, (provider) => send({ type: 'tryProvider', id: current, provider }));

async function handle(req: WorkerRequest): Promise<unknown> {
  current = req.id;
  const progress = (message: string) => send({ type: 'progress', id: req.id, message });
  switch (req.type) {
    case 'inspect': return engine.inspect(req.spec, progress);
    case 'run': return engine.run(req.spec, progress);
    case 'detail': return engine.detail(req.tensor, req.grid);
    case 'unfused': return engine.unfused();
    case 'step': {
      const index = req.nodeId !== undefined ? engine.stepIndexOf(req.nodeId) : req.index ?? 0;
      if (index < 0) throw new Error(`node '${req.nodeId}' has no captured output in the last run`);
      return engine.step(index, req.grid);
    }
    case 'dispose': return engine.dispose();
    case 'shapes': return runShapes(defaultAccess, req.spec, progress);
  }
}

// Requests run one at a time, in order: the engine keeps one session and one set of tensors.
let queue: Promise<void> = Promise.resolve();
process.on('message', (req: WorkerRequest) => {
  queue = queue.then(async () => {
    try {
      send({ type: 'reply', id: req.id, ok: true, value: await handle(req) });
    } catch (e) {
      send({ type: 'reply', id: req.id, ok: false, error: (e as Error).message ?? String(e) });
    }
  });
});
process.on('disconnect', () => process.exit(0));
