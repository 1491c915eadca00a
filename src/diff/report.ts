import { markdownText as mdCell } from '../common/markdownText';
import type { ChangedLayer, Delta, FieldChange, LayerRef, ModelDiff } from './diff';

/**
 * A model diff as text: the terminal report (`convlens diff`) and GitHub-flavoured Markdown
 * (`--markdown`, for a pull-request comment). Both print the same facts in the same order.
 */

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const signed = (n: number) => `${n > 0 ? '+' : n < 0 ? '−' : '±'}${int(Math.abs(n))}`;

const FIELD_WORDS: Record<FieldChange['field'], string> = {
  op: 'op',
  attributes: 'attributes',
  activation: 'activation',
  outputShape: 'output',
  params: 'params',
  macs: 'MACs',
  receptiveField: 'receptive field',
  weightShapes: 'weights',
};

function change(c: FieldChange): string {
  const d = c.delta !== undefined ? ` (${signed(c.delta)})` : '';
  const v = (s: string) => (/^-?\d+$/.test(s) ? int(Number(s)) : s);
  return `${FIELD_WORDS[c.field]} ${v(c.before)} → ${v(c.after)}${d}`;
}

function totalLine(name: string, t: Delta): string {
  const v = (n: number | null) => (n === null ? '?' : int(n));
  const d = t.delta === null ? '' : t.delta === 0 ? ' (unchanged)' : ` (${signed(t.delta)}${t.before ? `, ${t.delta > 0 ? '+' : '−'}${Math.abs((100 * t.delta) / t.before).toFixed(1)}%` : ''})`;
  return `${name}: ${v(t.before)} → ${v(t.after)}${d}`;
}

function layerText(l: LayerRef): string {
  return `${l.name} (${l.op}) ${l.outputShape}${l.params ? `, ${int(l.params)} params` : ''}`;
}

function changedName(c: ChangedLayer): string {
  return c.old.name === c.new.name ? c.new.name : `${c.old.name} → ${c.new.name}`;
}

/** '36 later layers (layer2.0.conv1 51×51 → 35×35, … fc 195×195 → 179×179)': first and last. */
function rfOnly(d: ModelDiff): string {
  const r = d.receptiveFieldOnly;
  const one = (x: (typeof r)[number]) => `${x.name} ${x.before || 'none'} → ${x.after || 'none'}`;
  const n = r.length;
  return `${n} later layer${n === 1 ? '' : 's'} (${n <= 2 ? r.map(one).join(', ') : `${one(r[0])}, … ${one(r[n - 1])}`})`;
}

export function headline(d: ModelDiff): string {
  if (d.equivalent) return `equivalent: ${d.unchanged} layers match${d.renamed.length ? ` (${d.renamed.length} renamed)` : ''}`;
  const parts = [
    d.changed.length ? `${d.changed.length} changed` : '',
    d.added.length ? `${d.added.length} added` : '',
    d.removed.length ? `${d.removed.length} removed` : '',
  ].filter(Boolean);
  return `${parts.length ? parts.join(', ') : 'no layer changed'}; ${d.unchanged} unchanged${d.renamed.length ? ` (${d.renamed.length} renamed)` : ''}`;
}

export function diffText(d: ModelDiff, oldName: string, newName: string): string {
  const lines = [`${oldName} → ${newName}: ${headline(d)}`];
  if (d.crossFormat) lines.push(`formats differ: layers compared by kind, channels-first shapes${d.ignoredLayoutNodes ? `; ${d.ignoredLayoutNodes} layout-only nodes (Transpose, Identity, …) left out` : ''}`);
  for (const c of d.changed) lines.push(`~ ${changedName(c)} (${c.new.op}): ${c.changes.map(change).join('; ')}`);
  for (const l of d.added) lines.push(`+ ${layerText(l)}`);
  for (const l of d.removed) lines.push(`- ${layerText(l)}`);
  if (d.receptiveFieldOnly.length) lines.push(`~ receptive field of ${rfOnly(d)}`);
  for (const io of [...d.inputs.map((x) => ({ ...x, what: 'input' })), ...d.outputs.map((x) => ({ ...x, what: 'output' }))]) {
    const mark = io.kind === 'added' ? '+' : io.kind === 'removed' ? '-' : '~';
    lines.push(`${mark} ${io.what} ${io.name}: ${io.kind === 'changed' ? `${io.before} → ${io.after}` : (io.after ?? io.before)}`);
  }
  lines.push(totalLine('Params', d.totals.params), totalLine('MACs', d.totals.macs), totalLine('Activations (bytes)', d.totals.activationBytes), totalLine('Weights (bytes)', d.totals.weightBytes));
  for (const w of d.warnings.added) lines.push(`new warning: ${w}`);
  for (const w of d.warnings.resolved) lines.push(`resolved warning: ${w}`);
  return lines.join('\n');
}

