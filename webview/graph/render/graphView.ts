import { centreOn, readableFit, zoomAt, type Camera } from './camera';
import { drawScene, labelAt, type FrameStats, type Overlay } from './draw';
import { frameHeaderAt, type GroupFrame, type Scene } from './scene';
import type { Theme } from './theme';
import { oncePerFrame } from './frame';
import * as l10n from '@vscode/l10n';

export interface GraphViewEvents {
  select(node: number): void;
  /** `edge`: the display edge whose shape label is under the pointer when no box is (else -1). */
  hover(node: number, clientX: number, clientY: number, edge: number): void;
  activate(node: number): void;
  toggleFrame(frame: GroupFrame): void;
  cameraChanged(cam: Camera): void;
}

/**
 * The canvas that shows a Scene: draws only what is in view, once per animation frame and only
 * when something changed; pans by drag, zooms by wheel, trackpad pinch (ctrl+wheel) and
 * two-finger touch; reports clicks, double clicks and hover.
 */
export class GraphView {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private scene: Scene | null = null;
  cam: Camera = { scale: 1, tx: 0, ty: 0 };
  overlay: Overlay = { selected: -1, hovered: -1, matches: new Set(), thumbnails: new Map(), labelBoxes: [] };
  private width = 0;
  private height = 0;
  private dpr = 1;
  /** The page's width at the last resize: a panel made narrower or wider keeps what was in its middle there. */
  private pageWidth = 0;
  /** Frames drawn and the time the last one took, for the benchmark and tests. */
  readonly stats = { frames: 0, lastMs: 0, last: { nodes: 0, edges: 0, labels: 0 } as FrameStats };
  private readonly pointers = new Map<number, { x: number; y: number }>();
  private dragStart: { x: number; y: number; moved: boolean } | null = null;
  private pinchDist = 0;

