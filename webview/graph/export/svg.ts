import { EdgeKind } from '../layout/types';
import { textOf, textOrigin, tracePath, type PathSink } from '../render/draw';
import { fontCss, LABEL_H, roughMeasure, type FontName, type Measure } from '../render/boxText';
import type { Scene } from '../render/scene';
import { DECLARED_MARK } from '../../../src/common/shapeMarks';
import { visibleText } from '../../../src/common/visibleText';
import type { Theme } from '../render/theme';
import { xmlText } from './xmlText';

/** Everything drawn, so the viewBox covers each box, label, arc and frame (not only the boxes). */
class Extent {
  x0 = Infinity;
  y0 = Infinity;
  x1 = -Infinity;
  y1 = -Infinity;
  add(x: number, y: number): void {
    if (x < this.x0) this.x0 = x;
    if (x > this.x1) this.x1 = x;
    if (y < this.y0) this.y0 = y;
    if (y > this.y1) this.y1 = y;
  }
}

/** An edge's path as SVG data; its points (ends and Bézier control points, which bound the curve) widen the extent. */
class SvgPath implements PathSink {
  d: string[] = [];
  constructor(private readonly ext: Extent) {}
  moveTo(x: number, y: number): void {
    this.ext.add(x, y);
    this.d.push(`M${r(x)} ${r(y)}`);
  }
  lineTo(x: number, y: number): void {
    this.ext.add(x, y);
    this.d.push(`L${r(x)} ${r(y)}`);
  }
  bezierCurveTo(a: number, b: number, c: number, d: number, x: number, y: number): void {
    this.ext.add(a, b), this.ext.add(c, d), this.ext.add(x, y);
    this.d.push(`C${r(a)} ${r(b)} ${r(c)} ${r(d)} ${r(x)} ${r(y)}`);
  }
  quadraticCurveTo(a: number, b: number, x: number, y: number): void {
    this.ext.add(a, b), this.ext.add(x, y);
    this.d.push(`Q${r(a)} ${r(b)} ${r(x)} ${r(y)}`);
  }
}

const r = (v: number): string => String(Math.round(v * 10) / 10);
/** Room around the drawing, so strokes and anti-aliasing are not cut at the image edge. */
const MARGIN = 20;

/**
 * The whole graph as a standalone SVG file, drawn as the canvas draws it (draw.ts): the same layout,
 * box sizes, text runs and fonts (boxText.ts's fontCss), group frames and label positions, in the
 * colours of the current theme. `measure` is the page's canvas measure (boxText.ts), for the extent of labels.
 */
