import { sameScope, type DisplayGraph } from './displayGraph';

/**
 * The expanded scope groups as the layout wants them: each box's innermost expanded group (a
 * collapsed group's box belongs to the groups around it) and each group's parent, by index into
 * `keys`. Groups of one layer are not groups (DisplayGraph.groups leaves them out).
 */
export interface LayoutGroups {
  keys: string[];
  titles: string[];
  depth: Int32Array;
  groupOf: Int32Array;
  groupParent: Int32Array;
  maxDepth: number;
}

export function layoutGroups(display: DisplayGraph): LayoutGroups {
  const index = new Map<string, number>();
  const collapsed = new Set(display.nodes.filter((d) => d.kind === 'group').map((d) => d.scope.join('/')));
  const keys: string[] = [];
  const titles: string[] = [];
  const depth: number[] = [];
  const parent: number[] = [];
  for (const g of display.groups) {
    if (collapsed.has(g.key) || g.path.some((_, d) => collapsed.has(g.path.slice(0, d).join('/')))) continue;
    index.set(g.key, keys.length);
    keys.push(g.key);
    titles.push(g.title);
    depth.push(g.depth);
    let p = -1;
    for (let d = g.path.length - 1; d >= 1 && p < 0; d--) p = index.get(g.path.slice(0, d).join('/')) ?? -1;
    parent.push(p);
  }
  const groupOf = new Int32Array(display.nodes.length).fill(-1);
  // Boxes come in model order, so neighbours mostly share a scope: its group is looked up once.
  let lastScope: string[] = [];
  let lastGroup = -1;
  display.nodes.forEach((d, v) => {
    if (d.kind === 'input' || d.kind === 'output') return;
    const scope = d.kind === 'group' ? d.scope.slice(0, -1) : d.scope;
    if (!sameScope(scope, lastScope)) {
      lastScope = scope;
      lastGroup = -1;
      for (let k = scope.length; k >= 1 && lastGroup < 0; k--) lastGroup = index.get(scope.slice(0, k).join('/')) ?? -1;
    }
    groupOf[v] = lastGroup;
  });
  return { keys, titles, depth: Int32Array.from(depth), groupOf, groupParent: Int32Array.from(parent), maxDepth: depth.reduce((m, x) => Math.max(m, x), 0) };
}
