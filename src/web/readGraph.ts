import { readModelWithSiblings } from '../formats/bytes';
import { analyze } from '../analysis/analyze';
import { buildViewGraph } from '../view/buildViewGraph';
import type { ViewGraph } from '../protocol/viewModel';
import type { WebModelOpen } from './protocol';

/** Bytes → the graph the webview draws: the desktop's readers, analysis and view graph, no Node.
 * `readSibling` reads a file beside the model (through the web extension host). */
export async function readGraph(r: WebModelOpen, readSibling: (location: string) => Promise<Uint8Array>): Promise<ViewGraph> {
  const model = await readModelWithSiblings(r.bytes, r.path, readSibling);
  return buildViewGraph(model, analyze(model, r.dimValues ? { dimValues: r.dimValues } : {}), r.title);
}
