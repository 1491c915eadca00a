import { EdgeKind } from '../layout/types';
import { formatCount } from '../../common/format';
import { LABEL_MIN_SCALE, type Camera } from './camera';
import { NODE_H, NODE_W, type Scene } from './scene';
import type { Theme } from './theme';
import type { ViewDiffMark } from '../../../src/protocol/viewModel';
import { visibleText } from '../../../src/common/visibleText';
import * as l10n from '@vscode/l10n';
import { DECLARED_MARK } from '../../../src/common/shapeMarks';

/** What the frame shows besides the graph itself. */
export interface Overlay {
  selected: number;
  hovered: number;
  matches: ReadonlySet<number>;
  /** Thumbnails by display node index, drawn inside the node's right end. */
  thumbnails: ReadonlyMap<number, CanvasImageSource>;
  /** Comparison marks by display node index: the border takes the mark's colour, the second line its deltas. */
  diff?: ReadonlyMap<number, ViewDiffMark>;
  /** Filled by each frame with where the edge labels were drawn (the screen's hit test for them). */
  labelBoxes?: LabelBox[];
}

/** Below this scale boxes are drawn as plain coloured blocks without text (level of detail). */
export const TEXT_SCALE = 0.35;

export interface FrameStats {
  nodes: number;
  edges: number;
  /** Edge shape labels drawn. */
  labels: number;
}

/** Draws the part of the scene inside a width×height viewport. Used for the screen and PNG export. */
export function drawScene(ctx: CanvasRenderingContext2D, scene: Scene, cam: Camera, width: number, height: number, theme: Theme, ov: Overlay): FrameStats {
  const { layout, display, index } = scene;
  ctx.save();
  ctx.fillStyle = theme.color.background;
  ctx.fillRect(0, 0, width, height);
  ctx.setTransform(ctx.getTransform().multiply(new DOMMatrix([cam.scale, 0, 0, cam.scale, cam.tx, cam.ty])));
  const x0 = -cam.tx / cam.scale;
  const y0 = -cam.ty / cam.scale;
  const x1 = x0 + width / cam.scale;
  const y1 = y0 + height / cam.scale;
  const detailed = cam.scale >= TEXT_SCALE;
  const px = 1 / cam.scale;

  if (cam.scale >= 0.2) drawFrames(ctx, scene, theme, x0, y0, x1, y1, px);

  const edges = index.edgesIn(x0, y0, x1, y1);
  const selEdges: number[] = [];
  ctx.lineWidth = Math.max(1, 1.2 * px);
  for (const kind of [EdgeKind.Adjacent, EdgeKind.Long, EdgeKind.Back, EdgeKind.Skip]) {
    ctx.beginPath();
    for (const e of edges) {
      if (layout.edgeKind[e] !== kind) continue;
      const de = display.edges[e];
      if (de.from === ov.selected || de.to === ov.selected) selEdges.push(e);
      tracePath(ctx, scene, e);
    }
    ctx.strokeStyle = kind === EdgeKind.Skip ? theme.color.skip : theme.color.edge;
    ctx.lineWidth = kind === EdgeKind.Skip ? Math.max(1.6, 2 * px) : Math.max(1, 1.2 * px);
    ctx.setLineDash(kind === EdgeKind.Back ? [4, 4] : []);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  if (selEdges.length) {
    ctx.beginPath();
    for (const e of selEdges) tracePath(ctx, scene, e);
    ctx.strokeStyle = theme.color.focus;
    ctx.lineWidth = Math.max(2, 2.5 * px);
    ctx.stroke();
  }
  if (detailed) {
    ctx.beginPath();
    for (const e of edges) arrowHead(ctx, scene, e);
    ctx.fillStyle = theme.color.edge;
    ctx.fill();
  }

  const nodes = index.nodesIn(x0, y0, x1, y1);
  if (detailed) for (const v of nodes) drawNode(ctx, scene, v, theme, ov);
  else {
    for (const v of nodes) {
      ctx.fillStyle = theme.family[display.nodes[v].family];
      ctx.fillRect(layout.x[v] - NODE_W / 2, layout.y[v] - NODE_H / 2, NODE_W, NODE_H);
    }
    for (const v of [ov.selected, ...ov.matches]) {
      if (v < 0) continue;
      ctx.strokeStyle = v === ov.selected ? theme.color.focus : theme.color.match;
      ctx.lineWidth = 3 * px;
      ctx.strokeRect(layout.x[v] - NODE_W / 2, layout.y[v] - NODE_H / 2, NODE_W, NODE_H);
    }
  }
  if (ov.labelBoxes) ov.labelBoxes.length = 0;
  const labels = cam.scale >= LABEL_MIN_SCALE ? drawEdgeLabels(ctx, scene, edges, theme, cam.scale, ov.labelBoxes) : 0;
  ctx.restore();
  return { nodes: nodes.length, edges: edges.length, labels };
}

/** The path calls both a canvas and the SVG exporter understand. */
export interface PathSink {
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  bezierCurveTo(a: number, b: number, c: number, d: number, x: number, y: number): void;
  quadraticCurveTo(a: number, b: number, x: number, y: number): void;
}

export function tracePath(ctx: PathSink, scene: Scene, e: number): void {
  const p = scene.layout.edgePoints;
  const o = scene.layout.edgeOffset[e];
  const count = (scene.layout.edgeOffset[e + 1] - o) / 2;
  ctx.moveTo(p[o], p[o + 1]);
  if (scene.layout.edgeKind[e] === EdgeKind.Skip && count === 4) {
    ctx.quadraticCurveTo(p[o + 2], p[o + 1], p[o + 2], p[o + 3]);
    ctx.lineTo(p[o + 4], p[o + 5]);
    ctx.quadraticCurveTo(p[o + 4], p[o + 7], p[o + 6], p[o + 7]);
    return;
  }
  if (count === 2) {
    bezier(ctx, p[o], p[o + 1], p[o + 2], p[o + 3]);
    return;
  }
  if (count === 3) {
    if (p[o + 2] === p[o + 4]) {
      bezier(ctx, p[o], p[o + 1], p[o + 2], p[o + 3]);
      ctx.lineTo(p[o + 4], p[o + 5]);
    } else {
      ctx.lineTo(p[o + 2], p[o + 3]);
      bezier(ctx, p[o + 2], p[o + 3], p[o + 4], p[o + 5]);
    }
  }
}

function bezier(ctx: PathSink, ax: number, ay: number, bx: number, by: number): void {
  const dy = (by - ay) / 2;
  ctx.bezierCurveTo(ax, ay + dy, bx, by - dy, bx, by);
}

function arrowHead(ctx: CanvasRenderingContext2D, scene: Scene, e: number): void {
  const p = scene.layout.edgePoints;
  const end = scene.layout.edgeOffset[e + 1];
  const x = p[end - 2];
  const y = p[end - 1];
  if (scene.layout.edgeKind[e] === EdgeKind.Skip) {
    ctx.moveTo(x, y);
    ctx.lineTo(x - 7, y - 4);
    ctx.lineTo(x - 7, y + 4);
  } else {
    ctx.moveTo(x, y);
    ctx.lineTo(x - 4, y - 7);
    ctx.lineTo(x + 4, y - 7);
  }
  ctx.closePath();
}

function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, r);
}

