import * as l10n from '@vscode/l10n';
import type { NodeFigures } from '../analysis/types';
import { windowAt } from '../analysis/window/formula';
import { axisNames } from '../analysis/window/geometry';
import type { NodeWindow } from '../analysis/window/geometry';
import type { AttrValue, Node } from '../ir/types';

/**
 * A layer explained from its real numbers, for Step mode. Every figure (formulas, the window an
 * output pixel reads, parameter counts) is the analysis's (src/analysis); this file only words it,
 * in the editor's display language (@vscode/l10n, configured by the inference process from the host's
 * bundle): the words are translated around the figures, which are passed in as they are.
 */
export interface StepExplanation {
  title: string;
  /** Lines of plain text; formulas written out with the numbers filled in. */
  lines: string[];
  /** Learned parameters of this layer, as the analysis counts them (null: unknown). */
  params?: number | null;
  /** Conv and pooling: the window at the run's real sizes, to map an output pixel to its inputs. */
  window?: NodeWindow;
  /** Dropout: a sample training mask (./dropout.ts), white kept, black dropped. */
  mask?: { png: string; width: number; height: number };
}

export interface StepShapes {
  inputs: number[][];
  outputs: number[][];
  /** Fraction of zeros in the first output (activations). */
  outputZeros?: number;
}

function num(v: AttrValue | undefined, dflt: number): number {
  return typeof v === 'number' ? v : dflt;
}
const fmt = (n: number | null | undefined) => (n === null || n === undefined ? '?' : n.toLocaleString('en-US'));
const shape = (d: number[] | undefined) => (d ? `[${d.join(', ')}]` : '?');

/** The analysis's window at the run's sizes, and its formulas checked against what the runtime gave. */
function windowLines(f: NodeFigures | undefined, x: number[], y: number[] | undefined, tensorAxes: (rank: number) => number[]): { window?: NodeWindow; lines: string[] } {
  const w0 = f?.window;
  if (!w0) return { lines: [] };
  const axes = tensorAxes(x.length);
  const window = windowAt(w0, axes.map((a) => x[a]));
  const lines = window.axes.map((a, i) => {
    const real = y?.[axes[i]];
    const check = real === undefined ? '' : real === a.out ? ' ✓' : ` ${l10n.t('(runtime gave {0})', real)}`;
    return `${a.formula}${check}`;
  });
  return { window, lines };
}

/** A pooling window's operation, worded per operator (word order differs between languages). */
function poolLine(op: string, kernel: string, channels: number, stride: string): string {
  if (op === 'MaxPool') return l10n.t('The largest value of each {0} window, per channel ({1} channels, no weights); stride {2}.', kernel, channels, stride);
  if (op === 'AveragePool') return l10n.t('The mean of each {0} window, per channel ({1} channels, no weights); stride {2}.', kernel, channels, stride);
  return l10n.t('The Lp norm of each {0} window, per channel ({1} channels, no weights); stride {2}.', kernel, channels, stride);
}

const onnxAxes = (rank: number): number[] => Array.from({ length: Math.max(0, rank - 2) }, (_, i) => i + 2);

