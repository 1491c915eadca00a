import type { AttrValue, Node } from '../ir/types';
import { outputSize, samePads, type WindowGeometry } from './window';

/** A layer explained from its real numbers, for Step mode. */
export interface StepExplanation {
  title: string;
  /** Lines of plain text; formulas written out with the numbers filled in. */
  lines: string[];
  /** Learned parameters of this layer (when it has weights). */
  params?: number;
  /** Present for convolutions and pooling: maps an output pixel to its input window. */
  window?: WindowGeometry;
}

export interface StepShapes {
  inputs: number[][];
  outputs: number[][];
  /** Fraction of zeros in the first output (activations). */
  outputZeros?: number;
}

function ints(v: AttrValue | undefined): number[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined;
}
function str(v: AttrValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function num(v: AttrValue | undefined, dflt: number): number {
  return typeof v === 'number' ? v : dflt;
}
const fmt = (n: number) => n.toLocaleString('en-US');
const shape = (d: number[] | undefined) => (d ? `[${d.join(', ')}]` : '?');

/** Window geometry of a Conv/ConvTranspose-free sliding-window op from its attributes and real input size. */
export function windowOf(node: Node, inputSpatial: number[], kernel: number[]): WindowGeometry & { ceil: boolean } {
  const n = inputSpatial.length;
  const strides = ints(node.attributes.strides) ?? new Array(n).fill(1);
  const dilations = ints(node.attributes.dilations) ?? new Array(n).fill(1);
  const autoPad = str(node.attributes.auto_pad) ?? 'NOTSET';
  let padsBegin: number[], padsEnd: number[];
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const p = inputSpatial.map((x, i) => samePads(x, kernel[i], strides[i], dilations[i], autoPad === 'SAME_LOWER'));
    padsBegin = p.map((q) => q[0]);
    padsEnd = p.map((q) => q[1]);
  } else {
    const pads = ints(node.attributes.pads) ?? new Array(2 * n).fill(0);
    padsBegin = pads.slice(0, n);
    padsEnd = pads.slice(n, 2 * n);
  }
  return { kernel, strides, padsBegin, padsEnd, dilations, ceil: num(node.attributes.ceil_mode, 0) === 1 };
}

function formulaLines(g: WindowGeometry & { ceil: boolean }, inputSpatial: number[], outputSpatial: number[] | undefined): string[] {
  const axes = inputSpatial.length === 2 ? ['H', 'W'] : inputSpatial.map((_, i) => `D${i}`);
  const [lb, rb] = g.ceil ? ['⌈', '⌉'] : ['⌊', '⌋'];
  return inputSpatial.map((inp, i) => {
    const k = g.kernel[i], s = g.strides[i], d = g.dilations[i], pb = g.padsBegin[i], pe = g.padsEnd[i];
    const out = outputSize(inp, k, s, pb, pe, d, g.ceil);
    const real = outputSpatial?.[i];
    const check = real === undefined ? '' : real === out ? ' ✓' : ` (runtime gave ${real})`;
    return `${axes[i]}_out = ${lb}(${axes[i]}_in + pad_begin + pad_end − dilation·(k−1) − 1) / stride${rb} + 1 = ${lb}(${inp} + ${pb} + ${pe} − ${d}·${k - 1} − 1) / ${s}${rb} + 1 = ${out}${check}`;
  });
}

