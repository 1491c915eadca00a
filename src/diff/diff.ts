import type { Model, ValueInfo } from '../ir/types';
import type { Analysis } from '../analysis/types';
import { formatShape } from '../analysis/dims';
import { diffLayers, layoutOnlyCount, type DiffLayer } from './layers';
import { matchLayers, type LayerPair } from './match';

/**
 * What changed between two versions of a model: layers added, removed and changed (with what changed
 * in each), graph inputs and outputs, totals before → after, and warnings that appeared or went away.
 * Every figure is the analysis's own; this module only compares. Plain data, so the CLI prints it,
 * `--json` writes it as is and the editor marks the graph from it.
 */
export interface LayerRef {
  id: string;
  /** The name a user reads (the node name, or its id when unnamed). */
  name: string;
  op: string;
  outputShape: string;
  params: number | null;
  macs: number | null;
}

export type LayerField = 'op' | 'attributes' | 'activation' | 'outputShape' | 'params' | 'macs' | 'receptiveField' | 'weightShapes';

export interface FieldChange {
  field: LayerField;
  before: string;
  after: string;
  /** after − before, for the numeric fields when both are known. */
  delta?: number;
}

export interface ChangedLayer {
  old: LayerRef;
  new: LayerRef;
  changes: FieldChange[];
}

export interface Delta {
  before: number | null;
  after: number | null;
  delta: number | null;
}

export interface IoChange {
  kind: 'added' | 'removed' | 'changed';
  name: string;
  before?: string;
  after?: string;
}

export interface ModelDiff {
  /** The models are in different formats (e.g. an ONNX export against its ConvLens JSON). */
  crossFormat: boolean;
  /** Nothing a reviewer would call a change: same layers, shapes, figures, inputs, outputs, warnings. */
  equivalent: boolean;
  unchanged: number;
  /** Matched, unchanged layers whose name differs (a re-export that renumbered them). */
  renamed: { old: string; new: string }[];
  added: LayerRef[];
  removed: LayerRef[];
  changed: ChangedLayer[];
  /** Layers whose only change is their receptive field: what a change upstream does to every later
   * layer. Listed apart so that the layers that changed themselves stand out. */
  receptiveFieldOnly: { name: string; oldId: string; newId: string; before: string; after: string }[];
  /** Every matched pair of layers (unchanged or changed), by node id: what a selection follows across. */
  pairs: { old: string; new: string }[];
  inputs: IoChange[];
  outputs: IoChange[];
  totals: { params: Delta; macs: Delta; activationBytes: Delta; weightBytes: Delta };
  warnings: { added: string[]; resolved: string[] };
  /** Layout-only nodes (Transpose, Identity, …) left out because the formats differ. */
  ignoredLayoutNodes: number;
  /** Node id → how it changed, for marking a graph: on the old model's ids and the new model's ids. */
  marks: { old: Record<string, 'removed' | 'changed'>; new: Record<string, 'added' | 'changed'> };
}

export interface DiffSide {
  model: Model;
  analysis: Analysis;
}

const label = (l: DiffLayer) => l.name || l.id;

function ref(l: DiffLayer): LayerRef {
  return { id: l.id, name: label(l), op: l.op, outputShape: l.outputShape, params: l.params, macs: l.macs };
}

function num(v: number | null): string {
  return v === null ? '?' : String(v);
}

function compareLayers(a: DiffLayer, b: DiffLayer, crossFormat: boolean): FieldChange[] {
  const out: FieldChange[] = [];
  const text = (field: LayerField, x: string, y: string) => {
    if (x !== y) out.push({ field, before: x, after: y });
  };
  const count = (field: LayerField, x: number | null, y: number | null) => {
    if (x !== y) out.push({ field, before: num(x), after: num(y), ...(x !== null && y !== null ? { delta: y - x } : {}) });
  };
  if (crossFormat) text('op', a.family, b.family);
  else text('op', a.op, b.op);
  if (!crossFormat) text('attributes', a.attrs.join(', '), b.attrs.join(', '));
  text('activation', a.activation || 'none', b.activation || 'none');
  text('outputShape', a.outputShape, b.outputShape);
  count('params', a.params, b.params);
  count('macs', a.macs, b.macs);
  // Across formats one side may not know the field (a lowering's layout Transposes end it).
  if (!crossFormat || (a.receptiveField && b.receptiveField)) text('receptiveField', a.receptiveField, b.receptiveField);
  const weightsKnown = !crossFormat || (a.weightShapes.length > 0 && b.weightShapes.length > 0);
  if (weightsKnown) text('weightShapes', a.weightShapes.join(', '), b.weightShapes.join(', '));
  return out;
}

function delta(a: number | null | undefined, b: number | null | undefined): Delta {
  const before = a ?? null;
  const after = b ?? null;
  return { before, after, delta: before !== null && after !== null ? after - before : null };
}

function ioText(a: Analysis, v: ValueInfo): string {
  const t = a.tensors.get(v.name);
  const dtype = t?.dtype && t.dtype !== 'undefined' ? t.dtype : v.dtype;
  return `${dtype} ${formatShape(t?.shape ?? v.shape)}`;
}

