import type { FromWebview, InferenceState, ToWebview, ViewOptions } from '../../src/protocol/messages';
import { RpcClient } from '../../src/protocol/rpc';
import type { ViewGraph } from '../../src/protocol/viewModel';
import { toMarkdown } from './export/markdown';
import { toMermaid } from './export/mermaid';
import { MermaidPreview } from './export/mermaidPreview';
import { sceneToPngBase64 } from './export/png';
import { sceneToSvg } from './export/svg';
import { LayoutClient } from './layout/client';
import { EdgeKind } from './layout/types';
import { collapseToDepth, deriveDisplayGraph, type DisplayGraph } from './model/displayGraph';
import { layoutGroups } from './model/layoutGroups';
import { EdgeNavigator } from './model/navigation';
import { readableFit, type Camera } from './render/camera';
import { TEXT_SCALE } from './render/draw';
import { GraphView } from './render/graphView';
import { columnGapFor, LAYER_GAP, makeScene, NODE_H, NODE_W, type Scene } from './render/scene';
import { readTheme, watchTheme } from './render/theme';
import type { SavedState } from './state';
import { DetailsPanel } from './ui/details';
import { h } from '../common/dom';
import { InferenceBar } from './ui/inference';
import { Legend } from './ui/legend';
import { Minimap } from './ui/minimap';
import { nodeInfo } from './ui/nodeInfo';
import { searchDisplay, SearchBox } from './ui/search';
import { SummaryBar } from './ui/summary';
import { Toolbar } from './ui/toolbar';
import { Tooltip } from './ui/tooltip';
import { createHost } from '../common/vscodeApi';

/** The graph view's one handle on the host. */
const host = createHost<FromWebview>();

/** Timings of the last graph shown, read by tests and the benchmark. */
export interface RenderReport {
  title: string;
  nodes: number;
  edges: number;
  layoutMs: number;
  /** From receiving showGraph to the first frame of it on screen. */
  totalMs: number;
  layoutMode: 'worker' | 'main-thread';
}

/**
 * The graph view: keeps the model, the view options and the selection, turns them into a scene
 * (display graph -> layout in the worker -> spatial index) and wires the canvas to the panels.
 */
export class App {
  private graph: ViewGraph | null = null;
  private display: DisplayGraph | null = null;
  private scene: Scene | null = null;
  private fold = false;
  private hideBatch = true;
  private collapsed = new Set<string>();
  private selectedId: string | null = null;
  private thumbnails = new Map<string, HTMLImageElement>();
  private generation = 0;
  private readonly rpc = new RpcClient((m) => host.post(m as never), 60_000);
  private readonly nav = new EdgeNavigator();
  private readonly view: GraphView;
  private readonly layout: LayoutClient;
  private readonly toolbar: Toolbar;
  private readonly search: SearchBox;
  private readonly summary: SummaryBar;
  private readonly legend: Legend;
  private readonly minimap: Minimap;
  private readonly tooltip: Tooltip;
  private readonly details: DetailsPanel;
  private readonly mermaid: MermaidPreview;
  private readonly inference = new InferenceBar({
    run: (input) => host.post({ type: 'runInference', input }),
    cancel: () => host.post({ type: 'cancelInference' }),
    showFeatureMaps: () => host.post({ type: 'showFeatureMaps', nodeId: this.selectedNodeId() }),
  });
  private readonly stage: HTMLElement;
  private readonly message = h('div', { class: 'cl-message cl-hidden', attrs: { id: 'cl-message', role: 'status' } });
  private saveTimer = 0;
  lastReport: RenderReport | null = null;

