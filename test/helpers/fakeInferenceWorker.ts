/**
 * A stand-in for the inference process (src/runtime/worker.ts) for tests of the client's process handling:
 * answers `detail` requests with its pid at once, except for these tensor names:
 * 'hang' never answers; 'disconnect' answers, then closes its channel and stays alive.
 * It speaks the wire format of src/protocol/rpc.ts by hand, so that it can misbehave.
 */
import type { AnswerMessage, RequestMessage } from '../../src/protocol/rpc';
import type { InferenceRequests } from '../../src/protocol/inference';

const send = (m: AnswerMessage, then?: () => void) => process.send?.(m, undefined, undefined, then);
process.on('message', (req: RequestMessage<InferenceRequests>) => {
  if (req.type !== 'detail') return send({ type: 'reply', id: req.id, ok: false, error: `fake worker: no '${req.type}'` });
  if (req.tensor === 'hang') return;
  // Disconnects once the reply is written: Node throws when the channel closes under a message in flight.
  send({ type: 'reply', id: req.id, ok: true, value: { pid: process.pid, tensor: req.tensor } }, req.tensor === 'disconnect' ? () => process.disconnect() : undefined);
});
// Once the channel is closed nothing can reach this process: it lives on (as a hung native call would)
// until it is killed, or at most 20 s so a test that fails leaves nothing behind.
setTimeout(() => process.exit(0), 20_000);
