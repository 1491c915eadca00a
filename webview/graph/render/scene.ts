import type { DisplayGraph } from '../model/displayGraph';
import type { LayoutResult } from '../layout/types';
import { FRAME_HEADER, FRAME_PAD } from '../layout/groups';
import { layoutGroups, type LayoutGroups } from '../model/layoutGroups';
import { roughMeasure, type BoxTexts, type Measure } from './boxText';
import { placeFrameTitles } from './frameTitles';
import { SpatialIndex } from './spatialIndex';

/** The default box size in world units (boxes are as wide as their text: ./boxText.ts). */
export const NODE_W = 210;
export const NODE_H = 46;
export const LAYER_GAP = 40;
export const COLUMN_GAP = 40;
/** Left to right, layers are columns: the gap between them holds the shape labels. */
export const LAYER_GAP_LR = 56;

/** The frame of an expanded scope group: the box around its members, with a clickable header. */
export interface GroupFrame {
  key: string;
  title: string;
  depth: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** The title's left end and width, and whether it is drawn on a plate over edges (./frameTitles.ts). */
  titleX: number;
  titleW: number;
  plate: boolean;
}

/** A laid-out display graph, ready to draw and hit-test. */
export interface Scene {
  display: DisplayGraph;
  layout: LayoutResult;
  index: SpatialIndex;
  frames: GroupFrame[];
  /** What each box says (null: not measured, e.g. in Node tests; the boxes are then drawn without text). */
  text: BoxTexts | null;
  /** The prefix left out of every box's name. */
  prefix: string;
}

/** `measure`: the page's text measurer (frame titles are placed by their width). */
export function makeScene(display: DisplayGraph, layout: LayoutResult, groups: LayoutGroups = layoutGroups(display), text: BoxTexts | null = null, prefix = '', measure: Measure = roughMeasure): Scene {
  const frames = groupFrames(groups, layout);
  placeFrameTitles(frames, layout, measure).forEach((t, i) => Object.assign(frames[i], { titleX: t.x, titleW: t.w, plate: t.plate }));
  return { display, layout, index: new SpatialIndex(layout), frames, text, prefix };
}

const HEADER = FRAME_HEADER;

/** Horizontal padding of a frame: nested frames sit inside their parents' padding. */
export const framePadX = (depth: number, maxDepth: number): number => FRAME_PAD * (1 + maxDepth - depth);

/** The gap that keeps the frames of side-by-side groups apart (left to right, with room for their headers). */
export const columnGapFor = (maxDepth: number, lr = false): number => Math.max(COLUMN_GAP, 2 * FRAME_PAD * maxDepth + 8 + (lr && maxDepth ? maxDepth * HEADER : 0));

/**
 * Frames of the expanded groups around their members' boxes. Above its top layer a frame has a
 * header and padding for itself and every frame inside it that starts on the same layer, as the
 * layout left room for (layout/groups.ts); below, padding for each that ends there.
 */
function groupFrames(groups: LayoutGroups, layout: LayoutResult): GroupFrame[] {
  const G = groups.keys.length;
  if (!G) return [];
  const paths: number[][] = [];
  const pathOf = (v: number): number[] => {
    const g = groups.groupOf[v];
    if (g < 0) return [];
    if (!paths[g]) {
      const p: number[] = [];
      for (let k = g; k >= 0; k = groups.groupParent[k]) p.push(k);
      paths[g] = p.reverse();
    }
    return paths[g];
  };
  const lo = new Int32Array(G).fill(0x7fffffff);
  const hi = new Int32Array(G).fill(-1);
  const box = Array.from({ length: G }, () => ({ x0: Infinity, x1: -Infinity, y0: Infinity, y1: -Infinity, top: 0, bottom: 0 }));
  const { w, h } = layout;
  const n = layout.x.length;
  for (let v = 0; v < n; v++) {
    for (const g of pathOf(v)) {
      lo[g] = Math.min(lo[g], layout.layer[v]);
      hi[g] = Math.max(hi[g], layout.layer[v]);
      const b = box[g];
      b.x0 = Math.min(b.x0, layout.x[v] - w[v] / 2);
      b.x1 = Math.max(b.x1, layout.x[v] + w[v] / 2);
      b.y0 = Math.min(b.y0, layout.y[v] - h[v] / 2);
      b.y1 = Math.max(b.y1, layout.y[v] + h[v] / 2);
    }
  }
  for (let v = 0; v < n; v++) {
    const p = pathOf(v);
    // Count from the innermost outwards: how many frames start (end) on this node's layer at or inside each.
    let starts = 0;
    let ends = 0;
    for (let i = p.length - 1; i >= 0; i--) {
      const g = p[i];
      if (lo[g] === layout.layer[v]) starts++;
      if (hi[g] === layout.layer[v]) ends++;
      box[g].top = Math.max(box[g].top, lo[g] === layout.layer[v] ? starts : 0);
      box[g].bottom = Math.max(box[g].bottom, hi[g] === layout.layer[v] ? ends : 0);
    }
  }
  const frames: GroupFrame[] = [];
  for (let g = 0; g < G; g++) {
    const b = box[g];
    if (b.x0 === Infinity) continue;
    const key = groups.keys[g];
    const title = groups.titles[g];
    const depth = groups.depth[g];
    const pad = framePadX(depth, groups.maxDepth);
    // Left to right, the layout's room for headers lies before the first column; the header goes on top.
    const along = b.top * (FRAME_PAD + HEADER);
    const across = b.bottom * FRAME_PAD;
    frames.push(layout.direction === 'LR'
      ? { key, title, depth, x0: b.x0 - along, x1: b.x1 + across, y0: b.y0 - pad - HEADER, y1: b.y1 + pad, titleX: 0, titleW: 0, plate: false }
      : { key, title, depth, x0: b.x0 - pad, x1: b.x1 + pad, y0: b.y0 - along, y1: b.y1 + across, titleX: 0, titleW: 0, plate: false });
  }
  return frames.sort((a, b) => a.depth - b.depth);
}

export function frameHeaderAt(frames: GroupFrame[], wx: number, wy: number): GroupFrame | null {
  for (let i = frames.length - 1; i >= 0; i--) {
    const f = frames[i];
    if (wx >= f.x0 && wx <= f.x1 && wy >= f.y0 && wy <= f.y0 + HEADER) return f;
  }
  return null;
}
