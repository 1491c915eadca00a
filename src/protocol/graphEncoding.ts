import type { EncodedGraph } from './modelService';
import type { ViewGraph } from './viewModel';

/**
 * Decodes a graph as the model worker encoded it (src/editor/modelStore.ts). Runs in the webview
 * (DecompressionStream) and in Node 18+ tests alike; 'deflate' is zlib's format, as Node's deflateSync writes.
 */
export async function decodeGraph(g: EncodedGraph): Promise<ViewGraph> {
  let bytes = g.bytes;
  if (g.encoding === 'json-deflate') {
    const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate'));
    bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  return JSON.parse(new TextDecoder().decode(bytes)) as ViewGraph;
}

export function isEncodedGraph(g: unknown): g is EncodedGraph {
  return typeof g === 'object' && g !== null && 'encoding' in g && (g as EncodedGraph).bytes instanceof Uint8Array;
}