/** Explains `node` with its real input/output shapes and weight shapes. */
export function explainNode(node: Node, s: StepShapes, weightDims: (number[] | undefined)[]): StepExplanation {
  const x = s.inputs[0];
  const y = s.outputs[0];
  switch (node.opType) {
    case 'Conv': {
      const w = weightDims[1];
      if (!w || !x) break;
      const group = num(node.attributes.group, 1);
      const [cout, cinPerGroup, ...k] = w;
      const cin = cinPerGroup * group;
      const g = windowOf(node, x.slice(2), k);
      const hasBias = node.inputs.length > 2 && node.inputs[2] !== '';
      const kprod = k.reduce((a, b) => a * b, 1);
      const params = cout * (cinPerGroup * kprod + (hasBias ? 1 : 0));
      const lines = [
        `${cout} filters of ${k.join('×')} over ${cin} input channels${group > 1 ? ` in ${group} groups (${cinPerGroup} channels each${group === cin ? ': depthwise' : ''})` : ''}; stride ${g.strides.join('×')}, padding ${g.padsBegin.join(',')} / ${g.padsEnd.join(',')}${g.dilations.some((d) => d !== 1) ? `, dilation ${g.dilations.join('×')}` : ''}.`,
        ...formulaLines(g, x.slice(2), y?.slice(2)),
        hasBias
          ? `params = C_out·(C_in/group·kH·kW + 1) = ${cout}·(${cin}/${group}·${k.join('·')} + 1) = ${fmt(params)}`
          : `params = C_out·C_in/group·kH·kW = ${cout}·${cin}/${group}·${k.join('·')} = ${fmt(params)} (no bias)`,
        `Each output value is a weighted sum of ${fmt(cinPerGroup * kprod)} inputs${hasBias ? ' plus a bias' : ''}. Click an output pixel to see the input window it reads.`,
      ];
      return { title: `Convolution ${shape(x)} → ${shape(y)}`, lines, params, window: g };
    }
    case 'MaxPool': case 'AveragePool': case 'LpPool': {
      const k = ints(node.attributes.kernel_shape);
      if (!k || !x) break;
      const g = windowOf(node, x.slice(2), k);
      const what = node.opType === 'MaxPool' ? 'largest value' : node.opType === 'AveragePool' ? 'mean' : 'Lp norm';
      return {
        title: `${node.opType} ${shape(x)} → ${shape(y)}`,
        lines: [`The ${what} of each ${k.join('×')} window, per channel (${x[1]} channels, no weights); stride ${g.strides.join('×')}.`, ...formulaLines(g, x.slice(2), y?.slice(2))],
        params: 0,
        window: g,
      };
    }
    case 'GlobalAveragePool': case 'GlobalMaxPool':
      return { title: `${node.opType} ${shape(x)} → ${shape(y)}`, lines: [`Each of the ${x?.[1] ?? '?'} channels' ${x ? x.slice(2).join('×') : ''} map becomes one number (its ${node.opType === 'GlobalMaxPool' ? 'maximum' : 'mean'}).`], params: 0 };
    case 'Relu': case 'LeakyRelu': case 'Clip': case 'Sigmoid': case 'Tanh': case 'HardSwish': case 'HardSigmoid': case 'Elu': case 'Selu': {
      const f: Record<string, string> = { Relu: 'max(0, x)', LeakyRelu: `x if x > 0 else ${num(node.attributes.alpha, 0.01)}·x`, Clip: 'min(max(x, lo), hi)', Sigmoid: '1 / (1 + e^−x)', Tanh: 'tanh(x)', HardSwish: 'x·relu6(x + 3)/6', HardSigmoid: 'max(0, min(1, αx + β))', Elu: 'x if x > 0 else α(eˣ − 1)', Selu: 'γ(x if x > 0 else α(eˣ − 1))' };
      const lines = [`y = ${f[node.opType]}, element by element; the shape stays ${shape(y)}.`];
      if (s.outputZeros !== undefined) lines.push(`${(s.outputZeros * 100).toFixed(1)}% of this output is exactly zero.`);
      return { title: `${node.opType} activation`, lines, params: 0 };
    }
    case 'BatchNormalization': {
      const c = x?.[1];
      return { title: `Batch normalisation ${shape(x)}`, lines: ['y = γ·(x − μ) / √(σ² + ε) + β, per channel, with the stored running mean μ and variance σ².', `params = 4·C = 4·${c} = ${c ? fmt(4 * c) : '?'} (γ and β learned; μ and σ² running statistics)`], params: c ? 4 * c : undefined };
    }
    case 'Add': case 'Sum':
      return { title: `${node.opType} of ${s.inputs.length} tensors`, lines: [`Element-wise sum of ${s.inputs.map(shape).join(' + ')} → ${shape(y)}${s.inputs.length >= 2 ? ' (a skip connection when one input bypasses layers)' : ''}.`], params: 0 };
    case 'Concat': {
      const axis = num(node.attributes.axis, 1);
      const parts = s.inputs.map((d) => d[axis < 0 ? d.length + axis : axis]);
      return { title: `Concat along axis ${axis}`, lines: [`${parts.join(' + ')} = ${parts.reduce((a, b) => a + b, 0)} along axis ${axis} → ${shape(y)}.`], params: 0 };
    }
    case 'Gemm': case 'MatMul': {
      const w = weightDims[1];
      if (!w || w.length !== 2) break;
      const transB = num(node.attributes.transB, 0) === 1;
      const [fin, fout] = transB ? [w[1], w[0]] : w;
      const bias = node.opType === 'Gemm' && node.inputs.length > 2 && node.inputs[2] !== '';
      const params = fin * fout + (bias ? fout : 0);
      return { title: `Fully connected ${fin} → ${fout}`, lines: [`y = x·W${transB ? 'ᵀ' : ''}${bias ? ' + b' : ''}: every output reads all ${fmt(fin)} inputs.`, `params = in·out${bias ? ' + out' : ''} = ${fin}·${fout}${bias ? ` + ${fout}` : ''} = ${fmt(params)}`], params };
    }
    case 'Softmax':
      return { title: 'Softmax', lines: ['yᵢ = e^{xᵢ} / Σⱼ e^{xⱼ}: the scores become probabilities that sum to 1.'], params: 0 };
    case 'Flatten': case 'Reshape':
      return { title: node.opType, lines: [`The same ${x ? fmt(x.reduce((a, b) => a * b, 1)) : '?'} values re-read as ${shape(y)}; nothing is computed.`], params: 0 };
  }
  return { title: node.opType, lines: [`${s.inputs.map(shape).join(', ')} → ${s.outputs.map(shape).join(', ')}`] };
}
