import type { GridImage } from '../../src/runtime/grid';
import { h } from '../common/dom';
import * as l10n from '@vscode/l10n';

export interface GridHit {
  channel: number;
  y: number;
  x: number;
}

/**
 * A channel grid image shown at a whole zoom factor (crisp pixels), with an overlay layer for
 * receptive-field rectangles, and a mapping from mouse position to (channel, y, x).
 */
export class GridView {
  readonly root: HTMLDivElement;
  private readonly overlay: HTMLDivElement;
  private readonly img: HTMLImageElement;
  private zoom = 1;

  constructor(readonly grid: GridImage, maxWidth: number) {
    this.zoom = Math.max(1, Math.floor(maxWidth / grid.width));
    this.img = h('img', { class: 'grid-img', attrs: { src: grid.png, alt: l10n.t('channel maps') }, props: { draggable: false } });
    this.img.style.width = `${grid.width * this.zoom}px`;
    this.img.style.height = `${grid.height * this.zoom}px`;
    this.overlay = h('div', { class: 'grid-overlay' });
    this.root = h('div', { class: 'grid-wrap' }, this.img, this.overlay);
  }

  /** The tensor element under a mouse event, or null over a gap. */
  hit(ev: MouseEvent): GridHit | null {
    const r = this.img.getBoundingClientRect();
    const px = (ev.clientX - r.left) / this.zoom;
    const py = (ev.clientY - r.top) / this.zoom;
    const g = this.grid;
    const col = Math.floor(px / (g.tileWidth + g.gap));
    const row = Math.floor(py / (g.tileHeight + g.gap));
    const ox = px - col * (g.tileWidth + g.gap);
    const oy = py - row * (g.tileHeight + g.gap);
    if (col < 0 || row < 0 || col >= g.cols || ox >= g.tileWidth || oy >= g.tileHeight) return null;
    const k = row * g.cols + col;
    if (k >= g.channelsShown) return null;
    return { channel: g.firstChannel + k, y: Math.floor((oy * g.mapHeight) / g.tileHeight), x: Math.floor((ox * g.mapWidth) / g.tileWidth) };
  }

  /** Outlines map rows y0..y1 and columns x0..x1 (inclusive) in every tile. */
  highlight(win: { y0: number; y1: number; x0: number; x1: number } | null): void {
    this.overlay.replaceChildren();
    if (win) this.mark(win, 'rf-box');
  }

  /** Outlines an input window given per axis: one range for a strip's positions, rows then columns for a 2-D map. */
  highlightAxes(axes: readonly { start: number; end: number }[]): void {
    const [ry, rx] = axes.length === 1 ? [{ start: 0, end: 0 }, axes[0]] : axes;
    this.highlight({ y0: ry.start, y1: ry.end, x0: rx.start, x1: rx.end });
  }

  /** Adds a box with class `cls` over rows y0..y1, columns x0..x1 of every tile (they may lie
   * outside the map, as padding does), keeping what is drawn. */
  mark(win: { y0: number; y1: number; x0: number; x1: number }, cls: string): void {
    const g = this.grid;
    const sx = (g.tileWidth / g.mapWidth) * this.zoom;
    const sy = (g.tileHeight / g.mapHeight) * this.zoom;
    for (let k = 0; k < g.channelsShown; k++) {
      const col = k % g.cols, row = Math.floor(k / g.cols);
      const box = h('div', { class: cls });
      box.style.left = `${col * (g.tileWidth + g.gap) * this.zoom + win.x0 * sx}px`;
      box.style.top = `${row * (g.tileHeight + g.gap) * this.zoom + win.y0 * sy}px`;
      box.style.width = `${(win.x1 - win.x0 + 1) * sx}px`;
      box.style.height = `${(win.y1 - win.y0 + 1) * sy}px`;
      this.overlay.append(box);
    }
  }
}
