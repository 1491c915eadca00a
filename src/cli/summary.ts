import type { Dim, Model, Shape, ValueInfo } from '../ir/types';
import type { Analysis, Totals } from '../analysis/types';
import type { WindowAxis } from '../analysis/window/geometry';
import { formatShape } from '../analysis/dims';
import { describeDims, type InputDim } from '../analysis/inputDims';
import { visibleText } from '../common/visibleText';

/** `convlens summary`: the JSON report and the torchinfo-like table, both from IR + Analysis. */

export interface SummaryJson {
  format: Model['format'];
  producer: string;
  inputs: { name: string; dtype: string; shape: Dim[] | null }[];
  outputs: { name: string; dtype: string; shape: Dim[] | null }[];
  totals: {
    params: number; macs: number; activationBytes: number; weightBytes: number; buffers: number;
    trainableParams: number; nonTrainableParams: number; partial?: { params: string[]; macs: string[] };
    sharedWeights?: number; sharedLayers?: number; evaluatedAt?: InputDim[];
  };
  /** params/macs null: unknown (a warning names the node). window: conv and pooling, per spatial
   * axis the formula the views show and the numbers it is built from. */
  nodes: {
    id: string; name: string; op: string; domain: string; inputs: string[]; outputs: string[];
    params: number | null; macs: number | null; activationBytes: number;
    window?: { kind: 'window' | 'transposed'; mode: string; axes: WindowAxis[] };
  }[];
  tensors: Record<string, { dtype: string; shape: Dim[] | null; receptiveField: number[] | null; stride: number[] | null }>;
  warnings: { kind: string; node: string; message: string }[];
}

function io(a: Analysis, v: ValueInfo): { name: string; dtype: string; shape: Dim[] | null } {
  const t = a.tensors.get(v.name);
  return { name: v.name, dtype: t?.dtype && t.dtype !== 'undefined' ? t.dtype : v.dtype, shape: t?.shape ?? v.shape };
}

export function summaryJson(model: Model, a: Analysis): SummaryJson {
  const tensors: SummaryJson['tensors'] = {};
  for (const [name, t] of a.tensors) tensors[name] = { dtype: t.dtype, shape: t.shape, receptiveField: t.receptiveField, stride: t.stride };
  return {
    format: model.format,
    producer: [model.producer, model.producerVersion].filter(Boolean).join(' '),
    inputs: model.graph.inputs.map((v) => io(a, v)),
    outputs: model.graph.outputs.map((v) => io(a, v)),
    totals: { ...a.totals, buffers: a.totals.buffers ?? 0 },
    nodes: a.order.map((id) => {
      const n = a.nodeById.get(id);
      const f = a.nodes.get(id);
      const w = f?.window;
      return {
        id,
        name: n?.name || id,
        op: n?.opType ?? '',
        domain: n?.domain ?? '',
        inputs: n?.inputs ?? [],
        outputs: n?.outputs ?? [],
        params: f ? f.params : null,
        macs: f ? f.macs : null,
        activationBytes: f?.activationBytes ?? 0,
        ...(w ? { window: { kind: w.kind, mode: w.mode, axes: w.axes } } : {}),
      };
    }),
    tensors,
    warnings: a.warnings.map((w) => ({ kind: w.kind, node: w.node, message: w.message })),
  };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');

function human(n: number, unit = ''): string {
  const steps: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [v, s] of steps) if (n >= v) return `${(n / v).toFixed(2)} ${s}${unit}`;
  return `${n} ${unit}`.trim();
}

function bytes(n: number): string {
  const steps: [number, string][] = [[2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']];
  for (const [v, s] of steps) if (n >= v) return `${(n / v).toFixed(2)} ${s}`;
  return `${n} B`;
}

/** Jumps become fractions after upsampling; three decimals are plenty to read. */
function short(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(3)));
}

function shapeText(s: Shape | null): string {
  return formatShape(s);
}

function ioText(a: Analysis, v: ValueInfo): string {
  const { name, dtype, shape } = io(a, v);
  return `${name}: ${dtype} ${shapeText(shape)}`;
}

/** A node's figure: '?' when unknown, '–' when zero. */
function figure(n: number | null | undefined): string {
  if (n === null) return '?';
  return n ? int(n) : '–';
}