  constructor(private readonly container: HTMLElement, public theme: Theme, private readonly events: GraphViewEvents) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'cl-canvas';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('aria-label', l10n.t('Model graph'));
    container.appendChild(this.canvas);
    this.ctx = this.canvas.getContext('2d', { alpha: false })!;
    new ResizeObserver(() => this.resize()).observe(container);
    this.resize();
    this.listen();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.invalidate();
  }

  setScene(scene: Scene | null): void {
    this.scene = scene;
    this.invalidate();
  }

  /** The current size, measured now (the header may have changed height since the last resize event). */
  get viewport(): { width: number; height: number } {
    const r = this.container.getBoundingClientRect();
    if (Math.round(r.width) !== this.width || Math.round(r.height) !== this.height) this.resize();
    return { width: this.width, height: this.height };
  }

  setCamera(cam: Camera): void {
    this.cam = cam;
    this.events.cameraChanged(cam);
    this.invalidate();
  }

  fit(): void {
    if (!this.scene) return;
    const { width, height } = this.viewport;
    this.setCamera(readableFit(this.scene.layout.bounds, width, height));
  }

  zoomBy(factor: number, px = this.width / 2, py = this.height / 2): void {
    this.setCamera(zoomAt(this.cam, factor, px, py));
  }

  panBy(dx: number, dy: number): void {
    this.setCamera({ ...this.cam, tx: this.cam.tx + dx, ty: this.cam.ty + dy });
  }

  /** Centres a node, zooming in to a readable scale first when the view is zoomed far out. */
  reveal(node: number): void {
    if (!this.scene || node < 0) return;
    const cam = this.cam.scale < 0.6 ? { ...this.cam, scale: 0.9 } : this.cam;
    this.setCamera(centreOn(cam, this.scene.layout.x[node], this.scene.layout.y[node], this.width, this.height));
  }

  /** True when the node's box is entirely on screen. */
  isVisible(node: number): boolean {
    if (!this.scene) return false;
    const sx = this.scene.layout.x[node] * this.cam.scale + this.cam.tx;
    const sy = this.scene.layout.y[node] * this.cam.scale + this.cam.ty;
    return sx > 0 && sy > 0 && sx < this.width && sy < this.height;
  }

  toWorld(clientX: number, clientY: number): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: (clientX - r.left - this.cam.tx) / this.cam.scale, y: (clientY - r.top - this.cam.ty) / this.cam.scale };
  }

  /** Redraws in the next animation frame (once, however often it is called before then). */
  readonly invalidate = oncePerFrame(() => this.draw());

  private resize(): void {
    const r = this.container.getBoundingClientRect();
    this.dpr = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(r.width));
    // The panel itself was resized (a source editor opened beside it): keep the middle of the view in the
    // middle. Not when the drawer opens or closes inside the page, which would move the box just clicked.
    if (this.scene && this.width > 1 && this.pageWidth && window.innerWidth !== this.pageWidth && width !== this.width) {
      this.cam = { ...this.cam, tx: this.cam.tx + (width - this.width) / 2 };
      this.events.cameraChanged(this.cam);
    }
    this.pageWidth = window.innerWidth;
    this.width = width;
    this.height = Math.max(1, Math.round(r.height));
    this.canvas.width = Math.round(this.width * this.dpr);
    this.canvas.height = Math.round(this.height * this.dpr);
    this.canvas.style.width = `${this.width}px`;
    this.canvas.style.height = `${this.height}px`;
    this.invalidate();
  }

  private draw(): void {
    const t0 = performance.now();
    this.ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    if (!this.scene) {
      this.ctx.fillStyle = this.theme.color.background;
      this.ctx.fillRect(0, 0, this.width, this.height);
    } else {
      this.stats.last = drawScene(this.ctx, this.scene, this.cam, this.width, this.height, this.theme, this.overlay);
    }
    this.stats.frames++;
    this.stats.lastMs = performance.now() - t0;
  }

  private hit(clientX: number, clientY: number): number {
    if (!this.scene) return -1;
    const w = this.toWorld(clientX, clientY);
    return this.scene.index.nodeAt(w.x, w.y);
  }

  /** The edge whose label (as last drawn) is under the pointer, or -1. */
  private labelHit(clientX: number, clientY: number): number {
    if (!this.scene || !this.overlay.labelBoxes?.length) return -1;
    const w = this.toWorld(clientX, clientY);
    return labelAt(this.overlay.labelBoxes, w.x, w.y);
  }

  private listen(): void {
    const c = this.canvas;
    c.addEventListener('pointerdown', (ev) => {
      c.setPointerCapture(ev.pointerId);
      this.pointers.set(ev.pointerId, { x: ev.clientX, y: ev.clientY });
      if (this.pointers.size === 1) this.dragStart = { x: ev.clientX, y: ev.clientY, moved: false };
      if (this.pointers.size === 2) this.pinchDist = this.pointerDistance();
    });
    c.addEventListener('pointermove', (ev) => {
      const p = this.pointers.get(ev.pointerId);
      if (!p) {
        const v = this.hit(ev.clientX, ev.clientY);
        if (v !== this.overlay.hovered) {
          this.overlay.hovered = v;
          this.invalidate();
        }
        this.events.hover(v, ev.clientX, ev.clientY, v < 0 ? this.labelHit(ev.clientX, ev.clientY) : -1);
        return;
      }
      const dx = ev.clientX - p.x;
      const dy = ev.clientY - p.y;
      p.x = ev.clientX;
      p.y = ev.clientY;
      if (this.pointers.size === 2) {
        const d = this.pointerDistance();
        const mid = this.pointerMid();
        if (this.pinchDist > 0) this.zoomBy(d / this.pinchDist, mid.x, mid.y);
        this.pinchDist = d;
        if (this.dragStart) this.dragStart.moved = true;
        return;
      }
      if (this.dragStart && Math.abs(ev.clientX - this.dragStart.x) + Math.abs(ev.clientY - this.dragStart.y) > 3) this.dragStart.moved = true;
      this.panBy(dx, dy);
    });
    const up = (ev: PointerEvent) => {
      this.pointers.delete(ev.pointerId);
      if (this.pointers.size > 0) return;
      const start = this.dragStart;
      this.dragStart = null;
      if (!start || start.moved || ev.type === 'pointercancel') return;
      const w = this.toWorld(ev.clientX, ev.clientY);
      const frame = this.scene ? frameHeaderAt(this.scene.frames, w.x, w.y) : null;
      const v = this.hit(ev.clientX, ev.clientY);
      if (v < 0 && frame) this.events.toggleFrame(frame);
      else this.events.select(v);
    };
    c.addEventListener('pointerup', up);
    c.addEventListener('pointercancel', up);
    c.addEventListener('pointerleave', () => {
      if (this.overlay.hovered >= 0) {
        this.overlay.hovered = -1;
        this.invalidate();
      }
      this.events.hover(-1, 0, 0, -1);
    });
    c.addEventListener('dblclick', (ev) => {
      const v = this.hit(ev.clientX, ev.clientY);
      if (v >= 0) this.events.activate(v);
    });
    c.addEventListener('wheel', (ev) => {
      ev.preventDefault();
      const r = c.getBoundingClientRect();
      // Trackpad pinch arrives as ctrl+wheel with small deltas; a mouse wheel step is ~100.
      const delta = ev.deltaMode === 1 ? ev.deltaY * 33 : ev.deltaY;
      const factor = Math.exp(-delta * (ev.ctrlKey ? 0.01 : 0.0015));
      this.zoomBy(factor, ev.clientX - r.left, ev.clientY - r.top);
    }, { passive: false });
  }

  private pointerDistance(): number {
    const [a, b] = [...this.pointers.values()];
    return Math.hypot(a.x - b.x, a.y - b.y);
  }

  private pointerMid(): { x: number; y: number } {
    const [a, b] = [...this.pointers.values()];
    const r = this.canvas.getBoundingClientRect();
    return { x: (a.x + b.x) / 2 - r.left, y: (a.y + b.y) / 2 - r.top };
  }
}
