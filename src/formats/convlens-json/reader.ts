import type { ModelReader } from '../registry';
import { jsonText } from '../json/text';
import { readConvLensJson } from './read';

/** ConvLens JSON: a JSON object with layers and an input (or inputs) at the top. */
export const convLensReader: ModelReader = {
  name: 'convlens-json',
  sniff: (_bytes, _path, hint) =>
    hint.kind === 'json' && hint.jsonKeys.includes('layers') && !hint.jsonKeys.includes('class_name') &&
    (hint.jsonKeys.includes('input') || hint.jsonKeys.includes('inputs') || hint.jsonKeys.includes('$schema')),
  read: (bytes, ctx) => readConvLensJson(jsonText(bytes, ctx.path), ctx.path),
};
