import type { NodeFigures } from '../analysis/types';
import { windowAt } from '../analysis/window/formula';
import { axisNames } from '../analysis/window/geometry';
import type { NodeWindow } from '../analysis/window/geometry';
import type { AttrValue, Node } from '../ir/types';

/**
 * A layer explained from its real numbers, for Step mode. Every figure (formulas, the window an
 * output pixel reads, parameter counts) is the analysis's (src/analysis); this file only words it.
 */
export interface StepExplanation {
  title: string;
  /** Lines of plain text; formulas written out with the numbers filled in. */
  lines: string[];
  /** Learned parameters of this layer, as the analysis counts them (null: unknown). */
  params?: number | null;
  /** Conv and pooling: the window at the run's real sizes, to map an output pixel to its inputs. */
  window?: NodeWindow;
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
    const check = real === undefined ? '' : real === a.out ? ' ✓' : ` (runtime gave ${real})`;
    return `${a.formula}${check}`;
  });
  return { window, lines };
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
      const pads = window ? `, padding ${window.axes.map((a) => a.padBegin ?? '?').join(',')} / ${window.axes.map((a) => a.padEnd ?? '?').join(',')}` : '';
      const dil = window?.axes.some((a) => a.dilation !== 1) ? `, dilation ${window.axes.map((a) => a.dilation).join('×')}` : '';
      const lines = [
        `${cout} filters of ${k.join('×')} over ${cin} input channels${group > 1 ? ` in ${group} groups (${cinPerGroup} channels each${group === cin ? ': depthwise' : ''})` : ''}; stride ${window ? window.axes.map((a) => a.stride).join('×') : '?'}${pads}${dil}.`,
        ...formulas,
        hasBias
          ? `params = C_out·(C_in/group·${axisNames(k.length).map((a) => `k${a}`).join('·')} + 1) = ${cout}·(${cin}/${group}·${k.join('·')} + 1) = ${fmt(params)}`
          : `params = C_out·C_in/group·${axisNames(k.length).map((a) => `k${a}`).join('·')} = ${cout}·${cin}/${group}·${k.join('·')} = ${fmt(params)} (no bias)`,
        `Each output value is a weighted sum of ${fmt(cinPerGroup * kprod)} inputs${hasBias ? ' plus a bias' : ''}. Click an output pixel to see the input window it reads.`,
      ];
      return { title: `Convolution ${shape(x)} → ${shape(y)}`, lines, params, window };
    }
    case 'MaxPool': case 'AveragePool': case 'LpPool': {
      const { window, lines: formulas } = windowLines(figures, x ?? [], y, onnxAxes);
      if (!window || !x) break;
      const what = node.opType === 'MaxPool' ? 'largest value' : node.opType === 'AveragePool' ? 'mean' : 'Lp norm';
      return {
        title: `${node.opType} ${shape(x)} → ${shape(y)}`,
        lines: [`The ${what} of each ${window.axes.map((a) => a.kernel).join('×')} window, per channel (${x[1]} channels, no weights); stride ${window.axes.map((a) => a.stride).join('×')}.`, ...formulas],
        params: figures?.params ?? null,
        window,
      };
    }
    case 'GlobalAveragePool': case 'GlobalMaxPool':
      return { title: `${node.opType} ${shape(x)} → ${shape(y)}`, lines: [`Each of the ${x?.[1] ?? '?'} channels' ${x ? x.slice(2).join('×') : ''} map becomes one number (its ${node.opType === 'GlobalMaxPool' ? 'maximum' : 'mean'}).`], params: figures?.params ?? null };
    case 'Relu': case 'LeakyRelu': case 'Clip': case 'Sigmoid': case 'Tanh': case 'HardSwish': case 'HardSigmoid': case 'Elu': case 'Selu': {
      const f: Record<string, string> = { Relu: 'max(0, x)', LeakyRelu: `x if x > 0 else ${num(node.attributes.alpha, 0.01)}·x`, Clip: 'min(max(x, lo), hi)', Sigmoid: '1 / (1 + e^−x)', Tanh: 'tanh(x)', HardSwish: 'x·relu6(x + 3)/6', HardSigmoid: 'max(0, min(1, αx + β))', Elu: 'x if x > 0 else α(eˣ − 1)', Selu: 'γ(x if x > 0 else α(eˣ − 1))' };
      const lines = [`y = ${f[node.opType]}, element by element; the shape stays ${shape(y)}.`];
      if (s.outputZeros !== undefined) lines.push(`${(s.outputZeros * 100).toFixed(1)}% of this output is exactly zero.`);
      return { title: `${node.opType} activation`, lines, params: figures?.params ?? null };
    }
    case 'BatchNormalization': {
      // docs/figures.md: γ and β are parameters; the running μ and σ² are buffers, not parameters.
      const c = x?.[1];
      const params = figures?.params ?? null;
      return {
        title: `Batch normalisation ${shape(x)}`,
        lines: [
          'y = γ·(x − μ) / √(σ² + ε) + β, per channel, with the stored running mean μ and variance σ².',
          `params = 2·C = 2·${c ?? '?'} = ${fmt(params)} (γ and β, learned)`,
          `plus ${fmt(figures?.buffers)} running statistics μ and σ² (stored, not learned: not parameters)`,
        ],
        params,
      };
    }
    case 'Add': case 'Sum':
      return { title: `${node.opType} of ${s.inputs.length} tensors`, lines: [`Element-wise sum of ${s.inputs.map(shape).join(' + ')} → ${shape(y)}${s.inputs.length >= 2 ? ' (a skip connection when one input bypasses layers)' : ''}.`], params: figures?.params ?? null };
    case 'Concat': {
      const axis = num(node.attributes.axis, 1);
      const parts = s.inputs.map((d) => d[axis < 0 ? d.length + axis : axis]);
      return { title: `Concat along axis ${axis}`, lines: [`${parts.join(' + ')} = ${parts.reduce((a, b) => a + b, 0)} along axis ${axis} → ${shape(y)}.`], params: figures?.params ?? null };
    }
    case 'Gemm': case 'MatMul': {
      const w = weightDims[1];
      if (!w || w.length !== 2) break;
      const transB = num(node.attributes.transB, 0) === 1;
      const [fin, fout] = transB ? [w[1], w[0]] : w;
      const bias = node.opType === 'Gemm' && node.inputs.length > 2 && node.inputs[2] !== '';
      const params = figures?.params ?? null;
      return { title: `Fully connected ${fin} → ${fout}`, lines: [`y = x·W${transB ? 'ᵀ' : ''}${bias ? ' + b' : ''}: every output reads all ${fmt(fin)} inputs.`, `params = in·out${bias ? ' + out' : ''} = ${fin}·${fout}${bias ? ` + ${fout}` : ''} = ${fmt(params)}`], params };
    }
    case 'Softmax':
      return { title: 'Softmax', lines: ['yᵢ = e^{xᵢ} / Σⱼ e^{xⱼ}: the scores become probabilities that sum to 1.'], params: figures?.params ?? null };
    case 'Flatten': case 'Reshape':
      return { title: node.opType, lines: [`The same ${x ? fmt(x.reduce((a, b) => a * b, 1)) : '?'} values re-read as ${shape(y)}; nothing is computed.`], params: figures?.params ?? null };
  }
  return { title: node.opType, lines: [`${s.inputs.map(shape).join(', ')} → ${s.outputs.map(shape).join(', ')}`] };
}
