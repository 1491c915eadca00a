import type { AttrValue } from '../../ir/types';
import { items, type JsonNode } from '../json/tree';
import { configAttrs } from './attrs';

/**
 * AlexNet's local response normalisation as Keras files write it, read as the one LRN layer the
 * analysis and the lowering know (tf.nn.local_response_normalization's depth_radius/bias/alpha/beta):
 * - `tf.nn.local_response_normalization(x, ...)` in a Keras 2 functional model is saved as a
 *   TFOpLambda whose config.function is "nn.local_response_normalization", the op's arguments in the
 *   call's kwargs (the fourth element of its inbound reference);
 * - a custom layer class named LRN or LocalResponseNormalization, as AlexNet ports write it, with
 *   those names in its config.
 * Anything else (a Lambda's serialised bytecode) cannot be recognised and stays an unknown layer.
 */
const LRN_CLASSES = new Set(['LRN', 'LocalResponseNormalization']);
const LRN_KEYS = ['depth_radius', 'bias', 'alpha', 'beta'];

function callKwargs(inbound: JsonNode | undefined): Record<string, AttrValue> {
  if (!inbound || inbound.type !== 'array') return {};
  const first = items(inbound)[0];
  if (!first || first.type !== 'array') return {};
  const parts = items(first);
  const triple = parts.length > 0 && parts[0].type === 'string' ? parts : parts[0]?.type === 'array' ? items(parts[0]) : [];
  return triple[3]?.type === 'object' ? configAttrs(triple[3]) : {};
}

/** The LRN reading of a layer, or undefined when it is not one. */
export function asLrn(className: string, attrs: Record<string, AttrValue>, inbound: JsonNode | undefined): { className: string; attrs: Record<string, AttrValue> } | undefined {
  let source: Record<string, AttrValue>;
  if (LRN_CLASSES.has(className)) source = attrs;
  else if (className === 'TFOpLambda' && attrs.function === 'nn.local_response_normalization') source = callKwargs(inbound);
  else return undefined;
  const out: Record<string, AttrValue> = { name: attrs.name ?? null };
  for (const k of LRN_KEYS) if (source[k] !== undefined) out[k] = source[k];
  return { className: 'LRN', attrs: out };
}
