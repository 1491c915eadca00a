import type { Node } from '../ir/types';
import type { Analysis, QuantLayer, TensorInfo } from '../analysis/types';
import type { LayerGroup } from '../analysis/blocks/groups';
import { displayShape, legendText } from '../analysis/aliases';
import { quantMark } from '../analysis/quantLayers';
import { DECLARED_MARK, DECLARED_NOTE } from '../common/shapeMarks';
import { formatShape } from '../analysis/dims';
import { readingOrder } from '../analysis/readingOrder';
import { visibleText } from '../common/visibleText';

/**
 * The rows of `convlens summary`'s table: nodes in reading order (analysis/readingOrder.ts), or,
 * with a depth, one row per group at that depth (torchinfo's `depth`) of the analysis's group tree
 * (src/analysis/blocks: name scopes, or found residual blocks, Inception modules and stages), with
 * the group's own params, MACs and output.
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

/** Each node's innermost group's path in the analysis's one group tree (scopes or found blocks). */
function groupPaths(a: Analysis): Map<string, string[]> {
  const at = new Map<string, string[]>();
  for (const g of a.groups ?? []) {
    for (const id of g.nodes) if ((at.get(id)?.length ?? -1) < g.path.length) at.set(id, g.path);
  }
  return at;
}

export function tableRows(a: Analysis, depth?: number): Row[] {
  const rows: Row[] = [];
  const paths = depth === undefined ? new Map<string, string[]>() : groupPaths(a);
  const byKey = new Map((a.groups ?? []).map((g) => [g.key, g]));
  const open = new Map<string, { row: Row; count: number }>();
  for (const { node, out, layer } of shown(a)) {
    const op = layer ? `${layer.op} [${quantMark(layer)}]` : opName(node);
    const row: Row = { layer: visibleText(node.name || node.id), op: visibleText(op), shape: shapeCell(a, out), ...figures(a, node.id, layer), field: fieldText(out) };
    const path = paths.get(node.id) ?? [];
    const group = depth === undefined || path.length < depth ? undefined : byKey.get(path.slice(0, depth).join('/'));
    if (!group) {
      rows.push(row);
      continue;
    }
    let g = open.get(group.key);
    if (!g) {
      // The group's figures are the analysis's sums; its shape and field are those of what it writes.
      const outT = group.outputs.length ? a.tensors.get(group.outputs[group.outputs.length - 1]) : out;
      g = { row: { layer: visibleText(group.key), op: '', shape: shapeCell(a, outT), params: group.params, macs: group.macs, field: fieldText(outT) }, count: 0 };
      open.set(group.key, g);
      rows.push(g.row);
    }
    g.count++;
    g.row.op = groupOp(group, g.count);
  }
  return rows;
}

/** What a group row holds: a stage's repeat ('4 × bottleneck'), a found block's kind, a scope's node count. */
function groupOp(g: LayerGroup, count: number): string {
  if (g.repeat) return `${g.repeat.count} × ${g.repeat.of}`;
  const nodes = `${count} node${count === 1 ? '' : 's'}`;
  return g.kind === 'scope' || g.kind === 'stage' ? nodes : `${g.kind}, ${nodes}`;
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