/** Explains `node` with its real input/output shapes and weight shapes. */
export function explainNode(node: Node, s: StepShapes, weightDims: (number[] | undefined)[], figures: NodeFigures | undefined): StepExplanation {
  const x = s.inputs[0];
  const y = s.outputs[0];
  switch (node.opType) {
    case 'Conv': {
      const w = weightDims[1];
      if (!w || !x) break;
      const group = num(node.attributes.group, 1);
      const [cout, cinPerGroup, ...k] = w;
      const cin = cinPerGroup * group;
      const { window, lines: formulas } = windowLines(figures, x, y, onnxAxes);
      const hasBias = node.inputs.length > 2 && node.inputs[2] !== '';
      const kprod = k.reduce((a, b) => a * b, 1);
      const params = figures?.params ?? null;
      const pads = window ? l10n.t(', padding {0} / {1}', window.axes.map((a) => a.padBegin ?? '?').join(','), window.axes.map((a) => a.padEnd ?? '?').join(',')) : '';
      const dil = window?.axes.some((a) => a.dilation !== 1) ? l10n.t(', dilation {0}', window.axes.map((a) => a.dilation).join('×')) : '';
      const stride = window ? window.axes.map((a) => a.stride).join('×') : '?';
      const groups = group > 1 ? (group === cin ? l10n.t(' in {0} groups ({1} channels each: depthwise)', group, cinPerGroup) : l10n.t(' in {0} groups ({1} channels each)', group, cinPerGroup)) : '';
      const lines = [
        l10n.t('{0} filters of {1} over {2} input channels{3}; stride {4}{5}{6}.', cout, k.join('×'), cin, groups, stride, pads, dil),
        ...formulas,
        hasBias
          ? `params = C_out·(C_in/group·${axisNames(k.length).map((a) => `k${a}`).join('·')} + 1) = ${cout}·(${cin}/${group}·${k.join('·')} + 1) = ${fmt(params)}`
          : `params = C_out·C_in/group·${axisNames(k.length).map((a) => `k${a}`).join('·')} = ${cout}·${cin}/${group}·${k.join('·')} = ${fmt(params)} ${l10n.t('(no bias)')}`,
        hasBias
          ? l10n.t('Each output value is a weighted sum of {0} inputs plus a bias. Click an output pixel to see the input window it reads.', fmt(cinPerGroup * kprod))
          : l10n.t('Each output value is a weighted sum of {0} inputs. Click an output pixel to see the input window it reads.', fmt(cinPerGroup * kprod)),
      ];
      return { title: l10n.t('Convolution {0} → {1}', shape(x), shape(y)), lines, params, window };
    }
    case 'MaxPool': case 'AveragePool': case 'LpPool': {
      const { window, lines: formulas } = windowLines(figures, x ?? [], y, onnxAxes);
      if (!window || !x) break;
      return {
        title: `${node.opType} ${shape(x)} → ${shape(y)}`,
        lines: [poolLine(node.opType, window.axes.map((a) => a.kernel).join('×'), x[1], window.axes.map((a) => a.stride).join('×')), ...formulas],
        params: figures?.params ?? null,
        window,
      };
    }
    case 'GlobalAveragePool': case 'GlobalMaxPool':
      return { title: `${node.opType} ${shape(x)} → ${shape(y)}`, lines: [node.opType === 'GlobalMaxPool'
        ? l10n.t("Each of the {0} channels' {1} map becomes one number (its maximum).", x?.[1] ?? '?', x ? x.slice(2).join('×') : '')
        : l10n.t("Each of the {0} channels' {1} map becomes one number (its mean).", x?.[1] ?? '?', x ? x.slice(2).join('×') : '')], params: figures?.params ?? null };
    case 'Relu': case 'LeakyRelu': case 'Clip': case 'Sigmoid': case 'Tanh': case 'HardSwish': case 'HardSigmoid': case 'Elu': case 'Selu': {
      const f: Record<string, string> = { Relu: 'max(0, x)', LeakyRelu: `x if x > 0 else ${num(node.attributes.alpha, 0.01)}·x`, Clip: 'min(max(x, lo), hi)', Sigmoid: '1 / (1 + e^−x)', Tanh: 'tanh(x)', HardSwish: 'x·relu6(x + 3)/6', HardSigmoid: 'max(0, min(1, αx + β))', Elu: 'x if x > 0 else α(eˣ − 1)', Selu: 'γ(x if x > 0 else α(eˣ − 1))' };
      const lines = [l10n.t('y = {0}, element by element; the shape stays {1}.', f[node.opType], shape(y))];
      if (s.outputZeros !== undefined) lines.push(l10n.t('{0}% of this output is exactly zero.', (s.outputZeros * 100).toFixed(1)));
      return { title: l10n.t('{0} activation', node.opType), lines, params: figures?.params ?? null };
    }
    case 'BatchNormalization': {
      // docs/figures.md: γ and β are parameters; the running μ and σ² are buffers, not parameters.
      const c = x?.[1];
      const params = figures?.params ?? null;
      return {
        title: l10n.t('Batch normalisation {0}', shape(x)),
        lines: [
          l10n.t('{0}, per channel, with the stored running mean μ and variance σ².', 'y = γ·(x − μ) / √(σ² + ε) + β'),
          `params = 2·C = 2·${c ?? '?'} = ${fmt(params)} ${l10n.t('(γ and β, learned)')}`,
          l10n.t('plus {0} running statistics μ and σ² (stored, not learned: not parameters)', fmt(figures?.buffers)),
        ],
        params,
      };
    }
    case 'Add': case 'Sum':
      return { title: l10n.t('{0} of {1} tensors', node.opType, s.inputs.length), lines: [s.inputs.length >= 2
        ? l10n.t('Element-wise sum of {0} → {1} (a skip connection when one input bypasses layers).', s.inputs.map(shape).join(' + '), shape(y))
        : l10n.t('Element-wise sum of {0} → {1}.', s.inputs.map(shape).join(' + '), shape(y))], params: figures?.params ?? null };
    case 'Concat': {
      const axis = num(node.attributes.axis, 1);
      const parts = s.inputs.map((d) => d[axis < 0 ? d.length + axis : axis]);
      return { title: l10n.t('Concat along axis {0}', axis), lines: [l10n.t('{0} along axis {1} → {2}.', `${parts.join(' + ')} = ${parts.reduce((a, b) => a + b, 0)}`, axis, shape(y))], params: figures?.params ?? null };
    }
    case 'Gemm': case 'MatMul': {
      const w = weightDims[1];
      if (!w || w.length !== 2) break;
      const transB = num(node.attributes.transB, 0) === 1;
      const [fin, fout] = transB ? [w[1], w[0]] : w;
      const bias = node.opType === 'Gemm' && node.inputs.length > 2 && node.inputs[2] !== '';
      const params = figures?.params ?? null;
      return { title: l10n.t('Fully connected {0} → {1}', fin, fout), lines: [l10n.t('{0}: every output reads all {1} inputs.', `y = x·W${transB ? 'ᵀ' : ''}${bias ? ' + b' : ''}`, fmt(fin)), `params = in·out${bias ? ' + out' : ''} = ${fin}·${fout}${bias ? ` + ${fout}` : ''} = ${fmt(params)}`], params };
    }
    case 'Softmax':
      return { title: node.opType, lines: [l10n.t('{0}: the scores become probabilities that sum to 1.', 'yᵢ = e^{xᵢ} / Σⱼ e^{xⱼ}')], params: figures?.params ?? null };
    case 'Flatten': case 'Reshape':
      return { title: node.opType, lines: [l10n.t('The same {0} values re-read as {1}; nothing is computed.', x ? fmt(x.reduce((a, b) => a * b, 1)) : '?', shape(y))], params: figures?.params ?? null };
  }
  return { title: node.opType, lines: [`${s.inputs.map(shape).join(', ')} → ${s.outputs.map(shape).join(', ')}`] };
}
