import type { ViewGraph, ViewNode, ViewQuantLayer, ViewTensor, ViewWeight } from '../../../src/protocol/viewModel';
import { DECLARED_MARK } from '../../../src/common/shapeMarks';
import type { DisplayNode } from '../model/displayGraph';
import { formatBytes, formatCount, formatShape } from '../../common/format';
import { h, icon } from '../../common/dom';
import * as l10n from '@vscode/l10n';

/** The facts about one box, as DOM, shared by the hover tooltip (brief) and the details panel (full). */
/** `onWeight`: the details panel lists a layer's stored weights as buttons that open them. */
export function nodeInfo(g: ViewGraph, d: DisplayNode, hideBatch: boolean, full: boolean, onWeight?: (w: ViewWeight) => void): HTMLElement {
  const root = h('div', { class: 'cl-info' });
  const members = d.members.map((i) => g.nodes[i]);
  if (d.kind === 'input' || d.kind === 'output') {
    const t = g.tensors[d.name];
    root.append(h('div', { class: 'cl-info-title' }, `${d.kind === 'input' ? l10n.t('Input') : l10n.t('Output')} ${d.name}`));
    if (t) root.append(table([[l10n.t('shape'), formatShape(t.shape, false)], [l10n.t('dtype'), t.dtype], [l10n.t('size'), formatBytes(t.bytes)]]));
    return root;
  }
  if (d.kind === 'group') {
    root.append(h('div', { class: 'cl-info-title' }, l10n.t('Group {0}', d.title)));
    root.append(table([
      [l10n.t('layers'), String(members.length)],
      [l10n.t('inputs'), d.inTensors.map((t) => formatShape(g.tensors[t]?.shape, hideBatch)).join(', ') || '—'],
      [l10n.t('outputs'), d.outTensors.map((t) => formatShape(g.tensors[t]?.shape, hideBatch)).join(', ') || '—'],
      [l10n.t('params'), formatCount(d.params)],
      [l10n.t('MACs'), formatCount(d.macs)],
    ]));
    return root;
  }
  // A quantised layer's (de)quantisers are listed under it; layers folded into the box follow, each in full.
  const quant = new Map((g.quantLayers ?? []).map((l) => [l.anchor, l]));
  const inLayer = new Set((g.quantLayers ?? []).flatMap((l) => l.members));
  members.forEach((n, k) => {
    if (inLayer.has(n.id)) return;
    if (k > 0) root.append(h('div', { class: 'cl-info-folded' }, l10n.t('folded in:')));
    root.append(single(g, n, hideBatch, full, onWeight));
    const layer = quant.get(n.id);
    if (layer) root.append(quantInfo(layer));
  });
  return root;
}

/** A quantised layer's types and the nodes drawn inside its box. */
function quantInfo(l: ViewQuantLayer): HTMLElement {
  const box = h('div', { class: 'cl-info-quant' });
  const types = [l.weightDtype ? l10n.t('weights {0}', l.weightDtype) : '', l.activationDtype ? l10n.t('activations {0}', l.activationDtype) : ''].filter(Boolean).join(', ');
  box.append(h('div', { class: 'cl-info-head' }, types ? l10n.t('quantised {0}: {1}', l.op, types) : l10n.t('quantised {0}', l.op)));
  box.append(table(l.nodes.map((n): [string, string] => [n.op, n.name])));
  return box;
}

/** A shape's provenance, where it is not the analysis's own inference: '' when it is. */
export function shapeNote(g: ViewGraph, t: ViewTensor): string {
  const at = t.stoppedAt ? g.nodes.find((n) => n.id === t.stoppedAt) : undefined;
  const why = at ? g.warnings.find((w) => w.node === at.id)?.message : undefined;
  const stopped = at ? (why ? l10n.t('inference stopped at {0} ({1})', at.name, why) : l10n.t('inference stopped at {0}', at.name)) : '';
  if (t.shapeSource === 'declared') return `${DECLARED_MARK} ${stopped ? l10n.t('declared in the file, not inferred: {0}', stopped) : l10n.t('declared in the file, not inferred')}`;
  if (!t.shape && stopped) return l10n.t('unknown: {0}', stopped);
  return '';
}