export function diffMarkdown(d: ModelDiff, oldName: string, newName: string): string {
  const out = [`### ConvLens model diff: \`${mdCell(oldName)}\` → \`${mdCell(newName)}\``, '', `**${mdCell(headline(d))}**`, ''];
  if (d.crossFormat) out.push('_The formats differ: layers are compared by kind, with channels-first shapes._', '');
  out.push('| | before | after | change |', '| --- | ---: | ---: | ---: |');
  const row = (name: string, t: Delta) => `| ${name} | ${t.before === null ? '?' : int(t.before)} | ${t.after === null ? '?' : int(t.after)} | ${t.delta === null ? '?' : t.delta === 0 ? '0' : signed(t.delta)} |`;
  out.push(row('Params', d.totals.params), row('MACs', d.totals.macs), row('Activation bytes', d.totals.activationBytes), row('Weight bytes', d.totals.weightBytes), '');
  const layerRows: string[] = [];
  for (const c of d.changed) layerRows.push(`| changed | ${mdCell(changedName(c))} | ${mdCell(c.new.op)} | ${mdCell(c.changes.map(change).join('; '))} |`);
  for (const l of d.added) layerRows.push(`| added | ${mdCell(l.name)} | ${mdCell(l.op)} | ${mdCell(`${l.outputShape}${l.params ? `, ${int(l.params)} params` : ''}`)} |`);
  for (const l of d.removed) layerRows.push(`| removed | ${mdCell(l.name)} | ${mdCell(l.op)} | ${mdCell(`${l.outputShape}${l.params ? `, ${int(l.params)} params` : ''}`)} |`);
  if (d.receptiveFieldOnly.length) layerRows.push(`| receptive field | ${mdCell(rfOnly(d))} | | |`);
  for (const io of [...d.inputs.map((x) => ({ ...x, what: 'input' })), ...d.outputs.map((x) => ({ ...x, what: 'output' }))]) {
    layerRows.push(`| ${io.what} ${io.kind} | ${mdCell(io.name)} | | ${mdCell(io.kind === 'changed' ? `${io.before} → ${io.after}` : (io.after ?? io.before ?? ''))} |`);
  }
  if (layerRows.length) {
    out.push(`<details${layerRows.length <= 20 ? ' open' : ''}><summary>${layerRows.length} change${layerRows.length === 1 ? '' : 's'}</summary>`, '', '| | layer | op | what changed |', '| --- | --- | --- | --- |', ...layerRows, '', '</details>', '');
  }
  if (d.warnings.added.length || d.warnings.resolved.length) {
    for (const w of d.warnings.added) out.push(`- :warning: new: ${mdCell(w)}`);
    for (const w of d.warnings.resolved) out.push(`- resolved: ${mdCell(w)}`);
    out.push('');
  }
  return out.join('\n');
}

/** What a box in the graph says about its layer in a comparison: 'params +112 · MACs +27,648'. */
export function layerNote(c: ChangedLayer): string {
  // Deltas first: they are what fits on a box.
  const order = (x: FieldChange) => (x.delta !== undefined ? 0 : 1);
  const parts = [...c.changes].sort((a, b) => order(a) - order(b)).map((x) => {
    if (x.delta !== undefined) return `${FIELD_WORDS[x.field]} ${signed(x.delta)}`;
    if (x.field === 'outputShape') return `→ ${x.after}`;
    if (x.field === 'receptiveField') return `RF ${x.before || 'none'} → ${x.after || 'none'}`;
    return `${FIELD_WORDS[x.field]} changed`;
  });
  return parts.join(' · ');
}