/** Inputs/outputs by name; when every name differs, by position (a re-export that renamed them). */
function compareIo(a: DiffSide, b: DiffSide, pick: (m: Model) => ValueInfo[]): IoChange[] {
  const va = pick(a.model);
  const vb = pick(b.model);
  const byName = new Map(vb.map((v) => [v.name, v]));
  const shared = va.some((v) => byName.has(v.name));
  const out: IoChange[] = [];
  if (!shared && va.length === vb.length) {
    va.forEach((v, i) => {
      const x = ioText(a.analysis, v);
      const y = ioText(b.analysis, vb[i]);
      if (x !== y) out.push({ kind: 'changed', name: v.name === vb[i].name ? v.name : `${v.name} → ${vb[i].name}`, before: x, after: y });
    });
    return out;
  }
  for (const v of va) {
    const w = byName.get(v.name);
    if (!w) out.push({ kind: 'removed', name: v.name, before: ioText(a.analysis, v) });
    else {
      const x = ioText(a.analysis, v);
      const y = ioText(b.analysis, w);
      if (x !== y) out.push({ kind: 'changed', name: v.name, before: x, after: y });
    }
  }
  const names = new Set(va.map((v) => v.name));
  for (const w of vb) if (!names.has(w.name)) out.push({ kind: 'added', name: w.name, after: ioText(b.analysis, w) });
  return out;
}

/** Warnings keyed so that the same warning on a matched (possibly renamed) layer is the same key. */
function warningKeys(side: DiffSide, pairOf: Map<string, number>): Map<string, string> {
  const keys = new Map<string, string>();
  for (const w of side.analysis.warnings) {
    const n = w.node ? side.analysis.nodeById.get(w.node) : undefined;
    let msg = w.message;
    if (w.node) msg = msg.split(w.node).join('#');
    if (n?.name) msg = msg.split(n.name).join('#');
    const where = w.node ? (pairOf.has(w.node) ? `pair${pairOf.get(w.node)}` : `node:${w.node}`) : 'model';
    keys.set(`${w.kind}|${where}|${msg}`, `${w.node ? `${n?.name || w.node}: ` : ''}${w.message} [${w.kind}]`);
  }
  return keys;
}

export function diffModels(before: DiffSide, after: DiffSide): ModelDiff {
  const crossFormat = (before.model.format === 'onnx') !== (after.model.format === 'onnx');
  const la = diffLayers(before.model, before.analysis, crossFormat);
  const lb = diffLayers(after.model, after.analysis, crossFormat);
  const ignoredLayoutNodes = crossFormat ? layoutOnlyCount(before.analysis) + layoutOnlyCount(after.analysis) : 0;
  const pairs: LayerPair[] = matchLayers(la, lb, crossFormat);
  const result: ModelDiff = {
    crossFormat,
    equivalent: false,
    unchanged: 0,
    renamed: [],
    added: [],
    removed: [],
    changed: [],
    receptiveFieldOnly: [],
    pairs: [],
    inputs: compareIo(before, after, (m) => m.graph.inputs),
    outputs: compareIo(before, after, (m) => m.graph.outputs),
    totals: {
      params: delta(before.analysis.totals.params, after.analysis.totals.params),
      macs: delta(before.analysis.totals.macs, after.analysis.totals.macs),
      activationBytes: delta(before.analysis.totals.activationBytes, after.analysis.totals.activationBytes),
      weightBytes: delta(before.analysis.totals.weightBytes, after.analysis.totals.weightBytes),
    },
    warnings: { added: [], resolved: [] },
    ignoredLayoutNodes,
    marks: { old: {}, new: {} },
  };
  const pairOfOld = new Map<string, number>();
  const pairOfNew = new Map<string, number>();
  pairs.forEach((p, i) => {
    if (p.old && p.new) {
      pairOfOld.set(p.old.id, i);
      pairOfNew.set(p.new.id, i);
      result.pairs.push({ old: p.old.id, new: p.new.id });
      const changes = compareLayers(p.old, p.new, crossFormat);
      if (changes.length === 0) {
        result.unchanged++;
        if (label(p.old) !== label(p.new)) result.renamed.push({ old: label(p.old), new: label(p.new) });
      } else if (changes.length === 1 && changes[0].field === 'receptiveField') {
        result.receptiveFieldOnly.push({ name: label(p.new), oldId: p.old.id, newId: p.new.id, before: changes[0].before, after: changes[0].after });
        result.marks.old[p.old.id] = 'changed';
        result.marks.new[p.new.id] = 'changed';
      } else {
        result.changed.push({ old: ref(p.old), new: ref(p.new), changes });
        result.marks.old[p.old.id] = 'changed';
        result.marks.new[p.new.id] = 'changed';
      }
    } else if (p.old) {
      result.removed.push(ref(p.old));
      result.marks.old[p.old.id] = 'removed';
    } else if (p.new) {
      result.added.push(ref(p.new));
      result.marks.new[p.new.id] = 'added';
    }
  });
  const wa = warningKeys(before, pairOfOld);
  const wb = warningKeys(after, pairOfNew);
  for (const [k, text] of wb) if (!wa.has(k)) result.warnings.added.push(text);
  for (const [k, text] of wa) if (!wb.has(k)) result.warnings.resolved.push(text);
  const t = result.totals;
  const totalsSame = t.params.delta === 0 && t.macs.delta === 0 && (crossFormat || (t.activationBytes.delta === 0 && t.weightBytes.delta === 0));
  result.equivalent = result.added.length === 0 && result.removed.length === 0 && result.changed.length === 0 && result.receptiveFieldOnly.length === 0
    && result.inputs.length === 0 && result.outputs.length === 0 && totalsSame
    && (crossFormat || (result.warnings.added.length === 0 && result.warnings.resolved.length === 0));
  return result;
}
