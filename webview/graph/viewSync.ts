import type { ViewAnchor } from '../../src/protocol/messages';
import type { ViewDiff, ViewGraph } from '../../src/protocol/viewModel';
import type { Camera } from './render/camera';
import type { Scene } from './render/scene';
import { oncePerFrame } from './render/frame';

/**
 * Pan and zoom shared by the two sides of a comparison. The two graphs are laid out on their own
 * (a layer added on one side moves everything below it), so a camera cannot be copied: a side says
 * which of its layers, matched on the other side, is nearest the middle of its view and where that
 * layer's box is on screen relative to the middle; the other side puts its matched layer at that
 * place, at the same scale (every box has the same size on both sides).
 */

/** The matched layer whose box is nearest the middle of the view, or null when no box has a match. */
export function anchorOf(scene: Scene, graph: ViewGraph, diff: ViewDiff, cam: Camera, width: number, height: number): ViewAnchor | null {
  const { x, y } = scene.layout;
  // The middle of the view in world units.
  const cx = (width / 2 - cam.tx) / cam.scale;
  const cy = (height / 2 - cam.ty) / cam.scale;
  let best = -1;
  let bestId = '';
  let bestD = Infinity;
  scene.display.nodes.forEach((d, v) => {
    const id = d.members.map((m) => graph.nodes[m].id).find((m) => diff.pairs[m] !== undefined);
    if (id === undefined) return;
    const dist = (x[v] - cx) ** 2 + (y[v] - cy) ** 2;
    if (dist < bestD) {
      bestD = dist;
      best = v;
      bestId = id;
    }
  });
  if (best < 0) return null;
  return { nodeId: bestId, dx: x[best] * cam.scale + cam.tx - width / 2, dy: y[best] * cam.scale + cam.ty - height / 2, scale: cam.scale };
}

/** The camera that shows the box of `anchor.nodeId` (an id on this side) where the other side shows its match; null when it is not drawn. */
export function followAnchor(scene: Scene, anchor: ViewAnchor, width: number, height: number): Camera | null {
  const v = scene.display.indexOf.get(anchor.nodeId);
  if (v === undefined) return null;
  const s = anchor.scale;
  return { scale: s, tx: width / 2 + anchor.dx - scene.layout.x[v] * s, ty: height / 2 + anchor.dy - scene.layout.y[v] * s };
}

/** What ViewSync reads of the graph view. */
export interface SyncedView {
  scene(): Scene | null;
  graph(): ViewGraph | null;
  diff(): ViewDiff | null;
  cam(): Camera;
  viewport(): { width: number; height: number };
  setCamera(cam: Camera): void;
  /** Tells the host (which tells the other side). */
  post(anchor: ViewAnchor): void;
}

/**
 * One side's part in shared pan and zoom. Only the user's own pans and zooms are told to the other
 * side: moves made here for another reason (following the other side, a load, a selection the host
 * asked for) run `quietly`, so the two sides never echo each other.
 */
export class ViewSync {
  private quiet = 0;
  /** Where the other side was when this side had no scene yet. */
  private pending: ViewAnchor | null = null;

  constructor(private readonly v: SyncedView) {}

  quietly(f: () => void): void {
    this.quiet++;
    try {
      f();
    } finally {
      this.quiet--;
    }
  }

  /** The camera moved. Many pointer or wheel events in one frame send one message, with where the view ended up. */
  cameraChanged(): void {
    if (this.quiet === 0 && this.v.diff()) this.tell();
  }

  /** The other side moved: show the matched layer at the same place. */
  follow(anchor: ViewAnchor): void {
    const scene = this.v.scene();
    if (!scene) {
      this.pending = anchor;
      return;
    }
    const { width, height } = this.v.viewport();
    const cam = followAnchor(scene, anchor, width, height);
    if (cam) this.quietly(() => this.v.setCamera(cam));
  }

  /** A new graph is on screen at its first camera: the new side says where it is, so the old one starts aligned to it. */
  shown(): void {
    const p = this.pending;
    this.pending = null;
    if (p) this.follow(p);
    else if (this.v.diff()?.side === 'new') this.tell();
  }

  /** The comparison arrived (it may come after the graph). */
  diffSet(): void {
    if (this.v.diff()?.side === 'new' && this.v.scene()) this.tell();
  }

  /** The matched layer nearest the middle of the view (tests read it too). */
  anchor(): ViewAnchor | null {
    const scene = this.v.scene();
    const graph = this.v.graph();
    const diff = this.v.diff();
    if (!scene || !graph || !diff) return null;
    const { width, height } = this.v.viewport();
    return anchorOf(scene, graph, diff, this.v.cam(), width, height);
  }

  private readonly tell = oncePerFrame(() => {
    const a = this.anchor();
    if (a) this.v.post(a);
  });
}
