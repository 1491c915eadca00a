import { FRAME_HEADER } from '../layout/groups';
import type { LayoutResult } from '../layout/types';
import { visibleText } from '../../../src/common/visibleText';
import { tracePath, type PathSink } from './draw';
import type { Measure } from './boxText';
import type { GroupFrame } from './scene';

/** Where a frame's title sits: its left end and width (world units); `plate`: no side is free of edges, so the
 * title is drawn over them on the background colour. */
export interface FrameTitle {
  x: number;
  w: number;
  plate: boolean;
}

const INSET = 8;
const CELL = 256;

/** The title as drawn, '▾' and all. */
export const frameTitleText = (f: GroupFrame): string => `▾ ${visibleText(f.title)}`;

/** Edge `e` as a polyline (curves flattened), as tracePath draws it. */
export function edgePolyline(layout: LayoutResult, e: number): number[] {
  const out: number[] = [];
  let cx = 0, cy = 0;
  const steps = 8;
  const sink: PathSink = {
    moveTo: (x, y) => { out.push(x, y); cx = x; cy = y; },
    lineTo: (x, y) => { out.push(x, y); cx = x; cy = y; },
    bezierCurveTo: (a, b, c, d, x, y) => {
      for (let i = 1; i <= steps; i++) {
        const t = i / steps, u = 1 - t;
        out.push(u * u * u * cx + 3 * u * u * t * a + 3 * u * t * t * c + t * t * t * x, u * u * u * cy + 3 * u * u * t * b + 3 * u * t * t * d + t * t * t * y);
      }
      cx = x; cy = y;
    },
    quadraticCurveTo: (a, b, x, y) => {
      for (let i = 1; i <= steps; i++) {
        const t = i / steps, u = 1 - t;
        out.push(u * u * cx + 2 * u * t * a + t * t * x, u * u * cy + 2 * u * t * b + t * t * y);
      }
      cx = x; cy = y;
    },
  };
  tracePath(sink, { layout } as Parameters<typeof tracePath>[1], e);
  return out;
}

/** Whether segment (ax, ay)–(bx, by) meets the rectangle [x0, x1] × [y0, y1] (Liang–Barsky clipping). */
export function segmentHitsRect(ax: number, ay: number, bx: number, by: number, x0: number, y0: number, x1: number, y1: number): boolean {
  let t0 = 0, t1 = 1;
  const dx = bx - ax, dy = by - ay;
  for (const [p, q] of [[-dx, ax - x0], [dx, x1 - ax], [-dy, ay - y0], [dy, y1 - ay]]) {
    if (p === 0) { if (q < 0) return false; continue; }
    const r = q / p;
    if (p < 0) { if (r > t1) return false; if (r > t0) t0 = r; }
    else { if (r < t0) return false; if (r < t1) t1 = r; }
  }
  return true;
}

/** The rectangle a title covers in its frame's header band. */
export function titleRect(f: GroupFrame, x: number, w: number): [number, number, number, number] {
  return [x - 2, f.y0 + 2, x + w + 2, f.y0 + FRAME_HEADER - 2];
}

/**
 * Puts each frame's title where no edge crosses it: at the left of its header (as a reader looks first),
 * else at the right, else at the left on a plate. The edges entering a group cross its top line where its
 * first boxes are, which is often just under a left-aligned title.
 */
export function placeFrameTitles(frames: GroupFrame[], layout: LayoutResult, measure: Measure): FrameTitle[] {
  const titles = frames.map((f) => ({ w: measure(frameTitleText(f), 'label') }));
  // Candidate rectangles bucketed by grid cell, so each edge segment is tested against the few near it.
  const cand = frames.map((f, i) => {
    const left = f.x0 + INSET;
    const right = f.x1 - INSET - titles[i].w;
    return right > left + 1 ? [left, right] : [left];
  });
  const grid = new Map<string, number[]>();
  const crossed = frames.map((_, i) => cand[i].map(() => false));
  frames.forEach((f, i) => {
    const [x0, y0] = titleRect(f, f.x0, 0);
    const [, , , y1] = titleRect(f, f.x1, 0);
    for (let gx = Math.floor(x0 / CELL); gx <= Math.floor(f.x1 / CELL); gx++) for (let gy = Math.floor(y0 / CELL); gy <= Math.floor(y1 / CELL); gy++) {
      const k = `${gx},${gy}`;
      (grid.get(k) ?? grid.set(k, []).get(k)!).push(i);
    }
  });
  if (frames.length) {
    const E = layout.edgeOffset.length - 1;
    for (let e = 0; e < E; e++) {
      const p = edgePolyline(layout, e);
      for (let k = 2; k + 1 < p.length; k += 2) {
        const ax = p[k - 2], ay = p[k - 1], bx = p[k], by = p[k + 1];
        const near = new Set<number>();
        for (let gx = Math.floor(Math.min(ax, bx) / CELL); gx <= Math.floor(Math.max(ax, bx) / CELL); gx++) {
          for (let gy = Math.floor(Math.min(ay, by) / CELL); gy <= Math.floor(Math.max(ay, by) / CELL); gy++) for (const i of grid.get(`${gx},${gy}`) ?? []) near.add(i);
        }
        for (const i of near) cand[i].forEach((x, c) => {
          if (!crossed[i][c] && segmentHitsRect(ax, ay, bx, by, ...titleRect(frames[i], x, titles[i].w))) crossed[i][c] = true;
        });
      }
    }
  }
  return frames.map((_, i) => {
    const free = cand[i].findIndex((_, c) => !crossed[i][c]);
    return { x: cand[i][free < 0 ? 0 : free], w: titles[i].w, plate: free < 0 };
  });
}
