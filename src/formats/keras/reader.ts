import type { ModelReader } from '../registry';
import { jsonText } from '../json/text';
import { readKerasJson } from './read';

/** Keras `model.to_json()`: a JSON object with class_name and config at the top. */
export const kerasReader: ModelReader = {
  name: 'keras-json',
  sniff: (_bytes, _path, hint) => hint.kind === 'json' && hint.jsonKeys.includes('class_name') && hint.jsonKeys.includes('config'),
  read: (bytes, ctx) => readKerasJson(jsonText(bytes, ctx.path), ctx.path),
};
