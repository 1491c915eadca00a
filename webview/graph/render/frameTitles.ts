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

/**
 * Flattens edges as tracePath draws them (curves in 8 straight steps), handing each straight piece to
 * `piece`: one sink for every edge, so that 50,000 edges make no garbage.
 */
function edgePieces(layout: LayoutResult, piece: (ax: number, ay: number, bx: number, by: number) => void): (e: number) => void {
  let cx = 0, cy = 0;
  const steps = 8;
  const to = (x: number, y: number): void => {
    piece(cx, cy, x, y);
    cx = x;
    cy = y;
  };
  const sink: PathSink = {
    moveTo: (x, y) => { cx = x; cy = y; },
    lineTo: to,
    bezierCurveTo: (a, b, c, d, x, y) => {
      const x0 = cx, y0 = cy;
      for (let i = 1; i <= steps; i++) {
        const t = i / steps, u = 1 - t;
        to(u * u * u * x0 + 3 * u * u * t * a + 3 * u * t * t * c + t * t * t * x, u * u * u * y0 + 3 * u * u * t * b + 3 * u * t * t * d + t * t * t * y);
      }
    },
    quadraticCurveTo: (a, b, x, y) => {
      const x0 = cx, y0 = cy;
      for (let i = 1; i <= steps; i++) {
        const t = i / steps, u = 1 - t;
        to(u * u * x0 + 2 * u * t * a + t * t * x, u * u * y0 + 2 * u * t * b + t * t * y);
      }
    },
  };
  const scene = { layout } as Parameters<typeof tracePath>[1];
  return (e) => tracePath(sink, scene, e);
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
  // By row, then column: small integer keys, which a Map hashes fast (one number for both was a double).
  const grid = new Map<number, Map<number, number[]>>();
  const inCell = (gx: number, gy: number): number[] | undefined => grid.get(gy)?.get(gx);
  const crossed = frames.map((_, i) => cand[i].map(() => false));
  const rects = frames.map((f, i) => cand[i].map((x) => titleRect(f, x, titles[i].w)));
  frames.forEach((f, i) => {
    const [x0, y0] = titleRect(f, f.x0, 0);
    const [, , , y1] = titleRect(f, f.x1, 0);
    // A title wider than its frame reaches past it: its cells are registered too.
    const right = Math.max(f.x1, f.x0 + INSET + titles[i].w + 2);
    for (let gx = Math.floor(x0 / CELL); gx <= Math.floor(right / CELL); gx++) for (let gy = Math.floor(y0 / CELL); gy <= Math.floor(y1 / CELL); gy++) {
      let row = grid.get(gy);
      if (!row) grid.set(gy, (row = new Map()));
      let list = row.get(gx);
      if (!list) row.set(gx, (list = []));
      list.push(i);
    }
  });
  const trace = edgePieces(layout, (ax, ay, bx, by) => {
    for (let gx = Math.floor(Math.min(ax, bx) / CELL); gx <= Math.floor(Math.max(ax, bx) / CELL); gx++) {
      for (let gy = Math.floor(Math.min(ay, by) / CELL); gy <= Math.floor(Math.max(ay, by) / CELL); gy++) {
        for (const i of inCell(gx, gy) ?? []) {
          const c = cand[i];
          const f = frames[i], w = titles[i].w;
          for (let j = 0; j < c.length; j++) {
            if (!crossed[i][j] && segmentHitsRect(ax, ay, bx, by, c[j] - 2, f.y0 + 2, c[j] + w + 2, f.y0 + FRAME_HEADER - 2)) crossed[i][j] = true;
          }
        }
      }
    }
  });
  if (frames.length) {
    const E = layout.edgeOffset.length - 1;
    const pts = layout.edgePoints;
    for (let e = 0; e < E; e++) {
      // Only edges whose box meets a title's place are flattened (a curve stays within its points' box):
      // an edge entering a group under the middle of its header passes between its two places.
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (let k = layout.edgeOffset[e]; k < layout.edgeOffset[e + 1]; k += 2) {
        if (pts[k] < x0) x0 = pts[k];
        if (pts[k] > x1) x1 = pts[k];
        if (pts[k + 1] < y0) y0 = pts[k + 1];
        if (pts[k + 1] > y1) y1 = pts[k + 1];
      }
      let near = false;
      for (let gx = Math.floor(x0 / CELL); gx <= Math.floor(x1 / CELL) && !near; gx++) {
        for (let gy = Math.floor(y0 / CELL); gy <= Math.floor(y1 / CELL) && !near; gy++) {
          const list = inCell(gx, gy);
          if (!list) continue;
          for (let n = 0; n < list.length && !near; n++) {
            const r = rects[list[n]];
            for (let j = 0; j < r.length; j++) near ||= x1 >= r[j][0] && x0 <= r[j][2] && y1 >= r[j][1] && y0 <= r[j][3];
          }
        }
      }
      if (!near) continue;
      trace(e);
    }
  }
  return frames.map((_, i) => {
    const free = cand[i].findIndex((_, c) => !crossed[i][c]);
    return { x: cand[i][free < 0 ? 0 : free], w: titles[i].w, plate: free < 0 };
  });
}
