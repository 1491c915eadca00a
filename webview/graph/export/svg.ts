import { EdgeKind } from '../layout/types';
import { textOf, textOrigin, tracePath, type PathSink } from '../render/draw';
import type { Scene } from '../render/scene';
import { DECLARED_MARK } from '../../../src/common/shapeMarks';
import type { Theme } from '../render/theme';
import { xmlText } from './xmlText';
import * as l10n from '@vscode/l10n';

/** The whole graph as a standalone SVG file, in the colours of the current theme. */
class SvgPath implements PathSink {
  d: string[] = [];
  moveTo(x: number, y: number): void {
    this.d.push(`M${r(x)} ${r(y)}`);
  }
  lineTo(x: number, y: number): void {
    this.d.push(`L${r(x)} ${r(y)}`);
  }
  bezierCurveTo(a: number, b: number, c: number, d: number, x: number, y: number): void {
    this.d.push(`C${r(a)} ${r(b)} ${r(c)} ${r(d)} ${r(x)} ${r(y)}`);
  }
  quadraticCurveTo(a: number, b: number, x: number, y: number): void {
    this.d.push(`Q${r(a)} ${r(b)} ${r(x)} ${r(y)}`);
  }
}

const r = (v: number): string => String(Math.round(v * 10) / 10);

export function sceneToSvg(scene: Scene, theme: Theme): string {
  const { layout, display } = scene;
  const b = layout.bounds;
  const pad = 20;
  const w = b.maxX - b.minX + 2 * pad;
  const h = b.maxY - b.minY + 2 * pad;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${r(w)}" height="${r(h)}" viewBox="${r(b.minX - pad)} ${r(b.minY - pad)} ${r(w)} ${r(h)}" font-family="${xmlText(theme.fontFamily)}">`);
  out.push(`<rect x="${r(b.minX - pad)}" y="${r(b.minY - pad)}" width="${r(w)}" height="${r(h)}" fill="${xmlText(theme.color.background)}"/>`);
  for (let e = 0; e < display.edges.length; e++) {
    const p = new SvgPath();
    tracePath(p, scene, e);
    const skip = layout.edgeKind[e] === EdgeKind.Skip;
    out.push(`<path class="${skip ? 'skip' : 'edge'}" d="${p.d.join('')}" fill="none" stroke="${skip ? theme.color.skip : theme.color.edge}" stroke-width="${skip ? 2 : 1.2}"/>`);
    const { label, declared } = display.edges[e];
    // Where the layout put it, as on the canvas (NaN: the edge shows none).
    if (label && layout.labelX[e] === layout.labelX[e]) {
      const text = declared ? `${label} ${DECLARED_MARK}` : label;
      out.push(`<text x="${r(layout.labelX[e])}" y="${r(layout.labelY[e] + 4)}" font-size="11"${declared ? ' font-style="italic"' : ''} fill="${skip ? theme.color.skip : theme.color.muted}">${xmlText(text)}</text>`);
    }
  }
  display.nodes.forEach((d, i) => {
    const W = layout.w[i];
    const H = layout.h[i];
    const x = layout.x[i] - W / 2;
    const y = layout.y[i] - H / 2;
    const terminal = d.kind === 'input' || d.kind === 'output';
    out.push(`<g class="node ${d.family}">`);
    out.push(`<rect x="${r(x)}" y="${r(y)}" width="${r(W)}" height="${r(H)}" rx="${terminal ? r(Math.min(W, H) / 2) : 5}" fill="${d.kind === 'group' ? theme.color.groupFill : theme.color.nodeFill}" stroke="${theme.family[d.family]}"${d.kind === 'group' ? ' stroke-dasharray="5 3"' : ''}/>`);
    if (!terminal) out.push(`<rect x="${r(x)}" y="${r(y + 1)}" width="5" height="${r(H - 2)}" fill="${theme.family[d.family]}"/>`);
    const t = textOf(scene, i);
    const o = textOrigin(scene, i, t);
    for (const run of t.runs) {
      const weight = run.font === 'title' || run.font === 'badge' ? ' font-weight="600"' : '';
      const size = run.font === 'small' ? 11 : run.font === 'badge' ? 10 : 12;
      out.push(`<text x="${r(o.left + run.dx)}" y="${r(o.baseline(run.line))}" font-size="${size}"${weight} fill="${run.tone === 'text' ? theme.color.text : theme.color.muted}">${xmlText(run.text)}</text>`);
    }
    out.push('</g>');
  });
  out.push('</svg>');
  return out.join('\n');
}