export function sceneToSvg(scene: Scene, theme: Theme, measure: Measure = roughMeasure): string {
  const { layout, display } = scene;
  const ext = new Extent();
  const body: string[] = [];
  // Presentation attributes, not a style="font: …": a webview's CSP drops inline styles, and any viewer reads these.
  const font = (f: FontName, italic = false): string => {
    const [, weight, size] = /^(?:(\d+) )?(\d+(?:\.\d+)?)px/.exec(fontCss(f, '')) ?? [];
    return `font-family="${xmlText(theme.fontFamily)}" font-size="${size}"${weight ? ` font-weight="${weight}"` : ''}${italic ? ' font-style="italic"' : ''}`;
  };
  // Titles go after the edges, as on the canvas (one on a plate covers the edges under it).
  const titles: string[] = [];
  for (const f of scene.frames) {
    ext.add(f.x0, f.y0), ext.add(f.x1, f.y1);
    const title = `▾ ${visibleText(f.title)}`;
    ext.add(f.titleX + measure(title, 'label'), f.y0);
    body.push(`<rect class="frame" x="${r(f.x0)}" y="${r(f.y0)}" width="${r(f.x1 - f.x0)}" height="${r(f.y1 - f.y0)}" rx="8" fill="none" stroke="${xmlText(theme.color.groupFrame)}"/>`);
    if (f.plate) titles.push(`<rect class="frame-plate" x="${r(f.titleX - 3)}" y="${r(f.y0 + 2)}" width="${r(f.titleW + 6)}" height="14" fill="${xmlText(theme.color.background)}"/>`);
    titles.push(`<text class="frame-title" x="${r(f.titleX)}" y="${r(f.y0 + 9)}" dominant-baseline="central" ${font('label')} fill="${xmlText(theme.color.muted)}">${xmlText(title)}</text>`);
  }
  // Edge labels after the titles, as the canvas draws them last.
  const labels: string[] = [];
  for (let e = 0; e < display.edges.length; e++) {
    const p = new SvgPath(ext);
    tracePath(p, scene, e);
    const skip = layout.edgeKind[e] === EdgeKind.Skip;
    body.push(`<path class="${skip ? 'skip' : 'edge'}" d="${p.d.join('')}" fill="none" stroke="${xmlText(skip ? theme.color.skip : theme.color.edge)}" stroke-width="${skip ? 2 : 1.2}"/>`);
    const de = display.edges[e];
    const text = visibleText(de.label);
    const x = layout.labelX[e];
    const y = layout.labelY[e];
    // Where the layout put it, as on the canvas (NaN: the edge shows none).
    if (!text || x !== x) continue;
    const label = de.declared ? `${text} ${DECLARED_MARK}` : text;
    const w = measure(label, 'label') * (de.declared ? 1.05 : 1);
    ext.add(x - 1, y - LABEL_H / 2), ext.add(x + w + 1, y + LABEL_H / 2);
    labels.push(`<rect class="label-bg" x="${r(x - 1)}" y="${r(y - LABEL_H / 2)}" width="${r(w + 2)}" height="${LABEL_H}" fill="${xmlText(theme.color.labelBg)}"/>`);
    labels.push(`<text class="label" x="${r(x)}" y="${r(y)}" dominant-baseline="central" ${font('label', de.declared)} fill="${xmlText(skip ? theme.color.skip : theme.color.muted)}">${xmlText(label)}</text>`);
  }
  body.push(...titles, ...labels);
  display.nodes.forEach((d, i) => {
    const W = layout.w[i];
    const H = layout.h[i];
    const x = layout.x[i] - W / 2;
    const y = layout.y[i] - H / 2;
    ext.add(x, y), ext.add(x + W, y + H);
    const terminal = d.kind === 'input' || d.kind === 'output';
    const stroke = xmlText(theme.highContrast ? theme.color.nodeBorder : theme.family[d.family]);
    body.push(`<g class="node ${d.family}">`);
    body.push(`<rect class="box" x="${r(x)}" y="${r(y)}" width="${r(W)}" height="${r(H)}" rx="${terminal ? r(Math.min(W, H) / 2) : 5}" fill="${xmlText(d.kind === 'group' ? theme.color.groupFill : theme.color.nodeFill)}" stroke="${stroke}"${d.kind === 'group' ? ' stroke-dasharray="5 3"' : ''}/>`);
    if (!terminal) body.push(`<rect x="${r(x)}" y="${r(y + 1)}" width="5" height="${r(H - 2)}" fill="${xmlText(theme.family[d.family])}"/>`);
    const t = textOf(scene, i);
    const o = textOrigin(scene, i, t);
    for (const run of t.runs) {
      const tx = o.left + run.dx;
      const by = o.baseline(run.line);
      if (run.font === 'badge') body.push(`<rect x="${r(tx - 4)}" y="${r(by - 11)}" width="${r(run.width + 8)}" height="15" rx="7" fill="${xmlText(theme.color.labelBg)}" stroke="${xmlText(theme.color.muted)}"/>`);
      body.push(`<text x="${r(tx)}" y="${r(by)}" ${font(run.font)} fill="${xmlText(run.tone === 'text' ? theme.color.text : theme.color.muted)}">${xmlText(run.text)}</text>`);
    }
    body.push('</g>');
  });
  if (ext.x0 > ext.x1) ext.add(0, 0);
  const vx = ext.x0 - MARGIN;
  const vy = ext.y0 - MARGIN;
  const w = ext.x1 - ext.x0 + 2 * MARGIN;
  const h = ext.y1 - ext.y0 + 2 * MARGIN;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${r(w)}" height="${r(h)}" viewBox="${r(vx)} ${r(vy)} ${r(w)} ${r(h)}">`,
    `<rect x="${r(vx)}" y="${r(vy)}" width="${r(w)}" height="${r(h)}" fill="${xmlText(theme.color.background)}"/>`,
    ...body,
    '</svg>',
  ].join('\n');
}