const ellipsisCache = new Map<string, string>();
/** Model text as drawn (on screen and in the PNG export): control characters shown as visible escapes. */
function fit(ctx: CanvasRenderingContext2D, raw: string, max: number): string {
  const text = visibleText(raw);
  const key = `${ctx.font}|${max}|${text}`;
  const hit = ellipsisCache.get(key);
  if (hit !== undefined) return hit;
  let out = text;
  if (ctx.measureText(text).width > max) {
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ctx.measureText(text.slice(0, mid) + '…').width <= max) lo = mid;
      else hi = mid - 1;
    }
    out = text.slice(0, lo) + '…';
  }
  if (ellipsisCache.size > 20000) ellipsisCache.clear();
  ellipsisCache.set(key, out);
  return out;
}

const DIFF_COLOR = { added: 'diffAdded', removed: 'diffRemoved', changed: 'diffChanged' } as const;

function drawNode(ctx: CanvasRenderingContext2D, scene: Scene, v: number, theme: Theme, ov: Overlay): void {
  const d = scene.display.nodes[v];
  const x = scene.layout.x[v] - NODE_W / 2;
  const y = scene.layout.y[v] - NODE_H / 2;
  const terminal = d.kind === 'input' || d.kind === 'output';
  roundRect(ctx, x, y, NODE_W, NODE_H, terminal ? NODE_H / 2 : 5);
  ctx.fillStyle = d.kind === 'group' ? theme.color.groupFill : theme.color.nodeFill;
  ctx.fill();
  const emphasis = v === ov.selected ? theme.color.focus : ov.matches.has(v) ? theme.color.match : v === ov.hovered ? theme.color.focus : '';
  const mark = ov.diff?.get(v);
  const markColor = mark ? theme.color[DIFF_COLOR[mark.kind]] : '';
  ctx.lineWidth = v === ov.selected ? 2.5 : mark ? 2.5 : emphasis ? 1.5 : 1;
  ctx.strokeStyle = emphasis || markColor || (theme.highContrast ? theme.color.nodeBorder : theme.family[d.family]);
  ctx.setLineDash(d.kind === 'group' || mark?.kind === 'removed' ? [5, 3] : []);
  ctx.stroke();
  ctx.setLineDash([]);
  if (!terminal) {
    ctx.fillStyle = theme.family[d.family];
    ctx.fillRect(x, y + 1, 5, NODE_H - 2);
  }
  const thumb = ov.thumbnails.get(v);
  const textRight = x + NODE_W - (thumb ? NODE_H : 8);
  if (thumb) ctx.drawImage(thumb, x + NODE_W - NODE_H + 3, y + 3, NODE_H - 6, NODE_H - 6);
  const left = x + (terminal ? 16 : 12);
  // A quantised layer's type tag sits at the top right, before the title's text runs into it.
  const titleRight = d.badge ? drawBadge(ctx, d.badge, textRight, y + 5, theme) - 6 : textRight;
  ctx.textBaseline = 'alphabetic';
  ctx.font = `600 12px ${theme.fontFamily}`;
  ctx.fillStyle = theme.color.text;
  const title = d.kind === 'group' ? `▸ ${d.title}` : d.title;
  const t = fit(ctx, title, titleRight - left);
  ctx.fillText(t, left, y + 19);
  const tw = ctx.measureText(t).width;
  ctx.font = `12px ${theme.fontFamily}`;
  if (d.label && d.kind !== 'group' && left + tw + 8 < titleRight) ctx.fillText(fit(ctx, d.label, titleRight - left - tw - 8), left + tw + 8, y + 19);
  ctx.font = `11px ${theme.fontFamily}`;
  ctx.fillStyle = markColor || theme.color.muted;
  const line2 = mark ? mark.note : d.kind === 'group' ? `${d.name} · ${l10n.t('{0} params', formatCount(d.params))} · ${d.label}` : d.params !== 0 ? `${d.name} · ${l10n.t('{0} params', formatCount(d.params))}` : d.name;
  ctx.fillText(fit(ctx, line2, textRight - left), left, y + 36);
}

