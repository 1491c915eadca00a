import { basename } from 'node:path';
import { analyze } from '../../src/analysis/analyze';
import { readModelFile } from '../../src/formats/index';
import type { ViewGraph } from '../../src/protocol/viewModel';
import { buildViewGraph } from '../../src/view/buildViewGraph';
import { corpus } from '../helpers/corpus';

/** A corpus model through the real pipeline: reader -> analysis -> view model. */
export async function corpusGraph(...parts: string[]): Promise<ViewGraph> {
  const path = corpus(...parts);
  const model = await readModelFile(path);
  return buildViewGraph(model, analyze(model), basename(path));
}

/** Any model file (a sample shipped with ConvLens, say) through the same pipeline. */
export async function fileGraph(path: string): Promise<ViewGraph> {
  const model = await readModelFile(path);
  return buildViewGraph(model, analyze(model), basename(path));
}
