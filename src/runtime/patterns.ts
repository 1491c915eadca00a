/**
 * Built-in sample inputs, drawn procedurally at any size as float RGB in [0, 1] (channels interleaved),
 * so a model can be run without an image file.
 */
import { seededRandom } from '../common/prng';

export type PatternName = 'gradient' | 'checkerboard' | 'digit' | 'noise';

export const PATTERNS: readonly PatternName[] = ['gradient', 'checkerboard', 'digit', 'noise'];

export function drawPattern(name: PatternName, width: number, height: number, seed = 1): Float32Array {
  switch (name) {
    case 'gradient': return gradient(width, height);
    case 'checkerboard': return checkerboard(width, height);
    case 'digit': return digitThree(width, height);
    case 'noise': return noise(width, height, seed);
  }
}

/** Red rises left to right, green top to bottom, blue along the other diagonal. */
function gradient(w: number, h: number): Float32Array {
  const out = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const u = w > 1 ? x / (w - 1) : 0;
      const v = h > 1 ? y / (h - 1) : 0;
      const o = (y * w + x) * 3;
      out[o] = u;
      out[o + 1] = v;
      out[o + 2] = 1 - (u + v) / 2;
    }
  }
  return out;
}

/** Eight squares along each side, black and white. */
function checkerboard(w: number, h: number): Float32Array {
  const out = new Float32Array(w * h * 3);
  const cw = Math.max(1, w / 8);
  const ch = Math.max(1, h / 8);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = (Math.floor(x / cw) + Math.floor(y / ch)) % 2 === 0 ? 1 : 0;
      out.fill(v, (y * w + x) * 3, (y * w + x) * 3 + 3);
    }
  }
  return out;
}

/**
 * A handwritten-looking '3' in the style of MNIST: a white stroke on black, the digit inside the
 * central 20/28 of the frame. The stroke is two open arcs sampled as a polyline; each pixel's intensity
 * falls off linearly with its distance from the stroke (anti-aliasing).
 */
function digitThree(w: number, h: number): Float32Array {
  const pts: [number, number][] = [];
  // Upper bowl: starts at the upper left, swings round the right side, ends near the middle.
  arc(pts, 0.49, 0.34, 0.16, 0.14, 200, 450);
  // Lower bowl: from the middle, round the right side, ending at the lower left.
  arc(pts, 0.49, 0.635, 0.18, 0.16, -90, 160);
  const scale = Math.min(w, h);
  const half = 0.045 * scale; // half the stroke width
  const aa = Math.max(0.75, 0.02 * scale);
  const out = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const px = (x + 0.5) / w;
      const py = (y + 0.5) / h;
      let best = Infinity;
      for (let i = 0; i + 1 < pts.length; i++) best = Math.min(best, segmentDistance(px * w, py * h, pts[i][0] * w, pts[i][1] * h, pts[i + 1][0] * w, pts[i + 1][1] * h));
      const v = Math.max(0, Math.min(1, 1 - (best - half) / aa));
      out.fill(v, (y * w + x) * 3, (y * w + x) * 3 + 3);
    }
  }
  return out;
}

/** Appends points of an elliptical arc; angles in degrees, 0 = right, increasing clockwise on screen. */
function arc(pts: [number, number][], cx: number, cy: number, rx: number, ry: number, fromDeg: number, toDeg: number): void {
  const steps = 24;
  for (let i = 0; i <= steps; i++) {
    const a = ((fromDeg + ((toDeg - fromDeg) * i) / steps) * Math.PI) / 180;
    pts.push([cx + rx * Math.cos(a), cy + ry * Math.sin(a)]);
  }
}

function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Uniform noise in [0, 1] from a seeded generator (mulberry32), the same image for the same seed. */
function noise(w: number, h: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  const out = new Float32Array(w * h * 3);
  for (let i = 0; i < out.length; i++) out[i] = rand();
  return out;
}

