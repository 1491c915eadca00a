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
  if (Math.max(ax, bx) < x0 || Math.min(ax, bx) > x1 || Math.max(ay, by) < y0 || Math.min(ay, by) > y1) return false;
  const dx = bx - ax, dy = by - ay;
  let t0 = 0, t1 = 1;
  const clip = (p: number, q: number): boolean => {
    if (p === 0) return q >= 0;
    const r = q / p;
    if (p < 0) { if (r > t1) return false; if (r > t0) t0 = r; }
    else { if (r < t0) return false; if (r < t1) t1 = r; }
    return true;
  };
  return clip(-dx, ax - x0) && clip(dx, x1 - ax) && clip(-dy, ay - y0) && clip(dy, y1 - ay);
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
  // Cells by number: column in the low 21 bits, row above (exact for any graph up to 2^20 cells each way).
  const cell = (gx: number, gy: number): number => gy * 2097152 + (gx + 1048576);
  const grid = new Map<number, number[]>();
  const crossed = frames.map((_, i) => cand[i].map(() => false));
  frames.forEach((f, i) => {
    const [x0, y0] = titleRect(f, f.x0, 0);
    const [, , , y1] = titleRect(f, f.x1, 0);
    // A title wider than its frame reaches past it: its cells are registered too.
    const right = Math.max(f.x1, f.x0 + INSET + titles[i].w + 2);
    for (let gx = Math.floor(x0 / CELL); gx <= Math.floor(right / CELL); gx++) for (let gy = Math.floor(y0 / CELL); gy <= Math.floor(y1 / CELL); gy++) {
      const k = cell(gx, gy);
      (grid.get(k) ?? grid.set(k, []).get(k)!).push(i);
    }
  });
  if (frames.length) {
    const E = layout.edgeOffset.length - 1;
    const pts = layout.edgePoints;
    for (let e = 0; e < E; e++) {
      // Only edges near a header band are flattened (a curve stays within its points' box).
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (let k = layout.edgeOffset[e]; k < layout.edgeOffset[e + 1]; k += 2) {
        if (pts[k] < x0) x0 = pts[k];
        if (pts[k] > x1) x1 = pts[k];
        if (pts[k + 1] < y0) y0 = pts[k + 1];
        if (pts[k + 1] > y1) y1 = pts[k + 1];
      }
      let near = false;
      for (let gx = Math.floor(x0 / CELL); gx <= Math.floor(x1 / CELL) && !near; gx++) {
        for (let gy = Math.floor(y0 / CELL); gy <= Math.floor(y1 / CELL) && !near; gy++) near = grid.has(cell(gx, gy));
      }
      if (!near) continue;
      const p = edgePolyline(layout, e);
      for (let k = 2; k + 1 < p.length; k += 2) {
        const ax = p[k - 2], ay = p[k - 1], bx = p[k], by = p[k + 1];
        for (let gx = Math.floor(Math.min(ax, bx) / CELL); gx <= Math.floor(Math.max(ax, bx) / CELL); gx++) {
          for (let gy = Math.floor(Math.min(ay, by) / CELL); gy <= Math.floor(Math.max(ay, by) / CELL); gy++) {
            for (const i of grid.get(cell(gx, gy)) ?? []) {
              const c = cand[i];
              const f = frames[i], w = titles[i].w;
              for (let j = 0; j < c.length; j++) {
                if (!crossed[i][j] && segmentHitsRect(ax, ay, bx, by, c[j] - 2, f.y0 + 2, c[j] + w + 2, f.y0 + FRAME_HEADER - 2)) crossed[i][j] = true;
              }
            }
          }
        }
      }
    }
  }
  return frames.map((_, i) => {
    const free = cand[i].findIndex((_, c) => !crossed[i][c]);
    return { x: cand[i][free < 0 ? 0 : free], w: titles[i].w, plate: free < 0 };
  });
}
