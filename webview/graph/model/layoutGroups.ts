import type { DisplayGraph } from './displayGraph';
import { ScopeTrie } from './scopeTrie';

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
  const trie = new ScopeTrie<number>();
  display.groups.forEach((g) => {
    const at = index.get(g.key);
    if (at !== undefined) trie.walk(g.path, true).at(-1)!.value = at;
  });
  for (let v = 0; v < display.nodes.length; v++) {
    const d = display.nodes[v];
    if (d.kind === 'input' || d.kind === 'output') continue;
    // A collapsed group's box belongs to the groups around it.
    const chain = trie.walk(d.kind === 'group' ? d.scope.slice(0, -1) : d.scope, false);
    let k = chain.length - 1;
    while (k >= 1 && chain[k].value === undefined) k--;
    groupOf[v] = k >= 1 ? chain[k].value! : -1;
  }
  return { keys, titles, depth: Int32Array.from(depth), groupOf, groupParent: Int32Array.from(parent), maxDepth: depth.reduce((m, x) => Math.max(m, x), 0) };
}
