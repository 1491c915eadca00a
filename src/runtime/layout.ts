import * as l10n from '@vscode/l10n';
import type { Model, Node } from '../ir/types';
import { loweredOrigins } from './lowered';

/**
 * Which tensors of a model are channels-last, decided once from the model itself, for the input
 * preparation (./input.ts) and the feature-map grids (./grid.ts) alike. A shape alone cannot say it:
 * [1, 56, 56, 256] and [1, 320, 320, 4] are channels-last, [1, 3, 224, 224] is not. The evidence, in order:
 * - a model lowered from Keras/TF.js/ConvLens JSON: its inputs are channels-last, and the lowering
 *   records each layer output's layout (metadata 'convlens.loweredTensors');
 * - tf2onnx's pattern: an input read only through Transpose(perm [0, 3, 1, 2]) is NHWC; an output of
 *   Transpose(perm [0, 2, 3, 1]) is NHWC, and ops that keep the shape keep the layout;
 * - an input read directly by a Conv or a pooling layer is NCHW (ONNX's own layout for them).
 * Inputs with none of these fall back to the shape (1–4 channels on one side), said as such.
 */
export interface LayoutEvidence {
  layout: 'NCHW' | 'NHWC';
  reason: string;
}

export interface ModelLayouts {
  /** Graph inputs (rank 3 or 4) with the layout the model gives them. */
  inputs: Map<string, LayoutEvidence>;
  /** Every tensor known to be channels-last (inputs included). */
  channelsLast: Set<string>;
}

const TO_NCHW = [0, 3, 1, 2];
/** [0, 2, …, r − 1, 1]: channels moved from axis 1 to the end (NCW→NWC, NCHW→NHWC, NCDHW→NDHWC). */
const toChannelsLast = (p: number[] | undefined) => !!p && p.length >= 3 && p[0] === 0 && p[p.length - 1] === 1 && p.slice(1, -1).every((v, i) => v === i + 2);
const CHANNELS_FIRST_OPS = new Set(['Conv', 'ConvTranspose', 'MaxPool', 'AveragePool', 'LpPool', 'GlobalAveragePool', 'GlobalMaxPool', 'BatchNormalization', 'InstanceNormalization', 'LRN']);
/** Element-wise ops: their output is laid out as their first input. */
const KEEPS_LAYOUT = new Set(['Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Clip', 'HardSigmoid', 'HardSwish', 'Elu', 'Selu', 'Softplus', 'Identity', 'Dropout', 'Add', 'Sub', 'Mul', 'Div', 'Neg', 'Abs', 'Exp', 'Log', 'Sqrt', 'Cast', 'Round', 'Floor', 'Ceil']);

const perm = (n: Node): number[] | undefined => (Array.isArray(n.attributes.perm) ? (n.attributes.perm as number[]) : undefined);
const same = (a: number[] | undefined, b: number[]) => !!a && a.length === b.length && a.every((v, i) => v === b[i]);

export function modelLayouts(model: Model): ModelLayouts {
  const g = model.graph;
  const inputs = new Map<string, LayoutEvidence>();
  const channelsLast = new Set<string>();
  const readers = new Map<string, Node[]>();
  for (const n of g.nodes) for (const t of n.inputs) if (t) readers.set(t, [...(readers.get(t) ?? []), n]);
  const lowered = model.metadata['convlens.loweredFrom'];
  for (const vi of g.inputs) {
    if (g.initializers.has(vi.name)) continue;
    const rank = vi.shape?.length ?? 0;
    if (rank !== 3 && rank !== 4) continue;
    const r = readers.get(vi.name) ?? [];
    if (lowered) inputs.set(vi.name, { layout: 'NHWC', reason: l10n.t('a {0} model: its inputs are channels-last', lowered) });
    else if (rank === 4 && r.length > 0 && r.every((n) => n.opType === 'Transpose' && same(perm(n), TO_NCHW))) inputs.set(vi.name, { layout: 'NHWC', reason: l10n.t('the model transposes it from NHWC to NCHW (perm 0, 3, 1, 2) before its first layer') });
    else if (r.some((n) => CHANNELS_FIRST_OPS.has(n.opType) && n.inputs[0] === vi.name)) inputs.set(vi.name, { layout: 'NCHW', reason: l10n.t('read directly by {0}, which is channels-first', r.find((n) => CHANNELS_FIRST_OPS.has(n.opType))!.opType) });
  }
  for (const [name, e] of inputs) if (e.layout === 'NHWC') channelsLast.add(name);
  for (const [onnx, o] of loweredOrigins(model)) if (o.layout === 'cl') channelsLast.add(onnx);
  // Nodes are in graph order; ONNX requires it to be topological, so one pass follows the chain.
  for (const n of g.nodes) {
    const out = n.outputs[0];
    if (!out) continue;
    if (n.opType === 'Transpose' && toChannelsLast(perm(n))) channelsLast.add(out);
    else if (KEEPS_LAYOUT.has(n.opType) && channelsLast.has(n.inputs[0])) channelsLast.add(out);
  }
  return { inputs, channelsLast };
}