/** The tag ('int8') right-aligned at `right`, top at `top`; returns its left edge. */
function drawBadge(ctx: CanvasRenderingContext2D, text: string, right: number, top: number, theme: Theme): number {
  ctx.font = `600 10px ${theme.fontFamily}`;
  ctx.textBaseline = 'middle';
  const w = Math.min(70, ctx.measureText(text).width + 8);
  const x = right - w;
  roundRect(ctx, x, top, w, 15, 7);
  ctx.fillStyle = theme.color.labelBg;
  ctx.fill();
  ctx.strokeStyle = theme.color.muted;
  ctx.lineWidth = 1;
  ctx.stroke();
  ctx.fillStyle = theme.color.text;
  ctx.fillText(fit(ctx, text, w - 8), x + 4, top + 8);
  return x;
}

/** Shape labels beside the edges; zoomed out, the text grows in world units to stay 8 px on screen. */
function drawEdgeLabels(ctx: CanvasRenderingContext2D, scene: Scene, edges: number[], theme: Theme, scale: number, labelBoxes?: LabelBox[]): number {
  const size = Math.min(16, Math.max(10.5, 8 / scale));
  const half = size * 0.67;
  ctx.font = `${size}px ${theme.fontFamily}`;
  ctx.textBaseline = 'middle';
  let drawn = 0;
  const plain = ctx.font;
  const italic = `italic ${plain}`;
  for (const e of edges) {
    const de = scene.display.edges[e];
    const text = visibleText(de.label);
    if (!text) continue;
    drawn++;
    const label = de.declared ? `${text} ${DECLARED_MARK}` : text;
    ctx.font = de.declared ? italic : plain;
    const kind = scene.layout.edgeKind[e];
    const x = scene.layout.labelX[e];
    const y = scene.layout.labelY[e];
    const w = ctx.measureText(label).width;
    const lx = kind === EdgeKind.Skip ? x - w - 6 : x + 6;
    ctx.fillStyle = theme.color.labelBg;
    ctx.fillRect(lx - 2, y - half, w + 4, 2 * half);
    ctx.fillStyle = kind === EdgeKind.Skip ? theme.color.skip : theme.color.muted;
    ctx.fillText(label, lx, y);
    labelBoxes?.push({ edge: e, x0: lx - 2, y0: y - half, x1: lx + w + 2, y1: y + half });
  }
  return drawn;
}

/** Where an edge's label was drawn (world units), for hovering it. */
export interface LabelBox {
  edge: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The edge whose label is under the world point, or -1. */
export function labelAt(boxes: readonly LabelBox[], wx: number, wy: number): number {
  for (let i = boxes.length - 1; i >= 0; i--) {
    const b = boxes[i];
    if (wx >= b.x0 && wx <= b.x1 && wy >= b.y0 && wy <= b.y1) return b.edge;
  }
  return -1;
}

function drawFrames(ctx: CanvasRenderingContext2D, scene: Scene, theme: Theme, x0: number, y0: number, x1: number, y1: number, px: number): void {
  ctx.font = `11px ${theme.fontFamily}`;
  ctx.textBaseline = 'middle';
  for (const f of scene.frames) {
    if (f.x1 < x0 || f.x0 > x1 || f.y1 < y0 || f.y0 > y1) continue;
    roundRect(ctx, f.x0, f.y0, f.x1 - f.x0, f.y1 - f.y0, 8);
    ctx.strokeStyle = theme.color.groupFrame;
    ctx.lineWidth = Math.max(1, px);
    ctx.stroke();
    ctx.fillStyle = theme.color.muted;
    ctx.fillText(`▾ ${visibleText(f.title)}`, f.x0 + 8, f.y0 + 9);
  }
}
