import type { Model } from '../ir/types';
import type { Analysis } from '../analysis/types';
import { markdownText as md } from '../common/markdownText';
import { cells, shapeCell, tableNotes, tableRows } from './rows';
import { totalsLines } from './summary';

/**
 * `convlens summary --markdown`: the same rows and totals as the table, as GitHub-flavoured Markdown for
 * a pull-request comment: inputs, outputs and totals in view, the layer table in a collapsible
 * <details>. Every name from the file goes through markdownText, so it stays text in the comment.
 */
export function summaryMarkdown(model: Model, a: Analysis, title: string, depth?: number): string {
  const rows = tableRows(a, depth).map(cells);
  const io = (kind: string, name: string) => {
    const t = a.tensors.get(name);
    return `| ${kind} | ${md(name)} | ${md(t?.dtype ?? '')} | ${md(shapeCell(a, t))} |`;
  };
  const out = [
    `### ConvLens summary: \`${title.replace(/`/g, "'")}\` (${md(model.format)}${model.producer ? `, ${md(model.producer)}` : ''})`,
    '',
    '| | tensor | dtype | shape |',
    '| --- | --- | --- | --- |',
    ...model.graph.inputs.map((v) => io('input', v.name)),
    ...model.graph.outputs.map((v) => io('output', v.name)),
    '',
    ...totalsLines(a).map((l) => `- ${md(l.trim())}`),
    '',
    `<details><summary>${rows.length} layers</summary>`,
    '',
    '| Layer | Op | Output shape | Params | MACs | Receptive field /stride |',
    '| --- | --- | --- | ---: | ---: | --- |',
    ...rows.map((r) => `| ${r.map(md).join(' | ')} |`),
    '',
    ...tableNotes(a).flatMap((l) => [md(l), '']),
    '</details>',
  ];
  if (a.warnings.length) {
    out.push('', `<details><summary>${a.warnings.length} warning${a.warnings.length === 1 ? '' : 's'}</summary>`, '');
    for (const w of a.warnings) out.push(`- ${md(`${w.node ? `${w.node}: ` : ''}${w.message} [${w.kind}]`)}`);
    out.push('', '</details>');
  }
  return `${out.join('\n')}\n`;
}
