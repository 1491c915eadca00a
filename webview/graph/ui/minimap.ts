import type { OpFamily } from '../../../src/protocol/viewModel';
import type { Camera } from '../render/camera';
import type { Scene } from '../render/scene';
import type { Theme } from '../render/theme';
import { oncePerFrame } from '../render/frame';

const W = 150;
const H = 220;

/** What the main view shows: its camera and size. */
export type ViewportOf = () => { cam: Camera; width: number; height: number };

/**
 * The whole graph in a corner, drawn once per layout into an offscreen canvas; each frame only
 * copies it and draws the viewport rectangle. Click or drag to move the view there. Redrawn at
 * most once per animation frame, after the camera, the scene or the theme changed.
 */
export class Minimap {
  readonly el: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private cache: HTMLCanvasElement | null = null;
  private scene: Scene | null = null;
  private k = 1;
  private ox = 0;
  private oy = 0;

  constructor(parent: HTMLElement, private theme: Theme, private readonly viewport: ViewportOf, private readonly moveTo: (wx: number, wy: number) => void) {
    this.el = document.createElement('canvas');
    this.el.className = 'cl-minimap';
    this.el.id = 'cl-minimap';
    this.el.width = W * devicePixelRatio;
    this.el.height = H * devicePixelRatio;
    this.el.style.width = `${W}px`;
    this.el.style.height = `${H}px`;
    this.ctx = this.el.getContext('2d')!;
    parent.append(this.el);
    let dragging = false;
    const go = (ev: PointerEvent) => {
      const r = this.el.getBoundingClientRect();
      // A compact view shows the minimap smaller than it is drawn (CSS size, see styles.css).
      const z = r.width / W || 1;
      this.moveTo(((ev.clientX - r.left) / z - this.ox) / this.k, ((ev.clientY - r.top) / z - this.oy) / this.k);
    };
    this.el.addEventListener('pointerdown', (ev) => {
      dragging = true;
      this.el.setPointerCapture(ev.pointerId);
      go(ev);
    });
    this.el.addEventListener('pointermove', (ev) => dragging && go(ev));
    this.el.addEventListener('pointerup', () => (dragging = false));
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    if (this.scene) this.setScene(this.scene);
  }

  /** Shown only for graphs too big to read at a glance. */
  setScene(scene: Scene | null): void {
    this.scene = scene;
    const big = !!scene && scene.display.nodes.length > 40;
    this.el.classList.toggle('cl-hidden', !big);
    if (!scene || !big) return;
    const b = scene.layout.bounds;
    this.k = Math.min(W / (b.maxX - b.minX), H / (b.maxY - b.minY));
    this.ox = (W - (b.maxX - b.minX) * this.k) / 2 - b.minX * this.k;
    this.oy = (H - (b.maxY - b.minY) * this.k) / 2 - b.minY * this.k;
    const dpr = devicePixelRatio;
    const c = document.createElement('canvas');
    c.width = Math.round(W * dpr);
    c.height = Math.round(H * dpr);
    // Boxes are set as pixels, each at least one CSS pixel: for 50,000 boxes the canvas's own
    // fillRect (with a fill style for each colour) took as long as laying out their text.
    const img = new ImageData(c.width, c.height);
    const px = new Uint32Array(img.data.buffer);
    const background = this.theme.color.background;
    px.fill(pixelOf(background));
    const colour = new Map<OpFamily, number>();
    const { x, y, w, h } = scene.layout;
    scene.display.nodes.forEach((d, i) => {
      let v = colour.get(d.family);
      if (v === undefined) colour.set(d.family, (v = pixelOf(this.theme.family[d.family], background)));
      const x0 = Math.max(0, Math.floor((this.ox + (x[i] - w[i] / 2) * this.k) * dpr));
      const y0 = Math.max(0, Math.floor((this.oy + (y[i] - h[i] / 2) * this.k) * dpr));
      const x1 = Math.min(c.width, Math.max(x0 + Math.round(dpr), Math.round((this.ox + (x[i] + w[i] / 2) * this.k) * dpr)));
      const y1 = Math.min(c.height, Math.max(y0 + Math.round(dpr), Math.round((this.oy + (y[i] + h[i] / 2) * this.k) * dpr)));
      for (let row = y0; row < y1; row++) px.fill(v, row * c.width + x0, row * c.width + x1);
    });
    c.getContext('2d')!.putImageData(img, 0, 0);
    this.cache = c;
    this.invalidate();
  }

  /** Redraws in the next animation frame (once, however often it is called before then). */
  readonly invalidate = oncePerFrame(() => this.draw());

  private draw(): void {
    if (!this.scene || !this.cache || this.el.classList.contains('cl-hidden')) return;
    const { cam, width: vw, height: vh } = this.viewport();
    const g = this.ctx;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.drawImage(this.cache, 0, 0);
    g.setTransform(devicePixelRatio, 0, 0, devicePixelRatio, 0, 0);
    const x0 = (-cam.tx / cam.scale) * this.k + this.ox;
    const y0 = (-cam.ty / cam.scale) * this.k + this.oy;
    g.strokeStyle = this.theme.color.focus;
    g.lineWidth = 1.5;
    g.strokeRect(x0, y0, Math.max(3, (vw / cam.scale) * this.k), Math.max(3, (vh / cam.scale) * this.k));
  }
}

/** A CSS colour (over `under`, as fillRect would draw it on the background) as an ImageData pixel: RGBA bytes, read as one word. */
function pixelOf(css: string, under?: string): number {
  const c = document.createElement('canvas');
  c.width = c.height = 1;
  const g = c.getContext('2d', { willReadFrequently: true })!;
  for (const fill of under ? [under, css] : [css]) {
    g.fillStyle = fill;
    g.fillRect(0, 0, 1, 1);
  }
  return new Uint32Array(g.getImageData(0, 0, 1, 1).data.buffer)[0];
}
