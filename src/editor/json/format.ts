import * as l10n from '@vscode/l10n';
import type { LayerInfo } from '../../formats/json/modelDocument';

/** Text for hovers and hints (plain functions, no vscode: words through @vscode/l10n, which the host configures with its bundle). */

export function compact(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} K`;
  return String(n);
}

export function hoverMarkdown(l: LayerInfo): string {
  const lines = [
    `**${l.node.name}** · \`${l.node.opType}\``,
    '',
    `| | |`,
    `|---|---|`,
    `| ${l10n.t('input')} | ${l.inputShapes.map((s) => `\`${s}\``).join(', ') || '—'} |`,
    `| ${l10n.t('output')} | \`${l.outputShape}\` |`,
    `| ${l10n.t('parameters')} | ${l.params.toLocaleString('en-US')} |`,
    `| ${l10n.t('MACs')} | ${l.macs.toLocaleString('en-US')} (${compact(l.macs)}) |`,
  ];
  if (l.receptiveField) lines.push(`| ${l10n.t('receptive field')} | ${l.receptiveField.join(' × ')} px |`);
  return lines.join('\n');
}

/** The inlay hint: '→ 112×112×64' (batch omitted). */
export function shapeHint(l: LayerInfo): string {
  const inner = l.outputShape.replace(/^\[|\]$/g, '').split(',').map((s) => s.trim());
  return `→ ${inner.slice(1).join('×') || inner.join('×')}`;
}
