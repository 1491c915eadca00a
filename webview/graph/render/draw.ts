import { EdgeKind } from '../layout/types';
import { LABEL_MIN_SCALE, type Camera } from './camera';
import { BOX, boxText, fontCss, LABEL_H, roughMeasure, type BoxText } from './boxText';
import type { Scene } from './scene';
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
  /** An overlay's fill per display box (ui/overlayPanel.ts), worked out once per change; undefined: the usual fill. */
  fills?: readonly (string | undefined)[];
  /** Filled by each frame with where the edge labels were drawn (the screen's hit test for them). */
  labelBoxes?: LabelBox[];
  /** When set, every text run drawn on a box is recorded here (the tests measure them against their boxes). */
  drawn?: DrawnText[];
}

export interface DrawnText {
  box: number;
  text: string;
  font: string;
  x: number;
  baseline: number;
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
  // Titles after the edges: one drawn on a plate covers the edges it could not avoid.
  if (cam.scale >= 0.2) drawFrameTitles(ctx, scene, theme, x0, y0, x1, y1);

  const nodes = index.nodesIn(x0, y0, x1, y1);
  if (detailed) for (const v of nodes) drawNode(ctx, scene, v, theme, ov);
  else {
    const { w, h } = layout;
    for (const v of nodes) {
      ctx.fillStyle = ov.fills?.[v] ?? theme.family[display.nodes[v].family];
      ctx.fillRect(layout.x[v] - w[v] / 2, layout.y[v] - h[v] / 2, w[v], h[v]);
    }
    for (const v of [ov.selected, ...ov.matches]) {
      if (v < 0) continue;
      ctx.strokeStyle = v === ov.selected ? theme.color.focus : theme.color.match;
      ctx.lineWidth = 3 * px;
      ctx.strokeRect(layout.x[v] - w[v] / 2, layout.y[v] - h[v] / 2, w[v], h[v]);
    }
  }
  if (ov.labelBoxes) ov.labelBoxes.length = 0;
  const labels = cam.scale >= LABEL_MIN_SCALE ? drawEdgeLabels(ctx, scene, edges, theme, ov.labelBoxes) : 0;
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
  const lr = scene.layout.direction === 'LR';
  if (count < 2) return;
  ctx.moveTo(p[o], p[o + 1]);
  if (scene.layout.edgeKind[e] === EdgeKind.Skip && count === 4) {
    // Out of the source's side into the lane, along it, and into the target's side.
    if (lr) ctx.quadraticCurveTo(p[o], p[o + 3], p[o + 2], p[o + 3]);
    else ctx.quadraticCurveTo(p[o + 2], p[o + 1], p[o + 2], p[o + 3]);
    ctx.lineTo(p[o + 4], p[o + 5]);
    if (lr) ctx.quadraticCurveTo(p[o + 6], p[o + 5], p[o + 6], p[o + 7]);
    else ctx.quadraticCurveTo(p[o + 4], p[o + 7], p[o + 6], p[o + 7]);
    return;
  }
  // Points on one line along the layers are joined straight; others by a curve leaving and entering along the layers.
  for (let k = 1; k < count; k++) {
    const ax = p[o + 2 * k - 2];
    const ay = p[o + 2 * k - 1];
    const bx = p[o + 2 * k];
    const by = p[o + 2 * k + 1];
    if (lr ? ay === by : ax === bx) ctx.lineTo(bx, by);
    else if (lr) {
      const dx = (bx - ax) / 2;
      ctx.bezierCurveTo(ax + dx, ay, bx - dx, by, bx, by);
    } else {
      const dy = (by - ay) / 2;
      ctx.bezierCurveTo(ax, ay + dy, bx, by - dy, bx, by);
    }
  }
}

function arrowHead(ctx: CanvasRenderingContext2D, scene: Scene, e: number): void {
  const p = scene.layout.edgePoints;
  const end = scene.layout.edgeOffset[e + 1];
  if (end - scene.layout.edgeOffset[e] < 4) return;
  const x = p[end - 2];
  const y = p[end - 1];
  // Top to bottom, edges enter from above and skips from the left; left to right, from the left and from above.
  const down = (scene.layout.edgeKind[e] === EdgeKind.Skip) === (scene.layout.direction === 'LR');
  ctx.moveTo(x, y);
  if (down) {
    ctx.lineTo(x - 4, y - 7);
    ctx.lineTo(x + 4, y - 7);
  } else {
    ctx.lineTo(x - 7, y - 4);
    ctx.lineTo(x - 7, y + 4);
  }
  ctx.closePath();
}

function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, r);
}

const DIFF_COLOR = { added: 'diffAdded', removed: 'diffRemoved', changed: 'diffChanged' } as const;

/** A box's text, as measured for the layout (or roughly, for a scene made without a canvas). */
export function textOf(scene: Scene, v: number): BoxText {
  return scene.text?.get(v) ?? boxText(scene.display.nodes[v], { mode: 'both', prefix: scene.prefix, thumb: false }, roughMeasure);
}

