import { editDistance } from '../../../common/editDistance';
import { registeredOps } from '../../registry';

/**
 * What to say about a Keras layer class with no rule. Keras's own layers that ConvLens has no rule
 * for are named as such; any other class is unknown to Keras too (a misspelling, or a custom layer
 * registered in the user's code), and the nearest registered class is offered for a misspelling.
 */
const KERAS_WITHOUT_RULE = new Set([
  'LSTM', 'GRU', 'SimpleRNN', 'ConvLSTM1D', 'ConvLSTM2D', 'ConvLSTM3D', 'Bidirectional', 'TimeDistributed', 'RNN',
  'Embedding', 'Lambda', 'Attention', 'AdditiveAttention', 'MultiHeadAttention', 'RepeatVector', 'Dot',
  'LocallyConnected1D', 'LocallyConnected2D', 'UnitNormalization', 'GroupNormalization', 'CategoryEncoding',
  'Resizing', 'CenterCrop', 'RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomCrop', 'RandomContrast', 'TFOpLambda', 'SlicingOpLambda',
]);

/** The registered Keras class nearest to `opType` (edit distance ≤ 3, ignoring case), if any. */
export function nearestKerasLayer(opType: string): string | undefined {
  const w = opType.toLowerCase();
  let best: string | undefined;
  let bestD = Math.min(4, Math.max(2, Math.ceil(opType.length / 3)));
  for (const t of registeredOps('keras')) {
    const d = editDistance(w, t.toLowerCase(), bestD);
    if (d < bestD) {
      bestD = d;
      best = t;
    }
  }
  return best;
}

/** The warning for a Keras-domain node with no rule; `declared` when the file gives its output shape. */
export function noRuleMessage(opType: string, declared: boolean): string {
  const after = declared ? 'its output shape is the one the file declares' : 'its output shape is unknown, and so are the shapes that depend on it';
  if (KERAS_WITHOUT_RULE.has(opType)) return `no shape rule for the Keras layer ${opType}: ${after}`;
  const near = nearestKerasLayer(opType);
  if (near) return `unknown Keras layer ${opType} — did you mean ${near}? ${after[0].toUpperCase()}${after.slice(1)}`;
  return `unknown Keras layer ${opType} (a custom layer?): ${after}`;
}
