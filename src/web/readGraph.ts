import { readModelBytes } from '../formats/bytes';
import { analyze } from '../analysis/analyze';
import { buildViewGraph } from '../view/buildViewGraph';
import type { ViewGraph } from '../protocol/viewModel';
import type { WebModelOpen } from './protocol';

/** Bytes → the graph the webview draws: the desktop's readers, analysis and view graph, no Node. */
export async function readGraph(r: WebModelOpen): Promise<ViewGraph> {
  const model = await readModelBytes(r.bytes, r.path);
  return buildViewGraph(model, analyze(model, r.dimValues ? { dimValues: r.dimValues } : {}), r.title);
}