  constructor(private readonly root: HTMLElement, nonce: string) {
    let theme = readTheme(root);
    this.layout = new LayoutClient(root.dataset.layoutWorker);
    this.search = new SearchBox((q) => (this.graph && this.display ? searchDisplay(this.graph, this.display, q) : []), (all, cur) => this.showMatches(all, cur));
    this.toolbar = new Toolbar({
      fit: () => this.view.fit(),
      zoomIn: () => this.view.zoomBy(1.25),
      zoomOut: () => this.view.zoomBy(0.8),
      toggleFold: () => this.setOptions(!this.fold, this.hideBatch),
      toggleBatch: () => this.setOptions(this.fold, !this.hideBatch),
      expandAll: () => this.setCollapsed(new Set()),
      collapseTo: (d) => this.display && this.setCollapsed(collapseToDepth(this.display.groups, d)),
      exportSvg: () => void this.exportSvg(),
      exportPng: () => void this.exportPng(),
      copyMermaid: () => this.display && void this.mermaid.show(toMermaid(this.display), this.display.nodes.length),
      copyMarkdown: () => this.graph && void this.copy(toMarkdown(this.graph, this.hideBatch), 'Markdown summary'),
    }, this.search.el);
    const header = h('header', { class: 'cl-header' });
    const main = h('div', { class: 'cl-main' });
    const stage = h('div', { class: 'cl-stage', attrs: { id: 'cl-stage' } });
    const column = h('div', { class: 'cl-column' });
    column.append(stage);
    main.append(column);
    root.append(header, main, this.message);
    this.summary = new SummaryBar(header, (id) => this.selectById(id, true, true));
    header.append(this.toolbar.el, this.inference.el);
    this.stage = stage;
    this.view = new GraphView(stage, theme, {
      select: (v) => this.select(v, true, false),
      hover: (v, x, y) => this.hover(v, x, y),
      activate: (v) => this.activate(v),
      toggleFrame: (f) => this.toggleGroup(f.key),
      cameraChanged: () => this.cameraChanged(),
    });
    this.legend = new Legend(column);
    this.minimap = new Minimap(stage, theme, () => ({ cam: this.view.cam, ...this.view.viewport }), (x, y) => this.view.setCamera({ ...this.view.cam, tx: this.view.viewport.width / 2 - x * this.view.cam.scale, ty: this.view.viewport.height / 2 - y * this.view.cam.scale }));
    this.tooltip = new Tooltip(root);
    this.details = new DetailsPanel(main, {
      reveal: (id) => host.post({ type: 'revealSource', nodeId: id }),
      expand: (key) => this.toggleGroup(key),
      collapse: (key) => this.toggleGroup(key),
      close: () => this.select(-1, true, false),
    });
    this.mermaid = new MermaidPreview(root, root.dataset.mermaid, nonce, (text) => void this.copy(text, 'Mermaid flowchart'));
    watchTheme(() => {
      theme = readTheme(root);
      this.view.setTheme(theme);
      this.minimap.setTheme(theme);
    });
    window.addEventListener('message', (ev: MessageEvent<ToWebview>) => this.onMessage(ev.data));
    document.addEventListener('keydown', (ev) => this.onKey(ev));
    const saved = host.getState<SavedState>();
    if (saved) {
      this.fold = saved.fold;
      this.hideBatch = saved.hideBatch;
    }
    this.toolbar.setToggles(this.fold, this.hideBatch);
  }

  async start(): Promise<void> {
    await this.layout.init();
    if (this.layout.mode !== 'worker') host.post({ type: 'log', level: 'warn', message: this.layout.fallbackReason });
    host.post({ type: 'ready' });
  }

  private onMessage(m: ToWebview): void {
    if (!m || typeof m !== 'object') return;
    if (this.rpc.handle(m)) return;
    switch (m.type) {
      case 'showGraph':
        void this.showGraph(m.graph, m.preserveView);
        break;
      case 'showError':
        this.showMessage(m.message, true);
        break;
      case 'selectNode':
        if (m.nodeId === null) this.select(-1, false, false);
        else this.selectById(m.nodeId, m.reveal, false);
        break;
      case 'setOptions':
        this.applyOptions(m.options);
        break;
      case 'inferenceState':
        this.inferenceState(m.state);
        break;
    }
  }

