import type { ViewDiff, ViewDiffMark } from '../protocol/viewModel';
import type { ModelDiff } from './diff';
import { headline, layerNote } from './report';

/**
 * The marks one side of a comparison draws on its graph: on the old model, removed (red) and changed
 * (amber) layers; on the new one, added (green) and changed, each with its deltas. `against` names the
 * other side as the user knows it ('HEAD', a file name).
 */
export function diffMarks(d: ModelDiff, side: 'old' | 'new', against: string): ViewDiff {
  const marks: Record<string, ViewDiffMark> = {};
  for (const c of d.changed) marks[side === 'old' ? c.old.id : c.new.id] = { kind: 'changed', note: layerNote(c) };
  for (const r of d.receptiveFieldOnly) {
    const id = side === 'old' ? r.oldId : r.newId;
    marks[id] = { kind: 'changed', note: `RF ${r.before || 'none'} → ${r.after || 'none'}` };
  }
  if (side === 'new') for (const l of d.added) marks[l.id] = { kind: 'added', note: `added${l.params ? ` · ${l.params.toLocaleString('en-US')} params` : ''}` };
  else for (const l of d.removed) marks[l.id] = { kind: 'removed', note: `removed${l.params ? ` · ${l.params.toLocaleString('en-US')} params` : ''}` };
  const pairs: Record<string, string> = {};
  for (const p of d.pairs) pairs[side === 'old' ? p.old : p.new] = side === 'old' ? p.new : p.old;
  return { side, against, headline: headline(d), equivalent: d.equivalent, marks, pairs };
}
