import type { ModelReader } from '../registry';
import { jsonText } from '../json/text';
import { readTfjsModel } from './read';

/** TF.js model.json (layers or graph model): a JSON object with modelTopology. */
export const tfjsReader: ModelReader = {
  name: 'tfjs',
  sniff: (_bytes, _path, hint) => hint.kind === 'json' && hint.jsonKeys.includes('modelTopology'),
  read: (bytes, ctx) => readTfjsModel(jsonText(bytes, ctx.path), ctx.path, ctx.path ? (loc) => ctx.readSibling(loc) : undefined),
};
