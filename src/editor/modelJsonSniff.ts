import { jsonTopLevelKeys } from '../formats/sniff';

/**
 * Is this JSON text a model ConvLens can show? The same top-level-key tests the readers' sniffs
 * use (src/formats/{keras,tfjs,convlens-json}/reader.ts), without loading the readers, so the
 * editor-title button can be shown for the active editor cheaply.
 */
export function looksLikeModelJson(text: string): boolean {
  const keys = jsonTopLevelKeys(Buffer.from(text, 'utf8'));
  const has = (k: string) => keys.includes(k);
  if (has('modelTopology')) return true; // TF.js model.json
  if (has('class_name') && has('config')) return true; // Keras to_json()
  return has('layers') && !has('class_name') && (has('input') || has('inputs') || has('$schema')); // ConvLens JSON
}
