import type { Node } from '../ir/types';
import type { Analysis, QuantLayer, TensorInfo } from '../analysis/types';
import { displayShape, legendText } from '../analysis/aliases';
import { quantMark } from '../analysis/quantLayers';
import { DECLARED_MARK, DECLARED_NOTE } from '../common/shapeMarks';
import { formatShape } from '../analysis/dims';
import { readingOrder } from '../analysis/readingOrder';
import { visibleText } from '../common/visibleText';

/**
 * The rows of `convlens summary`'s table: nodes in reading order (analysis/readingOrder.ts), or,
 * with a depth, one row per scope at that depth (torchinfo's `depth`) with its nodes' params and
 * MACs summed and the output of its last node.
 */
export interface Row {
  layer: string;
  op: string;
  shape: string;
  /** null: cannot be counted (shown as ?). */
  params: number | null;
  macs: number | null;
  field: string;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** Jumps become fractions after upsampling; three decimals are plenty to read. */
function short(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(3)));
}

/** Keras and TF.js layers are named by their class alone; other non-default domains keep theirs. */
export function opName(n: Node): string {
  return n.domain && n.domain !== 'ai.onnx' && n.domain !== 'keras' ? `${n.domain}::${n.opType}` : n.opType;
}

function fieldText(t: TensorInfo | undefined): string {
  return t?.receptiveField ? `${t.receptiveField.join('×')} /${(t.stride ?? []).map(short).join('×')}` : '';
}

/** Nodes that compute something: those that only build constants (ConstantOfShape weights, shape
 * arithmetic) are folded away, and a quantised layer's (de)quantisers are in its row. */
function shown(a: Analysis): { node: Node; out: TensorInfo | undefined; layer?: QuantLayer }[] {
  const list: { node: Node; out: TensorInfo | undefined; layer?: QuantLayer }[] = [];
  const layers = new Map((a.quantLayers ?? []).map((l) => [l.anchor, l]));
  const members = new Set((a.quantLayers ?? []).flatMap((l) => l.members));
  for (const id of readingOrder(a)) {
    const node = a.nodeById.get(id);
    if (!node || members.has(id)) continue;
    const outs = node.outputs.filter((o) => o).map((o) => a.tensors.get(o));
    if (outs.length > 0 && outs.every((t) => t?.constant)) continue;
    list.push({ node, out: outs[0], layer: layers.get(id) });
  }
  return list;
}

/** A shape as the table prints it: long dim names by their aliases, a declared one marked (see tableNotes). */
export function shapeCell(a: Analysis, t: TensorInfo | undefined): string {
  const text = formatShape(displayShape(t?.shape ?? null, a.dimAliases));
  return t?.shapeSource === 'declared' ? `${text} ${DECLARED_MARK}` : text;
}

/** A node's figures; a quantised layer's are its anchor's and its members' together. */
function figures(a: Analysis, id: string, layer: QuantLayer | undefined): { params: number | null; macs: number | null } {
  let params: number | null = 0;
  let macs: number | null = 0;
  for (const m of [id, ...(layer?.members ?? [])]) {
    const f = a.nodes.get(m);
    params = sum(params, f ? f.params : 0);
    macs = sum(macs, f ? f.macs : 0);
  }
  return { params, macs };
}

export function tableRows(a: Analysis, depth?: number): Row[] {
  const rows: Row[] = [];
  const groups = new Map<string, { row: Row; count: number }>();
  for (const { node, out, layer } of shown(a)) {
    const op = layer ? `${layer.op} [${quantMark(layer)}]` : opName(node);
    const row: Row = { layer: visibleText(node.name || node.id), op: visibleText(op), shape: shapeCell(a, out), ...figures(a, node.id, layer), field: fieldText(out) };
    if (depth === undefined || node.scope.length < depth) {
      rows.push(row);
      continue;
    }
    const key = node.scope.slice(0, depth).join('/');
    const g = groups.get(key);
    if (!g) {
      const first = { row: { ...row }, count: 1 };
      groups.set(key, first);
      rows.push(first.row);
      continue;
    }
    // The group's row shows where it ends: the output and field of its last node.
    g.count++;
    Object.assign(g.row, { layer: visibleText(key || 'model'), op: `${g.count} nodes`, shape: row.shape, field: row.field, params: sum(g.row.params, row.params), macs: sum(g.row.macs, row.macs) });
  }
  return rows;
}

/** A group's figure is unknown when one of its nodes' is. */
function sum(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}

/** A figure: '?' when unknown, '–' when zero. */
function figure(n: number | null): string {
  if (n === null) return '?';
  return n ? int(n) : '–';
}

export function cells(r: Row): string[] {
  return [r.layer, r.op, r.shape, figure(r.params), figure(r.macs), r.field];
}

/** The lines under the table that explain its shapes: the dim aliases' legend, the declared mark's footnote. */
export function tableNotes(a: Analysis): string[] {
  const notes: string[] = [];
  const legend = legendText(a.dimAliases);
  if (legend) notes.push(`Dims: ${legend}`);
  const declared = shown(a).filter(({ out }) => out?.shapeSource === 'declared');
  if (declared.length) {
    const at = [...new Set(declared.map(({ out }) => out?.stoppedAt).filter((x): x is string => !!x))];
    const where = at.length ? ` (inference stopped at ${at.slice(0, 3).map((x) => `'${x}'`).join(', ')}${at.length > 3 ? ', …' : ''}; see the warnings)` : '';
    notes.push(`${DECLARED_MARK} ${DECLARED_NOTE}${where}`);
  }
  return notes;
}
