import type { DisplayGraph } from '../model/displayGraph';
import type { LayoutResult } from '../layout/types';
import { SpatialIndex } from './spatialIndex';

/** Node box size in world units; every box has the same size so layouts stay regular. */
export const NODE_W = 210;
export const NODE_H = 46;
export const LAYER_GAP = 40;
export const COLUMN_GAP = 40;

/** The frame of an expanded scope group: the box around its members, with a clickable header. */
export interface GroupFrame {
  key: string;
  title: string;
  depth: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A laid-out display graph, ready to draw and hit-test. */
export interface Scene {
  display: DisplayGraph;
  layout: LayoutResult;
  index: SpatialIndex;
  frames: GroupFrame[];
}

export function makeScene(display: DisplayGraph, layout: LayoutResult): Scene {
  return { display, layout, index: new SpatialIndex(layout, NODE_W / 2, NODE_H / 2), frames: groupFrames(display, layout) };
}

const FRAME_PAD = 10;
const HEADER = 18;

function groupFrames(display: DisplayGraph, layout: LayoutResult): GroupFrame[] {
  const open = new Map<string, GroupFrame>();
  const groupKeys = new Set(display.groups.map((g) => g.key));
  display.nodes.forEach((d, i) => {
    if (d.kind !== 'node') return;
    for (let depth = 1; depth <= d.scope.length; depth++) {
      const key = d.scope.slice(0, depth).join('/');
      if (!groupKeys.has(key)) continue;
      const pad = FRAME_PAD * Math.max(1, 4 - depth);
      const f = open.get(key) ?? { key, title: d.scope[depth - 1], depth, x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
      f.x0 = Math.min(f.x0, layout.x[i] - NODE_W / 2 - pad);
      f.x1 = Math.max(f.x1, layout.x[i] + NODE_W / 2 + pad);
      f.y0 = Math.min(f.y0, layout.y[i] - NODE_H / 2 - pad - HEADER);
      f.y1 = Math.max(f.y1, layout.y[i] + NODE_H / 2 + pad);
      open.set(key, f);
    }
  });
  return [...open.values()].sort((a, b) => a.depth - b.depth);
}

export function frameHeaderAt(frames: GroupFrame[], wx: number, wy: number): GroupFrame | null {
  for (let i = frames.length - 1; i >= 0; i--) {
    const f = frames[i];
    if (wx >= f.x0 && wx <= f.x1 && wy >= f.y0 && wy <= f.y0 + HEADER) return f;
  }
  return null;
}
