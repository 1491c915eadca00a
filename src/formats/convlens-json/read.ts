import type { Model } from '../../ir/types';
import { JsonModelError } from '../json/problems';
import { lineColumn } from '../json/tree';
import { parseOrThrow } from '../keras/read';
import { buildConvLens } from './build';

/** Reads a ConvLens JSON model; throws a JsonModelError for the first error (with line and column). */
export function readConvLensJson(text: string, path?: string): Model {
  const root = parseOrThrow(text, path);
  const { model, problems } = buildConvLens(root, path);
  const first = problems.find((p) => p.severity === 'error');
  if (first) {
    const at = lineColumn(text, first.range.offset);
    throw new JsonModelError(`${first.message} (line ${at.line}, column ${at.column})`, first.range, path);
  }
  return model;
}
