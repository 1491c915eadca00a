import type { ReplyMessage } from '../protocol/messages';

/** The web extension host → its model worker: a file's bytes to read and analyse. */
export interface WebModelRequest {
  type: 'open';
  id: number;
  bytes: Uint8Array;
  /** Names the model in messages ('/repo/models/mnist.onnx'). */
  path: string;
  title: string;
  /** Sizes chosen for symbolic input dims (the graph's input-size control). */
  dimValues?: Record<string, number>;
}

/** Its answer: the ViewGraph, or the one-line reason it could not be read. */
export type WebModelReply = ReplyMessage;