/** ' + ? (3 nodes unknown)' when the total leaves nodes out (Totals.partial). */
function partialText(t: Totals, which: 'params' | 'macs'): string {
  const n = t.partial?.[which].length ?? 0;
  return n ? ` + ? (${int(n)} node${n === 1 ? '' : 's'} unknown)` : '';
}

/** Why the Params column can add up to more than the total: weights read by several nodes. */
function sharingNote(a: Analysis): string[] {
  const tensors = a.totals.sharedWeights ?? 0;
  const layers = a.totals.sharedLayers ?? 0;
  if (tensors === 0 && layers === 0) return [];
  let column = 0;
  for (const f of a.nodes.values()) column += f.params ?? 0;
  const what = [
    tensors ? `${int(tensors)} weight tensor${tensors === 1 ? '' : 's'}` : '',
    layers ? `the weights of ${int(layers)} layer${layers === 1 ? '' : 's'} called more than once` : '',
  ].filter(Boolean).join(' and ');
  return [`        ${what} ${tensors === 1 && layers === 0 ? 'is' : 'are'} shared by several nodes: counted once in the total, in each node's row (the Params column sums to ${int(column)})`];
}

/** Where figures depend on symbolic input dims: the sizes they were computed at. */
function atSizes(a: Analysis): string {
  const dims = a.totals.evaluatedAt;
  return dims && dims.length > 0 ? ` at ${describeDims(dims)}` : '';
}

/** Rows for nodes that compute something (constant-building nodes such as ConstantOfShape are folded away). */
export function summaryTable(model: Model, a: Analysis): string {
  const rows: string[][] = [];
  for (const id of a.order) {
    const n = a.nodeById.get(id);
    if (!n) continue;
    const outs = n.outputs.filter((o) => o).map((o) => a.tensors.get(o));
    // Nodes that only build constants (weights via ConstantOfShape, shape arithmetic) are folded away.
    if (outs.length > 0 && outs.every((t) => t?.constant)) continue;
    const f = a.nodes.get(id);
    const t = outs[0];
    rows.push([
      visibleText(n.name || id),
      visibleText(n.domain && n.domain !== 'ai.onnx' ? `${n.domain}::${n.opType}` : n.opType),
      shapeText(t?.shape ?? null),
      figure(f?.params),
      figure(f?.macs),
      t?.receptiveField ? `${t.receptiveField.join('×')} /${(t.stride ?? []).map(short).join('×')}` : '',
    ]);
  }
  const head = ['Layer', 'Op', 'Output shape', 'Params', 'MACs', 'Receptive field /stride'];
  const widths = head.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => r[i].length))));
  const fmt = (r: string[]) =>
    r.map((c, i) => {
      const cell = c.length > widths[i] ? `…${c.slice(c.length - widths[i] + 1)}` : c;
      return i === 3 || i === 4 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]);
    }).join('  ').trimEnd();
  const rule = '─'.repeat(widths.reduce((s, w) => s + w + 2, -2));
  const lines = [
    `${model.path ?? 'model'} (${model.format}${model.producer ? `, ${model.producer}${model.producerVersion ? ` ${model.producerVersion}` : ''}` : ''})`,
    ...model.graph.inputs.map((v) => `input  ${ioText(a, v)}`),
    ...model.graph.outputs.map((v) => `output ${ioText(a, v)}`),
    rule, fmt(head), rule, ...rows.map(fmt), rule,
    `Params: ${int(a.totals.params)}${partialText(a.totals, 'params')} (${bytes(a.totals.weightBytes)} of weights${a.totals.buffers ? `, plus ${int(a.totals.buffers)} BatchNorm running statistics` : ''})`,
    ...sharingNote(a),
    `MACs: ${int(a.totals.macs)}${partialText(a.totals, 'macs')} (${human(a.totals.macs)})${atSizes(a)}`,
    `Activations: ${bytes(a.totals.activationBytes)} (all node outputs)${atSizes(a)}`,
  ];
  if (a.warnings.length > 0) {
    lines.push('', `Warnings (${a.warnings.length}):`);
    for (const w of a.warnings) lines.push(`  ${w.node ? `${w.node}: ` : ''}${w.message} [${w.kind}]`);
  }
  // Each line is one row: a control character or line break inside it came from the file.
  return lines.map(visibleText).join('\n');
}
