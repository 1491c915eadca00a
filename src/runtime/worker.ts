/**
 * The inference process (bundled as dist/inferenceWorker.js and started with child_process.fork).
 * ONNX Runtime blocks the thread it runs on and can take its process down (a native crash, or memory
 * exhausted by a large model); running here keeps the extension host alive and responsive.
 */
import * as l10n from '@vscode/l10n';
import { Engine } from './engine';
import { defaultAccess } from './access';
import { runShapes } from './shapeRun';
import { serve, type Answering } from '../protocol/rpc';
import type { InferenceNotice, InferenceRequests } from '../protocol/inference';

// Before any message is worded: Step explanations and progress speak the editor's display language.
if (process.env.CONVLENS_L10N_BUNDLE) l10n.config({ fsPath: process.env.CONVLENS_L10N_BUNDLE });

/** Tells the request being answered (requests run one at a time) which provider the engine tries. */
let tell: (n: InferenceNotice) => void = () => undefined;
const engine = new Engine(defaultAccess, (provider) => tell({ kind: 'tryProvider', provider }));

function progress(ctx: Answering<InferenceNotice>): (message: string) => void {
  tell = ctx.notify;
  return (message) => ctx.notify({ kind: 'progress', message });
}

// serial: the engine keeps one session and one set of tensors.
const answer = serve<InferenceRequests>((m) => void process.send?.(m), {
  inspect: (r, ctx) => engine.inspect(r.spec, progress(ctx)),
  run: (r, ctx) => engine.run(r.spec, progress(ctx)),
  detail: (r) => engine.detail(r.tensor, r.grid),
  unfused: () => engine.unfused(),
  profile: (_r, ctx) => engine.profile(progress(ctx)),
  step: (r) => {
    const index = r.nodeId !== undefined ? engine.stepIndexOf(r.nodeId) : r.index ?? 0;
    if (index < 0) throw new Error(`node '${r.nodeId}' has no captured output in the last run`);
    return engine.step(index, r.grid);
  },
  arithmetic: (r) => engine.arithmetic(r.nodeId, r.at),
  dispose: () => engine.dispose(),
  shapes: (r, ctx) => runShapes(defaultAccess, r.spec, progress(ctx)),
}, { serial: true });
process.on('message', answer);
process.on('disconnect', () => process.exit(0));
