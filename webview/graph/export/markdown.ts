import type { ViewGraph } from '../../../src/protocol/viewModel';
import { formatBytes, formatShape } from '../../common/format';
import { describeDims } from '../../../src/analysis/inputDims';
import { markdownText } from '../../../src/common/markdownText';
import { DECLARED_MARK, DECLARED_NOTE } from '../../../src/common/shapeMarks';

/** A Markdown summary: the model's header facts, then one table row per layer in reading order. */
export function toMarkdown(g: ViewGraph, hideBatch: boolean): string {
  const cell = markdownText;
  const n = (v: number | null): string => (v === null ? '?' : v.toLocaleString('en-US'));
  const total = (v: number, unknown: number | undefined): string => `${n(v)}${unknown ? ` + ? (${unknown} nodes unknown)` : ''}`;
  const lines = [
    `# ${cell(g.title)}`,
    '',
    `- Format: ${g.format.toUpperCase()}${g.producer ? ` (${cell(g.producer)})` : ''}`,
    `- Opsets: ${Object.entries(g.opsets).map(([d, v]) => `${cell(d || 'ai.onnx')} ${v}`).join(', ') || '—'}`,
    `- Inputs: ${g.inputs.map((t) => `${cell(t.name)} ${cell(formatShape(t.shape, false))}`).join(', ') || '—'}`,
    `- Outputs: ${g.outputs.map((t) => `${cell(t.name)} ${cell(formatShape(t.shape, false))}`).join(', ') || '—'}`,
    `- Parameters: ${total(g.totals.params, g.totals.partial?.params.length)}; MACs: ${total(g.totals.macs, g.totals.partial?.macs.length)}${g.totals.evaluatedAt?.length ? ` at ${cell(describeDims(g.totals.evaluatedAt))}` : ''}; weights: ${formatBytes(g.totals.weightBytes)}`,
    `- Warnings: ${g.warnings.length}`,
    // The shapes below write long dim names by their aliases; the legend goes with them.
    ...(g.dimLegend && Object.keys(g.dimLegend).length ? [`- Dims: ${cell(Object.entries(g.dimLegend).map(([alias, name]) => `${alias} = ${name}`).join(', '))}`] : []),
    '',
    '| # | Layer | Op | Attributes | Output shape | Params | MACs | Receptive field |',
    '| ---: | --- | --- | --- | --- | ---: | ---: | --- |',
  ];
  // Rows in the view's reading order (a branch finished before the next), as `convlens summary` prints them.
  const order = g.readingOrder?.length === g.nodes.length ? g.readingOrder : g.nodes.map((_, i) => i);
  order.forEach((k, i) => {
    const node = g.nodes[k];
    const out = g.tensors[node.outputs[0] ?? ''];
    lines.push(`| ${i + 1} | ${cell(node.name)} | ${cell(node.op)} | ${cell(node.label)} | ${cell(formatShape(out?.shape, hideBatch) + (out?.shapeSource === 'declared' ? ` ${DECLARED_MARK}` : ''))} | ${n(node.params)} | ${n(node.macs)} | ${out?.receptiveField?.join('×') ?? ''} |`);
  });
  if (g.nodes.some((node) => g.tensors[node.outputs[0] ?? '']?.shapeSource === 'declared')) lines.push('', `${DECLARED_MARK} ${DECLARED_NOTE}`);
  return lines.join('\n') + '\n';
}
