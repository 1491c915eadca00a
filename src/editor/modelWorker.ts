import { parentPort, workerData } from 'node:worker_threads';
import { buildGraphFromFile, errorText, type WorkerReply, type WorkerRequest } from './modelLoader';

/** Worker thread: reads one model file and posts back its ViewGraph (see modelLoader.ts). */
const request = workerData as WorkerRequest;

buildGraphFromFile(request.path, request.title, request.dimValues).then(
  ({ graph }) => parentPort!.postMessage({ ok: true, graph } satisfies WorkerReply),
  (e: unknown) => parentPort!.postMessage({ ok: false, error: errorText(e, request.path) } satisfies WorkerReply),
);