  private applyOptions(o: ViewOptions): void {
    this.setOptions(o.foldActivations, o.hideBatchDim);
  }

  async showGraph(graph: ViewGraph, preserveView: boolean): Promise<void> {
    const t0 = performance.now();
    const saved = host.getState<SavedState>();
    const restore = !preserveView && saved && saved.title === graph.title && !this.graph ? saved : null;
    if (!preserveView) {
      this.selectedId = restore?.selected ?? null;
      this.collapsed = new Set(restore?.collapsed ?? []);
      this.thumbnails.clear();
    }
    this.graph = graph;
    this.showMessage('', false);
    this.summary.show(graph);
    await this.rebuild(preserveView ? 'keep' : restore?.cam ? restore.cam : 'fit', t0);
  }

  /** Display graph -> layout -> scene; a newer call cancels this one. */
  private async rebuild(camera: 'keep' | 'fit' | Camera, t0 = performance.now()): Promise<void> {
    const graph = this.graph;
    if (!graph) return;
    const gen = ++this.generation;
    const display = deriveDisplayGraph(graph, { fold: this.fold, collapsed: this.collapsed, hideBatchDim: this.hideBatch });
    const groups = layoutGroups(display);
    const edges = new Int32Array(display.edges.length * 2);
    display.edges.forEach((e, i) => {
      edges[2 * i] = e.from;
      edges[2 * i + 1] = e.to;
    });
    let layout;
    try {
      layout = await this.layout.layout({ nodeCount: display.nodes.length, edges, nodeWidth: NODE_W, nodeHeight: NODE_H, layerGap: LAYER_GAP, columnGap: columnGapFor(groups.maxDepth), groupOf: groups.groupOf, groupParent: groups.groupParent });
    } catch (e) {
      this.showMessage(`Layout failed: ${e instanceof Error ? e.message : String(e)}`, true);
      return;
    }
    if (!layout || gen !== this.generation) return;
    this.display = display;
    this.scene = makeScene(display, layout, groups);
    this.nav.setGraph(display);
    this.view.setScene(this.scene);
    this.minimap.setScene(this.scene);
    this.legend.show(new Set(display.nodes.map((n) => n.family)), layout.edgeKind.some((k) => k === EdgeKind.Skip));
    this.toolbar.setMaxDepth(display.groups.reduce((m, g) => Math.max(m, g.depth), 0));
    this.toolbar.setToggles(this.fold, this.hideBatch);
    this.mapThumbnails();
    const sel = this.selectedId ? display.indexOf.get(this.selectedId) ?? -1 : -1;
    this.view.overlay.selected = sel;
    this.view.overlay.hovered = -1;
    if (camera === 'fit') this.initialCamera();
    else if (camera !== 'keep') this.view.setCamera(camera);
    this.search.update();
    this.details.show(graph, sel >= 0 ? display.nodes[sel] : null, this.hideBatch);
    this.saveState();
    requestAnimationFrame(() => {
      if (gen !== this.generation) return;
      this.lastReport = { title: graph.title, nodes: display.nodes.length, edges: display.edges.length, layoutMs: layout.millis, totalMs: performance.now() - t0, layoutMode: this.layout.mode };
      document.dispatchEvent(new CustomEvent('convlens-rendered', { detail: this.lastReport }));
    });
  }

  /** Fit for reading (whole, or a few screens tall from the top) when text shows; otherwise start at the top at reading size. */
  private initialCamera(): void {
    if (!this.scene) return;
    const { width, height } = this.view.viewport;
    const fit = readableFit(this.scene.layout.bounds, width, height);
    if (fit.scale >= TEXT_SCALE) this.view.setCamera(fit);
    else {
      const scale = 0.8;
      const b = this.scene.layout.bounds;
      this.view.setCamera({ scale, tx: width / 2 - ((b.minX + Math.min(b.maxX, b.minX + width / scale)) / 2) * scale, ty: 24 - b.minY * scale });
    }
  }

