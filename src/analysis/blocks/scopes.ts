import type { Dataflow } from './dataflow';
import type { Refusal } from './regions';

/**
 * Groups from the scopes in node names ('/layer1/layer1.0/conv1/Conv'), kept where they read as a
 * block: one tensor goes in (single entry) and no path leaves the group and comes back (convex).
 * tf2onnx's scopes often are neither (a scope that collects shape arithmetic from all over the
 * graph); such a scope is dropped, its nodes stay in the nearest scope around it that is kept.
 */
export interface ScopeGroup {
  key: string;
  /** The key's part below the nearest kept scope around it ('layer1.0', or 'a/b' where 'a' was dropped). */
  segment: string;
  parent: string | null;
  members: number[];
}

export function scopeGroups(flow: Dataflow): { groups: ScopeGroup[]; refused: Refusal[] } {
  const members = new Map<string, number[]>();
  flow.nodes.forEach((node, v) => {
    let key = '';
    for (const part of node.scope) {
      key = key ? `${key}/${part}` : part;
      const list = members.get(key);
      if (list) list.push(v);
      else members.set(key, [v]);
    }
  });
  const refused: Refusal[] = [];
  const kept = new Map<string, ScopeGroup>();
  // Outer scopes first: a key's parent prefix is decided before the key.
  const depth = (k: string): number => {
    let d = 1;
    for (let i = k.indexOf('/'); i >= 0; i = k.indexOf('/', i + 1)) d++;
    return d;
  };
  const keys = [...members.keys()].map((k) => ({ k, d: depth(k) })).sort((a, b) => a.d - b.d).map((e) => e.k);
  for (const key of keys) {
    const list = members.get(key)!;
    const parentKey = keptAround(key, kept);
    const around = parentKey === null ? flow.size : kept.get(parentKey)!.members.length;
    // One layer is not a group, and a scope holding everything its parent holds says nothing new.
    if (list.length < 2 || list.length >= around) continue;
    const why = entryProblem(flow, list) ?? convexProblem(flow, list);
    if (why) {
      refused.push({ at: key, reason: `scope ${key}: ${why}` });
      continue;
    }
    kept.set(key, { key, segment: parentKey === null ? key : key.slice(parentKey.length + 1), parent: parentKey, members: list });
  }
  return { groups: [...kept.values()], refused };
}

function keptAround(key: string, kept: Map<string, ScopeGroup>): string | null {
  for (let cut = key.lastIndexOf('/'); cut > 0; cut = key.lastIndexOf('/', cut - 1)) {
    const p = key.slice(0, cut);
    if (kept.has(p)) return p;
  }
  return null;
}

function entryProblem(flow: Dataflow, list: number[]): string | null {
  const inside = new Set(list);
  const entering = new Set<string>();
  for (const v of list) {
    for (const t of flow.reads[v]) {
      const p = flow.producer.get(t);
      if (p === undefined || !inside.has(p)) entering.add(t);
    }
  }
  return entering.size > 1 ? `${entering.size} tensors enter it (${[...entering].slice(0, 3).join(', ')}${entering.size > 3 ? ', …' : ''})` : null;
}

/** A path that leaves the group and comes back, said as a phrase; null when there is none. */
function convexProblem(flow: Dataflow, list: number[]): string | null {
  const inside = new Set(list);
  const lo = list[0];
  const hi = list[list.length - 1];
  // Outside nodes between the group's first and last member that a member reaches.
  const reached = new Uint8Array(hi - lo + 1);
  for (let v = lo; v <= hi; v++) {
    const ps = flow.preds[v];
    if (inside.has(v)) {
      const back = ps.find((p) => p >= lo && !inside.has(p) && reached[p - lo]);
      if (back !== undefined) return `${flow.ids[back]} lies outside it, between its nodes (it reads the group and ${flow.ids[v]} reads it)`;
    } else if (ps.some((p) => p >= lo && (inside.has(p) || reached[p - lo]))) reached[v - lo] = 1;
  }
  return null;
}