/** The hover card of an edge: its tensor, and where its shape comes from. */
export function edgeInfo(g: ViewGraph, tensor: string, hideBatch: boolean): HTMLElement {
  const root = h('div', { class: 'cl-info' });
  const t = g.tensors[tensor];
  root.append(h('div', { class: 'cl-info-title' }, tensor));
  if (!t) return root;
  root.append(table([[l10n.t('shape'), formatShape(t.shape, hideBatch) + (t.shapeSource === 'declared' ? ` ${DECLARED_MARK}` : '')], [l10n.t('dtype'), t.dtype], [l10n.t('size'), formatBytes(t.bytes)]]));
  const note = shapeNote(g, t);
  if (note) root.append(h('div', { class: 'cl-info-declared' }, note));
  return root;
}

function single(g: ViewGraph, n: ViewNode, hideBatch: boolean, full: boolean, onWeight?: (w: ViewWeight) => void): HTMLElement {
  const box = h('div', { class: 'cl-info-node' });
  box.append(h('div', { class: 'cl-info-title' }, h('span', { class: `cl-fam-swatch cl-fam-bg-${n.family}` }), `${n.op}`, n.label ? h('span', { class: 'cl-info-label' }, ` ${n.label}`) : null));
  box.append(h('div', { class: 'cl-info-name' }, n.name + (n.scope.length ? `  (${n.scope.join('/')})` : '')));
  const data = (names: string[]) => names.filter((t) => t && g.tensors[t]).map((t) => formatShape(g.tensors[t].shape, hideBatch) + (g.tensors[t].shapeSource === 'declared' ? ` ${DECLARED_MARK}` : ''));
  const out = g.tensors[n.outputs[0] ?? ''];
  const rows: [string, string][] = [
    [l10n.t('inputs'), data(n.inputs).join(', ') || '—'],
    [l10n.t('outputs'), data(n.outputs).join(', ') || '—'],
    [l10n.t('params'), n.params === null ? '?' : n.params.toLocaleString('en-US')],
    [l10n.t('MACs'), n.macs === null ? '?' : n.macs.toLocaleString('en-US')],
  ];
  if (out?.receptiveField) rows.push([l10n.t('receptive field'), out.receptiveField.join('×')]);
  if (out?.stride) rows.push([l10n.t('jump'), out.stride.join('×')]);
  if (full) rows.push([l10n.t('activations'), formatBytes(n.activationBytes)]);
  box.append(table(rows));
  const attrs = Object.entries(n.attributes);
  if (attrs.length) {
    box.append(h('div', { class: 'cl-info-head' }, l10n.t('attributes')));
    box.append(table(full ? attrs : attrs.slice(0, 8)));
  }
  if (n.formulas.length) {
    box.append(h('div', { class: 'cl-info-head' }, l10n.t('output size')));
    for (const f of n.formulas) box.append(h('div', { class: 'cl-formula' }, f));
  }
  for (const w of n.warnings) box.append(h('div', { class: 'cl-warning' }, icon('warning'), ' ', w));
  for (const note of new Set(n.outputs.map((t) => (g.tensors[t] ? shapeNote(g, g.tensors[t]) : '')).filter(Boolean))) box.append(h('div', { class: 'cl-info-declared' }, note));
  if (full && onWeight && n.weights?.length) {
    box.append(h('div', { class: 'cl-info-head' }, l10n.t('weights')));
    box.append(h('div', { class: 'cl-weight-list' }, ...n.weights.map((w) => {
      const b = h('button', { class: 'cl-btn cl-text-btn cl-weight-link', title: l10n.t('Show the values of {0}', w.name), attrs: { type: 'button', 'data-tensor': w.name } },
        h('span', { class: 'cl-weight-role' }, w.role), ` ${w.dtype} ${w.dims.length ? w.dims.join('×') : l10n.t('scalar')}`);
      b.addEventListener('click', () => onWeight(w));
      return b;
    })));
  }
  if (full) {
    box.append(h('div', { class: 'cl-info-head' }, l10n.t('tensors')));
    box.append(table([...n.inputs.filter(Boolean).map((t) => [l10n.t('in {0}', t), tensorText(g, t)] as [string, string]), ...n.outputs.filter(Boolean).map((t) => [l10n.t('out {0}', t), tensorText(g, t)] as [string, string])]));
  }
  return box;
}

function tensorText(g: ViewGraph, t: string): string {
  const info = g.tensors[t];
  return info ? `${info.dtype} ${formatShape(info.shape, false)}${info.shapeSource === 'declared' ? ` ${DECLARED_MARK}` : ''}` : '';
}

function table(rows: [string, string][]): HTMLTableElement {
  return h('table', { class: 'cl-kv' }, ...rows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v))));
}