  private setOptions(fold: boolean, hideBatch: boolean): void {
    if (fold === this.fold && hideBatch === this.hideBatch) return;
    this.fold = fold;
    this.hideBatch = hideBatch;
    this.toolbar.setToggles(fold, hideBatch);
    void this.rebuild('keep');
  }

  private setCollapsed(c: Set<string>): void {
    this.collapsed = c;
    void this.rebuild('keep');
  }

  private toggleGroup(key: string): void {
    const next = new Set(this.collapsed);
    if (next.has(key)) next.delete(key);
    else {
      for (const k of next) if (k.startsWith(key + '/')) next.delete(k);
      next.add(key);
    }
    const wasSelected = this.selectedId;
    if (!this.collapsed.has(key)) this.selectedId = `group:${key}`;
    else if (wasSelected === `group:${key}`) this.selectedId = null;
    this.setCollapsed(next);
  }

  private select(v: number, notifyHost: boolean, reveal: boolean): void {
    if (!this.display || !this.graph) return;
    const d = v >= 0 ? this.display.nodes[v] : null;
    this.selectedId = d ? d.id : null;
    this.view.overlay.selected = v;
    this.view.invalidate();
    this.details.show(this.graph, d, this.hideBatch);
    if (reveal && v >= 0 && !this.view.isVisible(v)) this.view.reveal(v);
    if (notifyHost) host.post({ type: 'nodeSelected', nodeId: d ? (d.kind === 'node' ? d.id : d.kind === 'group' ? this.graph.nodes[d.members[0]].id : null) : null });
    this.saveState();
  }

  private selectById(id: string, reveal: boolean, notifyHost: boolean): void {
    if (!this.display || !this.graph) {
      this.selectedId = id;
      return;
    }
    // indexOf also maps each model node to the box that shows it (a collapsed group, the layer it is folded into).
    const v = this.display.indexOf.get(id);
    if (v === undefined) return;
    this.select(v, notifyHost, reveal);
  }

  private hover(v: number, x: number, y: number): void {
    if (v < 0 || !this.display || !this.graph) {
      this.tooltip.hide();
      return;
    }
    this.tooltip.show(nodeInfo(this.graph, this.display.nodes[v], this.hideBatch, false), x, y);
  }

  private activate(v: number): void {
    if (!this.display || !this.graph) return;
    const d = this.display.nodes[v];
    if (d.kind === 'group') this.toggleGroup(d.scope.join('/'));
    else if (d.kind === 'node' && this.graph.nodes[d.members[0]].hasSource) host.post({ type: 'revealSource', nodeId: d.id });
  }

  private showMatches(all: number[], current: number): void {
    this.view.overlay.matches = new Set(all);
    if (current >= 0) this.select(current, true, true);
    this.view.invalidate();
  }

  private onKey(ev: KeyboardEvent): void {
    const target = ev.target as HTMLElement | null;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT')) return;
    const sel = this.view.overlay.selected;
    const go = (dir: 'up' | 'down' | 'left' | 'right') => {
      const next = this.nav.step(sel, dir);
      if (next >= 0) this.select(next, true, true);
    };
    switch (ev.key) {
      case '+': case '=': this.view.zoomBy(1.25); break;
      case '-': case '_': this.view.zoomBy(0.8); break;
      case '0': this.view.fit(); break;
      case 'ArrowUp': go('up'); break;
      case 'ArrowDown': go('down'); break;
      case 'ArrowLeft': go('left'); break;
      case 'ArrowRight': go('right'); break;
      case 'Enter': if (sel >= 0) this.activate(sel); break;
      case 'Escape': this.select(-1, true, false); this.mermaid.hide(); break;
      case '/': this.search.input.focus(); break;
      case 'f': if (ev.ctrlKey || ev.metaKey) this.search.input.focus(); else return; break;
      default: return;
    }
    ev.preventDefault();
  }

  private cameraChanged(): void {
    this.minimap.invalidate();
    this.scheduleSave();
  }

