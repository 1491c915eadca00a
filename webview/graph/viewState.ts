import type { ViewDiff, ViewDiffMark, ViewGraph } from '../../src/protocol/viewModel';
import type { DisplayGraph } from './model/displayGraph';
import type { Direction } from './layout/types';
import type { TitleMode } from './render/boxText';
import type { Camera } from './render/camera';
import type { Scene } from './render/scene';
import type { SavedState } from './state';

/**
 * What the graph view shows, apart from the canvas: the model, the options, the collapsed groups,
 * the selection, the thumbnails of the last run, and the display graph and scene derived from them.
 * No DOM and no host here, so the rules (which group a toggle selects, what survives a reload)
 * read on their own.
 */
export class ViewState {
  graph: ViewGraph | null = null;
  display: DisplayGraph | null = null;
  scene: Scene | null = null;
  fold = false;
  hideBatch = true;
  collapsed = new Set<string>();
  direction: Direction = 'TB';
  titleMode: TitleMode = 'both';
  /** A ViewNode id, or a display id for groups and terminals. */
  selectedId: string | null = null;
  readonly thumbnails = new Map<string, HTMLImageElement>();
  /** A comparison with another version of the model, when this view is one side of one. */
  diff: ViewDiff | null = null;

  constructor(saved: SavedState | undefined) {
    if (saved) {
      this.fold = saved.fold;
      this.hideBatch = saved.hideBatch;
      if (saved.direction === 'TB' || saved.direction === 'LR') this.direction = saved.direction;
      if (saved.titleMode === 'both' || saved.titleMode === 'ops' || saved.titleMode === 'names') this.titleMode = saved.titleMode;
    }
  }

  /**
   * Takes a new graph. A new model (not an edit) resets selection, groups and thumbnails, or restores
   * them from `saved` when the webview is reloaded on the same model; returns the camera to restore.
   */
  showGraph(graph: ViewGraph, preserveView: boolean, saved: SavedState | undefined): Camera | null {
    const restore = !preserveView && saved && saved.title === graph.title && !this.graph ? saved : null;
    if (!preserveView) {
      this.selectedId = restore?.selected ?? null;
      this.collapsed = new Set(restore?.collapsed ?? []);
      this.thumbnails.clear();
    }
    this.graph = graph;
    return restore?.cam ?? null;
  }

  /** Returns false when nothing changed. */
  setOptions(fold: boolean, hideBatch: boolean): boolean {
    if (fold === this.fold && hideBatch === this.hideBatch) return false;
    this.fold = fold;
    this.hideBatch = hideBatch;
    return true;
  }

  /**
   * Collapsing a group selects it (its box replaces the selected member); expanding the selected group
   * clears the selection. Collapsing a group also forgets the collapsed groups inside it.
   */
  toggleGroup(key: string): void {
    const next = new Set(this.collapsed);
    if (next.has(key)) next.delete(key);
    else {
      for (const k of next) if (k.startsWith(key + '/')) next.delete(k);
      next.add(key);
    }
    if (!this.collapsed.has(key)) this.selectedId = `group:${key}`;
    else if (this.selectedId === `group:${key}`) this.selectedId = null;
    this.collapsed = next;
  }

  /** The model node behind display box `v` (a group's or fold's last member), for the feature-map panel. */
  modelNodeAt(v: number): string | undefined {
    const d = v >= 0 ? this.display?.nodes[v] : undefined;
    if (!d || !this.graph || d.members.length === 0) return undefined;
    return this.graph.nodes[d.members[d.members.length - 1]].id;
  }

  /** The id the host knows for box `v` (a group answers with its first member), or null. */
  hostIdAt(v: number): string | null {
    const d = v >= 0 ? this.display?.nodes[v] : undefined;
    if (!d || !this.graph) return null;
    return d.kind === 'node' ? d.id : d.kind === 'group' ? this.graph.nodes[d.members[0]].id : null;
  }

  /** Each box shows the thumbnail of the tensor it outputs (the first of its outputs that has one). */
  thumbnailsByBox(): Map<number, CanvasImageSource> {
    const map = new Map<number, CanvasImageSource>();
    this.display?.nodes.forEach((d, i) => {
      if (d.kind !== 'node') return;
      for (const t of d.outTensors) {
        const img = this.thumbnails.get(t);
        if (img) {
          map.set(i, img);
          break;
        }
      }
    });
    return map;
  }

  /** Boxes of `display` that will draw a thumbnail (they keep room for it). */
  thumbBoxes(display: DisplayGraph): Set<number> {
    const out = new Set<number>();
    if (!this.thumbnails.size) return out;
    display.nodes.forEach((d, i) => {
      if (d.kind === 'node' && d.outTensors.some((t) => this.thumbnails.has(t))) out.add(i);
    });
    return out;
  }

  /** The comparison marks of `display`'s boxes (diffByBox for a display graph not yet shown). */
  diffByDisplay(display: DisplayGraph): Map<number, ViewDiffMark> {
    const shown = this.display;
    this.display = display;
    try {
      return this.diffByBox();
    } finally {
      this.display = shown;
    }
  }

  /** Each box's comparison mark: a fold or group is marked when any member is (removed, then added, then changed). */
  diffByBox(): Map<number, ViewDiffMark> {
    const map = new Map<number, ViewDiffMark>();
    const marks = this.diff?.marks;
    if (!marks || !this.graph) return map;
    const rank = { removed: 3, added: 2, changed: 1 } as const;
    this.display?.nodes.forEach((d, i) => {
      let best: ViewDiffMark | undefined;
      for (const m of d.members) {
        const mark = marks[this.graph!.nodes[m].id];
        if (mark && (!best || rank[mark.kind] > rank[best.kind])) best = mark;
      }
      if (best) map.set(i, d.kind === 'group' ? { kind: best.kind, note: `${best.kind} inside` } : best);
    });
    return map;
  }

  /** A file name for exports from the model's title. */
  baseName(): string {
    return (this.graph?.title ?? 'model').replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_');
  }

  saved(cam: Camera, document: string | undefined): SavedState | null {
    if (!this.graph) return null;
    return { title: this.graph.title, cam, selected: this.selectedId, collapsed: [...this.collapsed], fold: this.fold, hideBatch: this.hideBatch, direction: this.direction, titleMode: this.titleMode, document };
  }
}
