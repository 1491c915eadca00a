/**
 * Scope paths as a tree of their names, walked name by name from one path to the next: nodes come in
 * model order, so a node's path mostly shares all but its last names with the one before, and only
 * the names past the shared part are looked up (no key joined per node, no string hashed again: a
 * 50,000-node graph's paths are 50,000 distinct keys).
 */
export interface ScopeNode<T> {
  name: string;
  depth: number;
  /** Order of creation, for listing nodes as their paths were first met. */
  seq: number;
  /** Null until it has one: most nodes of a graph's scope tree are leaves (a 50,000-node graph's layers). */
  children: Map<string, ScopeNode<T>> | null;
  parent: ScopeNode<T> | null;
  value: T | undefined;
}

export class ScopeTrie<T> {
  readonly root: ScopeNode<T> = { name: '', depth: 0, seq: 0, children: null, parent: null, value: undefined };
  private count = 1;
  private last: readonly string[] = [];
  /** chain[d]: the node of the last path's first d names. */
  private readonly chain: ScopeNode<T>[] = [this.root];

  /** The nodes of `path`'s prefixes, shortest first, the root at 0; with `create` false it stops at the first missing one. */
  walk(path: readonly string[], create: boolean): readonly ScopeNode<T>[] {
    const last = this.last;
    let same = 0;
    while (same < path.length && same < last.length && same + 1 < this.chain.length && path[same] === last[same]) same++;
    this.chain.length = same + 1;
    for (let d = same; d < path.length; d++) {
      const up = this.chain[d];
      let next = up.children?.get(path[d]);
      if (!next) {
        if (!create) break;
        (up.children ??= new Map()).set(path[d], (next = { name: path[d], depth: d + 1, seq: this.count++, children: null, parent: up, value: undefined }));
      }
      this.chain.push(next);
    }
    this.last = path;
    return this.chain;
  }

  /** The nodes `keep` keeps (the root never), by depth, then as first met. */
  nodes(keep: (n: ScopeNode<T>) => boolean): ScopeNode<T>[] {
    const out: ScopeNode<T>[] = [];
    const visit = (n: ScopeNode<T>): void => {
      for (const c of n.children?.values() ?? []) {
        if (keep(c)) out.push(c);
        visit(c);
      }
    };
    visit(this.root);
    return out.sort((a, b) => a.depth - b.depth || a.seq - b.seq);
  }

  /** The names from the root to `n`. */
  static path<T>(n: ScopeNode<T>): string[] {
    const p: string[] = [];
    for (let k: ScopeNode<T> | null = n; k && k.parent; k = k.parent) p.push(k.name);
    return p.reverse();
  }
}