  private scheduleSave(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => this.saveState(), 250);
  }

  private saveState(): void {
    if (!this.graph) return;
    const s: SavedState = { title: this.graph.title, cam: this.view.cam, selected: this.selectedId, collapsed: [...this.collapsed], fold: this.fold, hideBatch: this.hideBatch, document: this.root.dataset.document };
    host.setState(s);
  }

  private inferenceState(state: InferenceState): void {
    this.inference.show(state);
    if (state.status !== 'done') {
      if (state.status === 'idle') {
        this.thumbnails.clear();
        this.mapThumbnails();
      }
      return;
    }
    this.thumbnails.clear();
    for (const t of state.thumbnails) {
      const img = new Image();
      img.onload = () => {
        this.view.invalidate();
        this.markThumbnails();
      };
      img.src = t.png;
      this.thumbnails.set(t.tensor, img);
    }
    this.mapThumbnails();
  }

  /** Each box shows the thumbnail of the tensor it outputs (the last folded member's). */
  private mapThumbnails(): void {
    const map = new Map<number, CanvasImageSource>();
    this.display?.nodes.forEach((d, i) => {
      if (d.kind !== 'node') return;
      for (const t of d.outTensors) {
        const img = this.thumbnails.get(t);
        if (img) {
          map.set(i, img);
          break;
        }
      }
    });
    this.view.overlay.thumbnails = map;
    this.view.invalidate();
    this.markThumbnails();
  }

  /** Test hook: #cl-stage's data-thumbnails counts the boxes that draw a loaded thumbnail. */
  private markThumbnails(): void {
    let n = 0;
    for (const img of this.view.overlay.thumbnails.values()) if (img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0) n++;
    this.stage.dataset.thumbnails = String(n);
  }

  /** The model node behind the selected box (a group's first member), for the feature-map panel. */
  private selectedNodeId(): string | undefined {
    const v = this.view.overlay.selected;
    const d = v >= 0 ? this.display?.nodes[v] : undefined;
    if (!d || !this.graph || d.members.length === 0) return undefined;
    return this.graph.nodes[d.members[d.members.length - 1]].id;
  }

  private async copy(text: string, what: string): Promise<void> {
    try {
      await this.rpc.request('copy', (id) => ({ type: 'copyText', id, text, what }));
      this.showMessage(`${what} copied`, false, 2000);
    } catch (e) {
      this.showMessage(`Copy failed: ${e instanceof Error ? e.message : String(e)}`, true);
    }
  }

  private async save(suggestedName: string, data: string, encoding: 'base64' | 'utf8'): Promise<void> {
    try {
      await this.rpc.request('save', (id) => ({ type: 'saveFile', id, suggestedName, data, encoding }));
    } catch (e) {
      this.showMessage(`Save failed: ${e instanceof Error ? e.message : String(e)}`, true);
    }
  }

  private baseName(): string {
    return (this.graph?.title ?? 'model').replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_');
  }

  private async exportSvg(): Promise<void> {
    if (!this.scene) return;
    await this.save(`${this.baseName()}.svg`, sceneToSvg(this.scene, readTheme(this.root)), 'utf8');
  }

  private async exportPng(): Promise<void> {
    if (!this.scene) return;
    const png = await sceneToPngBase64(this.scene, readTheme(this.root), this.view.overlay);
    await this.save(`${this.baseName()}.png`, png.base64, 'base64');
  }

  private showMessage(text: string, error: boolean, hideAfterMs = 0): void {
    this.message.textContent = text;
    this.message.classList.toggle('cl-hidden', !text);
    this.message.classList.toggle('cl-error', error);
    if (hideAfterMs) setTimeout(() => this.message.textContent === text && this.message.classList.add('cl-hidden'), hideAfterMs);
  }

  /** For tests and the benchmark: the live view and scene (read-only use). */
  get debug() {
    return { view: this.view, scene: this.scene, display: this.display, graph: this.graph, layoutMode: this.layout.mode };
  }
}