/** Where a box's text runs start: the left edge of its text and the baseline of each line. */
export function textOrigin(scene: Scene, v: number, t: BoxText): { left: number; baseline: (line: number) => number } {
  const { x, y, w, h } = scene.layout;
  const top = y[v] - h[v] / 2;
  const used = BOX.firstBaseline + BOX.lineH * (t.lines - 1) + BOX.bottom;
  // Fewer lines than the box's height: centred vertically.
  const shift = Math.max(0, (h[v] - used) / 2);
  return { left: x[v] - w[v] / 2 + t.padLeft, baseline: (line) => top + shift + BOX.firstBaseline + line * BOX.lineH };
}

function drawNode(ctx: CanvasRenderingContext2D, scene: Scene, v: number, theme: Theme, ov: Overlay): void {
  const d = scene.display.nodes[v];
  const W = scene.layout.w[v];
  const H = scene.layout.h[v];
  const x = scene.layout.x[v] - W / 2;
  const y = scene.layout.y[v] - H / 2;
  const terminal = d.kind === 'input' || d.kind === 'output';
  roundRect(ctx, x, y, W, H, terminal ? Math.min(H, W) / 2 : 5);
  ctx.fillStyle = ov.fills?.[v] ?? (d.kind === 'group' ? theme.color.groupFill : theme.color.nodeFill);
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
    ctx.fillRect(x, y + 1, 5, H - 2);
  }
  const t = textOf(scene, v);
  const thumb = ov.thumbnails.get(v);
  if (thumb) ctx.drawImage(thumb, x + W - BOX.thumb + 3, y + (H - BOX.thumb) / 2 + 3, BOX.thumb - 6, BOX.thumb - 6);
  const o = textOrigin(scene, v, t);
  ctx.textBaseline = 'alphabetic';
  let font = '';
  for (const r of t.runs) {
    if (r.font !== font) {
      font = r.font;
      ctx.font = fontCss(r.font, theme.fontFamily);
    }
    // A quantised layer's type tag ('int8') is drawn as a pill around its run.
    if (r.font === 'badge') {
      roundRect(ctx, o.left + r.dx - 4, o.baseline(r.line) - 11, r.width + 8, 15, 7);
      ctx.fillStyle = theme.color.labelBg;
      ctx.fill();
      ctx.strokeStyle = theme.color.muted;
      ctx.lineWidth = 1;
      ctx.stroke();
    }
    ctx.fillStyle = r.tone === 'text' ? theme.color.text : r.tone === 'mark' ? markColor || theme.color.muted : theme.color.muted;
    ctx.fillText(r.text, o.left + r.dx, o.baseline(r.line));
    ov.drawn?.push({ box: v, text: r.text, font: fontCss(r.font, theme.fontFamily), x: o.left + r.dx, baseline: o.baseline(r.line) });
  }
}

/** Shape labels where the layout put them (beside a straight stretch of their edge), at one size in world units. */
function drawEdgeLabels(ctx: CanvasRenderingContext2D, scene: Scene, edges: number[], theme: Theme, labelBoxes?: LabelBox[]): number {
  const half = LABEL_H / 2;
  ctx.font = fontCss('label', theme.fontFamily);
  ctx.textBaseline = 'middle';
  let drawn = 0;
  const plain = ctx.font;
  const italic = `italic ${plain}`;
  for (const e of edges) {
    const x = scene.layout.labelX[e];
    const y = scene.layout.labelY[e];
    if (x !== x) continue;
    const de = scene.display.edges[e];
    const text = visibleText(de.label);
    if (!text) continue;
    drawn++;
    const label = de.declared ? `${text} ${DECLARED_MARK}` : text;
    ctx.font = de.declared ? italic : plain;
    const w = ctx.measureText(label).width;
    ctx.fillStyle = theme.color.labelBg;
    ctx.fillRect(x - 1, y - half, w + 2, 2 * half);
    ctx.fillStyle = scene.layout.edgeKind[e] === EdgeKind.Skip ? theme.color.skip : theme.color.muted;
    ctx.fillText(label, x, y);
    labelBoxes?.push({ edge: e, x0: x - 1, y0: y - half, x1: x + w + 1, y1: y + half });
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
  }
}

function drawFrameTitles(ctx: CanvasRenderingContext2D, scene: Scene, theme: Theme, x0: number, y0: number, x1: number, y1: number): void {
  ctx.font = `11px ${theme.fontFamily}`;
  ctx.textBaseline = 'middle';
  for (const f of scene.frames) {
    if (f.x1 < x0 || f.x0 > x1 || f.y1 < y0 || f.y0 > y1) continue;
    if (f.plate) {
      ctx.fillStyle = theme.color.background;
      ctx.fillRect(f.titleX - 3, f.y0 + 2, f.titleW + 6, 14);
    }
    ctx.fillStyle = theme.color.muted;
    ctx.fillText(`▾ ${visibleText(f.title)}`, f.titleX, f.y0 + 9);
  }
}
