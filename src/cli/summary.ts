import type { Dim, Model, Shape, ValueInfo } from '../ir/types';
import type { Analysis, Totals } from '../analysis/types';
import type { WindowAxis } from '../analysis/window/geometry';
import { formatShape } from '../analysis/dims';
import { describeDims, type InputDim } from '../analysis/inputDims';
import { visibleText } from '../common/visibleText';
import { cells, shapeCell, tableNotes, tableRows } from './rows';
import { aliasLegend } from '../analysis/aliases';

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
  /** shapeSource 'declared': only the file's value_info gives the shape; stoppedAt: the node where
   * inference stopped (for a declared or unknown shape). Shapes are the canonical full form. */
  tensors: Record<string, { dtype: string; shape: Dim[] | null; shapeSource?: 'input' | 'inferred' | 'declared'; stoppedAt?: string; receptiveField: number[] | null; stride: number[] | null }>;
  /** Alias → full dim name, for the short names the table and the graph print ('d1' → 'p2o.DynamicDimension.1'). */
  dimAliases: Record<string, string>;
  /** Quantised layers: the node computing each, the float op it computes, and the nodes around it. */
  quantLayers: { anchor: string; op: string; members: string[]; weightDtype?: string; activationDtype?: string }[];
  warnings: { kind: string; node: string; message: string }[];
}

function io(a: Analysis, v: ValueInfo): { name: string; dtype: string; shape: Dim[] | null } {
  const t = a.tensors.get(v.name);
  return { name: v.name, dtype: t?.dtype && t.dtype !== 'undefined' ? t.dtype : v.dtype, shape: t?.shape ?? v.shape };
}

export function summaryJson(model: Model, a: Analysis): SummaryJson {
  const tensors: SummaryJson['tensors'] = {};
  for (const [name, t] of a.tensors) {
    tensors[name] = {
      dtype: t.dtype, shape: t.shape,
      ...(t.shapeSource ? { shapeSource: t.shapeSource } : {}),
      ...(t.stoppedAt ? { stoppedAt: t.stoppedAt } : {}),
      receptiveField: t.receptiveField, stride: t.stride,
    };
  }
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
    dimAliases: aliasLegend(a.dimAliases),
    quantLayers: (a.quantLayers ?? []).map((l) => ({ anchor: l.anchor, op: l.op, members: l.members, ...(l.weightDtype ? { weightDtype: l.weightDtype } : {}), ...(l.activationDtype ? { activationDtype: l.activationDtype } : {}) })),
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
  const { name, dtype } = io(a, v);
  const t = a.tensors.get(v.name);
  return `${name}: ${dtype} ${t ? shapeCell(a, t) : shapeText(v.shape)}`;
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
  // By the names the shapes use: the aliases the legend above spells out.
  return dims && dims.length > 0 ? ` at ${describeDims(dims.map((d) => ({ ...d, name: a.dimAliases?.get(d.name) ?? d.name })))}` : '';
}

/** Keras summary()'s three lines: total = trainable + non-trainable (statistics and frozen layers). */
function paramLines(a: Analysis): string[] {
  const t = a.totals;
  const buffers = t.buffers ?? 0;
  const frozen = t.nonTrainableParams - buffers;
  const why = [buffers ? 'BatchNorm running statistics' : '', frozen ? 'layers with trainable: false' : ''].filter(Boolean);
  const detail = why.length === 2 ? ` (${int(buffers)} ${why[0]}, ${int(frozen)} in ${why[1]})` : why.length === 1 ? ` (${why[0]})` : '';
  return [
    `Total params: ${int(t.trainableParams + t.nonTrainableParams)}${partialText(t, 'params')} (${t.weightBytes > 0 || t.params === 0 ? `${bytes(t.weightBytes)} of weights` : 'the file holds no weights'})`,
    `Trainable params: ${int(t.trainableParams)}`,
    `Non-trainable params: ${int(t.nonTrainableParams)}${detail}`,
  ];
}

/** What partial totals leave out, with the first few node ids. */
function partialNote(a: Analysis): string[] {
  const p = a.totals.partial;
  if (!p) return [];
  const ids = [...new Set([...p.params, ...p.macs])];
  const of = (n: number) => `${int(n)} node${n === 1 ? '' : 's'}`;
  const what = [p.params.length ? `the params of ${of(p.params.length)}` : '', p.macs.length ? `the MACs of ${of(p.macs.length)}` : ''].filter(Boolean).join(' and ');
  return [`Partial totals: ${what} cannot be counted and are left out (${ids.slice(0, 4).join(', ')}${ids.length > 4 ? ', …' : ''}; see the warnings)`];
}

export interface TableOptions {
  /** Group rows by scope at this depth (torchinfo's depth). */
  depth?: number;
}

/** The table in reading order (or grouped by scope), then the totals and the warnings. */
/** The totals under the table: params (total, trainable, non-trainable), MACs, activations, what is partial. */
export function totalsLines(a: Analysis): string[] {
  return [
    ...paramLines(a),
    ...sharingNote(a),
    `MACs: ${int(a.totals.macs)}${partialText(a.totals, 'macs')} (${human(a.totals.macs)})${atSizes(a)}`,
    `Activations: ${bytes(a.totals.activationBytes)} (all node outputs)${atSizes(a)}`,
    ...partialNote(a),
  ];
}

export function summaryTable(model: Model, a: Analysis, options: TableOptions = {}): string {
  const rows = tableRows(a, options.depth).map(cells);
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
    ...tableNotes(a),
    ...totalsLines(a),
  ];
  if (a.warnings.length > 0) {
    lines.push('', `Warnings (${a.warnings.length}):`);
    for (const w of a.warnings) lines.push(`  ${w.node ? `${w.node}: ` : ''}${w.message} [${w.kind}]`);
  }
  // Each line is one row: a control character or line break inside it came from the file.
  return lines.map(visibleText).join('\n');
}
