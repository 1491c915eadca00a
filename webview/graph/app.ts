import type { InferenceState, ViewAnchor, ViewOptions } from '../../src/protocol/messages';
import type { ViewDiff, ViewGraph } from '../../src/protocol/viewModel';
import { h, icon } from '../common/dom';
import { GraphCommands, type CommandTarget } from './commands';
import { GraphController, type HostRequests } from './controller';
import { MermaidPreview } from './export/mermaidPreview';
import { EdgeKind, type Direction, type LayoutEngine } from './layout/types';
import { collapseToDepth, deriveSteps } from './model/displayGraph';
import { layoutGroups } from './model/layoutGroups';
import { EdgeNavigator } from './model/navigation';
import { readableFit, type Camera } from './render/camera';
import { drawScene, tracePath, TEXT_SCALE, type DrawnText } from './render/draw';
import { GraphView } from './render/graphView';
import { canvasMeasure, CHAR_MEASURE_ABOVE, charMeasure, commonNamePrefix, LABEL_H, measureBoxesSliced, measureLabels, type Measure, type TitleMode } from './render/boxText';
import { columnGapFor, LAYER_GAP, LAYER_GAP_LR, makeScene, NODE_H, NODE_W } from './render/scene';
import { runSliced, yieldToPage } from './render/slices';
import { readTheme, watchTheme } from './render/theme';
import { DetailsPanel } from './ui/details';
import { ModelPanel } from './ui/modelPanel';
import { OverlayPanel } from './ui/overlayPanel';
import { WeightsPanel } from './ui/weights';
import { Drawer } from './ui/drawer';
import { InferenceBar } from './ui/inference';
import { InputSizeBar } from './ui/inputSizes';
import { Legend } from './ui/legend';
import { Minimap } from './ui/minimap';
import { watchPanelWidth } from './ui/panelWidth';
import { edgeInfo, nodeInfo } from './ui/nodeInfo';
import { searchDisplay, SearchBox } from './ui/search';
import { SummaryBar } from './ui/summary';
import { Toolbar } from './ui/toolbar';
import { Tooltip } from './ui/tooltip';
import { ViewState } from './viewState';
import { ViewSync } from './viewSync';
import * as l10n from '@vscode/l10n';

/** Timings of the last graph shown, read by tests and the benchmark. */
export interface RenderReport {
  title: string;
  nodes: number;
  edges: number;
  layoutMs: number;
  /** From receiving showGraph to the first frame of it on screen. */
  totalMs: number;
  layoutMode: 'worker' | 'main-thread';
  /** The worker computed the layers while the page measured the boxes. */
  layoutAhead: boolean;
}

/**
 * The graph view: builds the page, and turns the view state into a scene (display graph -> layout in
 * the worker -> spatial index) drawn on the canvas. The host's messages arrive through the controller
 * (./controller.ts), the state lives in ./viewState.ts, exports and keys are in ./commands.ts.
 */
export class App implements HostRequests, CommandTarget {
  readonly host: GraphController;
  readonly state: ViewState;
  readonly nav = new EdgeNavigator();
  readonly view: GraphView;
  readonly mermaid: MermaidPreview;
  private readonly commands: GraphCommands;
  private generation = 0;
  private readonly toolbar: Toolbar;
  private readonly search: SearchBox;
  private readonly summary: SummaryBar;
  private readonly legend: Legend;
  private readonly minimap: Minimap;
  private readonly tooltip: Tooltip;
  private readonly details: DetailsPanel;
  private readonly weights: WeightsPanel;
  private readonly modelPanel: ModelPanel;
  /** Colour by parameters, MACs, memory or measured time, with its legend and top 10. */
  private readonly overlayPanel: OverlayPanel;
  /** Every side panel's container: docked at the right, or a bottom sheet in a compact view. Other panels: drawer.addPanel. */
  readonly drawer: Drawer;
  private readonly inference: InferenceBar;
  private readonly inputSizes = new InputSizeBar((values) => this.host.setInputSizes(values));
  private readonly stage: HTMLElement;
  private readonly message = h('div', { class: 'cl-message cl-hidden', attrs: { id: 'cl-message', role: 'status' } });
  /** Said above the graph while it is not the document's current text (graphStale), never over a box. */
  private readonly stale = h('div', { class: 'cl-stale cl-hidden', attrs: { id: 'cl-stale', role: 'status' } });
  private saveTimer = 0;
  /** Pan and zoom shared with the other side of a comparison. */
  readonly sync: ViewSync;
  private measure: Measure | null = null;
  private charMeasure: Measure | null = null;
  lastReport: RenderReport | null = null;

  /** `layout`: the layout engine (main.ts passes the worker one; tests may pass another). */
  constructor(readonly root: HTMLElement, nonce: string, private readonly layout: LayoutEngine) {
    let theme = readTheme(root);
    this.host = new GraphController(this);
    this.state = new ViewState(this.host.savedState());
    this.commands = new GraphCommands(this);
    const state = this.state;
    this.inference = new InferenceBar({
      run: (input) => this.host.runInference(input),
      cancel: () => this.host.cancelInference(),
      showFeatureMaps: () => this.host.showFeatureMaps(state.modelNodeAt(this.view.overlay.selected)),
      manageTrust: () => this.host.manageTrust(),
    });
    this.search = new SearchBox((q) => (state.graph && state.display ? searchDisplay(state.graph, state.display, q) : []), (all, cur) => this.showMatches(all, cur));
    this.toolbar = new Toolbar({
      fit: () => this.view.fit(),
      zoomIn: () => this.view.zoomBy(1.25),
      zoomOut: () => this.view.zoomBy(0.8),
      toggleFold: () => this.changeOptions(!state.fold, state.hideBatch),
      toggleBatch: () => this.changeOptions(state.fold, !state.hideBatch),
      setDirection: (d) => this.setLayoutOptions(d, state.titleMode),
      setTitleMode: (m) => this.setLayoutOptions(state.direction, m),
      expandAll: () => this.setCollapsed(new Set()),
      collapseTo: (d) => state.display && this.setCollapsed(collapseToDepth(state.display.groups, d)),
      exportSvg: () => void this.commands.exportSvg(),
      exportPng: (n?: number) => void this.commands.exportPng(n),
      copyMermaid: () => this.commands.copyMermaid(),
      copyMarkdown: () => this.commands.copyMarkdown(),
      showModel: () => this.modelPanel.toggle(this.state.graph),
    }, this.search.el);
    const header = h('header', { class: 'cl-header' });
    const stage = h('div', { class: 'cl-stage', attrs: { id: 'cl-stage' } });
    const column = h('div', { class: 'cl-column' }, this.stale, stage);
    const main = h('div', { class: 'cl-main' }, column);
    root.append(header, main, this.message);
    this.summary = new SummaryBar(header, (id) => this.selectById(id, true, true));
    header.append(this.inputSizes.el, this.toolbar.el, this.inference.el);
    this.stage = stage;
    this.view = new GraphView(stage, theme, {
      select: (v) => this.select(v, true, false),
      hover: (v, x, y, e) => this.hover(v, x, y, e),
      activate: (v) => this.activate(v),
      toggleFrame: (f) => this.toggleGroup(f.key),
      cameraChanged: () => this.cameraChanged(),
    });
    this.sync = new ViewSync({
      scene: () => this.state.scene, graph: () => this.state.graph, diff: () => this.state.diff,
      cam: () => this.view.cam, viewport: () => this.view.viewport, setCamera: (c) => this.view.setCamera(c),
      post: (a) => this.host.viewMoved(a),
    });
    this.legend = new Legend(column);
    this.minimap = new Minimap(stage, theme, () => ({ cam: this.view.cam, ...this.view.viewport }), (x, y) => this.view.setCamera({ ...this.view.cam, tx: this.view.viewport.width / 2 - x * this.view.cam.scale, ty: this.view.viewport.height / 2 - y * this.view.cam.scale }));
    this.tooltip = new Tooltip(root);
    this.drawer = new Drawer(main);
    this.details = new DetailsPanel(this.drawer, {
      reveal: (id) => this.host.revealSource(id),
      expand: (key) => this.toggleGroup(key),
      collapse: (key) => this.toggleGroup(key),
      close: () => this.select(-1, true, false),
      showWeight: (w) => void this.weights.show(w.name, w.role),
      showField: () => this.host.showFeatureMaps(this.state.modelNodeAt(this.view.overlay.selected), true),
    });
    this.weights = new WeightsPanel(this.drawer, (tensor, offset) => this.host.weight(tensor, offset));
    this.modelPanel = new ModelPanel(this.drawer);
    this.overlayPanel = new OverlayPanel(this.drawer, {
      layerTimes: () => this.host.layerTimes(),
      select: (v) => this.select(v, true, true),
      fillsChanged: (fills) => {
        this.view.overlay.fills = fills;
        // Test hooks: the overlay shown and how many boxes it colours.
        this.stage.dataset.overlay = this.overlayPanel.current;
        this.stage.dataset.overlayBoxes = String(fills?.filter(Boolean).length ?? 0);
        this.view.invalidate();
      },
      chosen: () => this.saveState(),
    });
    this.overlayPanel.restore(this.host.savedState()?.overlay);
    this.toolbar.setOverlay(this.overlayPanel);
    this.mermaid = new MermaidPreview(root, root.dataset.mermaid, nonce, (text) => void this.commands.copy(text, l10n.t('Mermaid flowchart')));
    watchTheme(() => {
      theme = readTheme(root);
      this.measure = null;
      this.charMeasure = null;
      this.view.setTheme(theme);
      this.minimap.setTheme(theme);
      if (this.state.graph && this.state.display) this.overlayPanel.update(this.state.graph, this.state.display, theme);
    });
    document.addEventListener('keydown', (ev) => this.commands.onKey(ev));
    // The compact class changes what the toolbar and the header hold, not their widths: fit them again.
    watchPanelWidth(root, () => {
      this.toolbar.menu.close(false);
      this.toolbar.fitRow();
      this.summary.refreshEnd();
    });
    this.toolbar.setToggles(state.fold, state.hideBatch);
  }

  async start(): Promise<void> {
    await this.layout.init();
    if (this.layout.mode !== 'worker') this.host.log('warn', this.layout.fallbackReason);
    this.host.ready();
  }

  // --- what the host asks (HostRequests) ---

  showGraph(graph: ViewGraph, preserveView: boolean): void {
    const t0 = performance.now();
    const cam = this.state.showGraph(graph, preserveView, this.host.savedState());
    this.showMessage('', false);
    this.stale.classList.add('cl-hidden');
    this.summary.show(graph, this.state.diff);
    this.inputSizes.show(graph);
    this.modelPanel.update(graph);
    // Another model (or version): the weight shown may no longer be its.
    if (!preserveView) this.weights.close();
    void this.rebuild(preserveView ? 'keep' : cam ?? 'fit', t0);
  }

  setDiff(diff: ViewDiff | null): void {
    this.state.diff = diff;
    if (this.state.graph) this.summary.show(this.state.graph, diff);
    this.mapThumbnails();
    this.sync.diffSet();
    // A mark's note is the box's second line: the boxes are measured again.
    if (this.state.graph) void this.rebuild('keep');
  }

  showError(message: string): void {
    this.showMessage(message, true);
  }

  graphStale(reason: string): void {
    this.stale.replaceChildren(icon('warning'), ' ', h('b', {}, l10n.t('Out of date')), ' ', l10n.t('The text no longer reads as a model ({0}); this graph is its last version that did.', reason));
    this.stale.classList.remove('cl-hidden');
  }

  selectNode(nodeId: string | null, reveal: boolean): void {
    this.sync.quietly(() => {
      if (nodeId === null) this.select(-1, false, false);
      else this.selectById(nodeId, reveal, false);
    });
  }

  followView(anchor: ViewAnchor): void {
    this.sync.follow(anchor);
  }

  setOptions(o: ViewOptions): void {
    this.changeOptions(o.foldActivations, o.hideBatchDim);
  }

  inferenceState(s: InferenceState): void {
    this.inference.show(s);
    if (s.status === 'done' || s.status === 'idle') this.overlayPanel.runChanged(s.status === 'done' ? `${s.provider} ${s.millis}` : null);
    if (s.status !== 'done') {
      if (s.status === 'idle' && this.state.thumbnails.size) {
        this.state.thumbnails.clear();
        this.mapThumbnails();
        if (this.state.graph) void this.rebuild('keep');
      }
      return;
    }
    this.state.thumbnails.clear();
    for (const t of s.thumbnails) {
      const img = new Image();
      img.onload = () => {
        this.view.invalidate();
        this.markThumbnails();
      };
      img.src = t.png;
      this.state.thumbnails.set(t.tensor, img);
    }
    this.mapThumbnails();
    // Boxes with a thumbnail keep room for it beside their text.
    if (this.state.graph) void this.rebuild('keep');
  }

  // --- the scene ---

  /** Display graph -> layout -> scene; a newer call cancels this one. */
  private async rebuild(camera: 'keep' | 'fit' | Camera, t0 = performance.now()): Promise<void> {
    const s = this.state;
    const graph = s.graph;
    if (!graph) return;
    const gen = ++this.generation;
    const live = () => gen === this.generation;
    // A large graph is prepared in turns with the page (render/slices.ts): it keeps painting and answering input.
    const display = await runSliced(deriveSteps(graph, { fold: s.fold, collapsed: s.collapsed, hideBatchDim: s.hideBatch }), live);
    if (!display) return;
    const groups = layoutGroups(display);
    const edges = new Int32Array(display.edges.length * 2);
    display.edges.forEach((e, i) => {
      edges[2 * i] = e.from;
      edges[2 * i + 1] = e.to;
    });
    const prepared = this.layout.prepare({ nodeCount: display.nodes.length, edges, groupOf: groups.groupOf, groupParent: groups.groupParent });
    // Boxes as large as their text, labels as wide as theirs, measured in the canvas's own fonts.
    const measure = display.nodes.length > CHAR_MEASURE_ABOVE
      ? (this.charMeasure ??= charMeasure(this.view.theme.fontFamily))
      : (this.measure ??= canvasMeasure(this.view.theme.fontFamily));
    const prefix = commonNamePrefix(display);
    const sizes = await measureBoxesSliced(display, { mode: s.titleMode, prefix, marks: s.diffByDisplay(display), thumbs: s.thumbBoxes(display) }, measure, live);
    if (!sizes) return;
    const tensorIds = new Map<string, number>();
    const edgeTensor = Int32Array.from(display.edges, (e) => tensorIds.get(e.tensor) ?? (tensorIds.set(e.tensor, tensorIds.size), tensorIds.size - 1));
    const lr = s.direction === 'LR';
    let layout;
    try {
      layout = await this.layout.layout({
        nodeCount: display.nodes.length, edges, nodeWidth: NODE_W, nodeHeight: NODE_H, widths: sizes.widths, heights: sizes.heights,
        labelWidths: measureLabels(display, measure), labelHeight: LABEL_H, edgeTensor, direction: s.direction,
        layerGap: lr ? LAYER_GAP_LR : LAYER_GAP, columnGap: columnGapFor(groups.maxDepth, lr), groupOf: groups.groupOf, groupParent: groups.groupParent,
      }, prepared);
    } catch (e) {
      this.showMessage(l10n.t('Layout failed: {0}', e instanceof Error ? e.message : String(e)), true);
      return;
    }
    if (!layout || gen !== this.generation) return;
    if (layout.note) {
      this.showMessage(layout.note, false);
      this.host.log('warn', layout.note);
    }
    const scene = makeScene(display, layout, groups, sizes.text, prefix, measure);
    // What follows shows the new scene in one go: the page has its turn before, not midway.
    await yieldToPage();
    if (!live()) return;
    s.display = display;
    s.scene = scene;
    this.nav.setGraph(display);
    this.view.setScene(scene);
    this.minimap.setScene(scene);
    this.overlayPanel.update(graph, display, this.view.theme);
    this.legend.show(new Set(display.nodes.map((n) => n.family)), layout.edgeKind.some((k) => k === EdgeKind.Skip), display.edges.some((e) => e.declared), prefix);
    this.toolbar.setMaxDepth(display.groups.reduce((m, g) => Math.max(m, g.depth), 0));
    this.toolbar.setToggles(s.fold, s.hideBatch);
    this.toolbar.setLayoutToggles(s.direction, s.titleMode);
    this.mapThumbnails();
    const sel = s.selectedId ? display.indexOf.get(s.selectedId) ?? -1 : -1;
    this.view.overlay.selected = sel;
    this.view.overlay.hovered = -1;
    this.sync.quietly(() => {
      if (camera === 'fit') this.initialCamera();
      else if (camera !== 'keep') this.view.setCamera(camera);
    });
    if (camera !== 'keep') this.sync.shown();
    this.search.update();
    this.details.show(graph, sel >= 0 ? display.nodes[sel] : null, s.hideBatch);
    this.saveState();
    requestAnimationFrame(() => {
      if (gen !== this.generation) return;
      this.lastReport = { title: graph.title, nodes: display.nodes.length, edges: display.edges.length, layoutMs: layout.millis, totalMs: performance.now() - t0, layoutMode: this.layout.mode, layoutAhead: layout.ahead === true };
      document.dispatchEvent(new CustomEvent('convlens-rendered', { detail: this.lastReport }));
    });
  }

  /** Fit for reading (whole, or a few screens tall from the top) when text shows; otherwise start at the top at reading size. */
  private initialCamera(): void {
    const scene = this.state.scene;
    if (!scene) return;
    const { width, height } = this.view.viewport;
    const fit = readableFit(scene.layout.bounds, width, height);
    if (fit.scale >= TEXT_SCALE) this.view.setCamera(fit);
    else {
      const scale = 0.8;
      const b = scene.layout.bounds;
      this.view.setCamera({ scale, tx: width / 2 - ((b.minX + Math.min(b.maxX, b.minX + width / scale)) / 2) * scale, ty: 24 - b.minY * scale });
    }
  }

  private changeOptions(fold: boolean, hideBatch: boolean): void {
    if (!this.state.setOptions(fold, hideBatch)) return;
    this.toolbar.setToggles(fold, hideBatch);
    void this.rebuild('keep');
  }

  /** Direction and box titles: a new layout, fitted again (the drawing's shape changes). */
  private setLayoutOptions(direction: Direction, titleMode: TitleMode): void {
    if (direction === this.state.direction && titleMode === this.state.titleMode) return;
    const refit = direction !== this.state.direction;
    this.state.direction = direction;
    this.state.titleMode = titleMode;
    this.toolbar.setLayoutToggles(direction, titleMode);
    void this.rebuild(refit ? 'fit' : 'keep');
  }

  private setCollapsed(c: Set<string>): void {
    this.state.collapsed = c;
    void this.rebuild('keep');
  }

  private toggleGroup(key: string): void {
    this.state.toggleGroup(key);
    void this.rebuild('keep');
  }

  // --- selection and pointing (CommandTarget) ---

  select(v: number, notifyHost: boolean, reveal: boolean): void {
    const { display, graph } = this.state;
    if (!display || !graph) return;
    const d = v >= 0 ? display.nodes[v] : null;
    this.state.selectedId = d ? d.id : null;
    this.view.overlay.selected = v;
    this.view.invalidate();
    this.details.show(graph, d, this.state.hideBatch);
    if (reveal && v >= 0 && !this.view.isVisible(v)) this.view.reveal(v);
    if (notifyHost) this.host.nodeSelected(this.state.hostIdAt(v));
    this.saveState();
  }

  private selectById(id: string, reveal: boolean, notifyHost: boolean): void {
    const display = this.state.display;
    if (!display || !this.state.graph) {
      this.state.selectedId = id;
      return;
    }
    // indexOf also maps each model node to the box that shows it (a collapsed group, the layer it is folded into).
    const v = display.indexOf.get(id);
    if (v === undefined) return;
    this.select(v, notifyHost, reveal);
  }

  private hover(v: number, x: number, y: number, edge: number): void {
    const { display, graph } = this.state;
    if (!display || !graph || (v < 0 && edge < 0)) {
      this.tooltip.hide();
      return;
    }
    this.tooltip.show(v >= 0 ? nodeInfo(graph, display.nodes[v], this.state.hideBatch, false) : edgeInfo(graph, display.edges[edge].tensor, this.state.hideBatch), x, y);
  }

  activate(v: number): void {
    const { display, graph } = this.state;
    if (!display || !graph) return;
    const d = display.nodes[v];
    if (d.kind === 'group') this.toggleGroup(d.scope.join('/'));
    else if (d.kind === 'node' && graph.nodes[d.members[0]].hasSource) this.host.revealSource(d.id);
  }

  focusSearch(): void {
    this.search.input.focus();
  }

  private showMatches(all: number[], current: number): void {
    this.view.overlay.matches = new Set(all);
    if (current >= 0) this.select(current, true, true);
    this.view.invalidate();
  }

  private cameraChanged(): void {
    this.sync.cameraChanged();
    this.minimap.invalidate();
    clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => this.saveState(), 250);
  }

  private saveState(): void {
    const s = this.state.saved(this.view.cam, this.root.dataset.document);
    if (s) this.host.saveState({ ...s, overlay: this.overlayPanel.current });
  }

  private mapThumbnails(): void {
    this.view.overlay.thumbnails = this.state.thumbnailsByBox();
    this.view.overlay.diff = this.state.diffByBox();
    // Test hook: how many boxes carry a comparison mark.
    this.stage.dataset.diffMarks = String(this.view.overlay.diff.size);
    this.view.invalidate();
    this.markThumbnails();
  }

  /** Test hook: #cl-stage's data-thumbnails counts the boxes that draw a loaded thumbnail. */
  private markThumbnails(): void {
    let n = 0;
    for (const img of this.view.overlay.thumbnails.values()) if (img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0) n++;
    this.stage.dataset.thumbnails = String(n);
  }

  showMessage(text: string, error: boolean, hideAfterMs = 0): void {
    this.message.textContent = text;
    this.message.classList.toggle('cl-hidden', !text);
    this.message.classList.toggle('cl-error', error);
    if (hideAfterMs) setTimeout(() => this.message.textContent === text && this.message.classList.add('cl-hidden'), hideAfterMs);
  }

  /** For tests and the benchmark: the live view and scene (read-only use). */
  get debug() {
    const s = this.state;
    const edgePath = (e: number): Path2D | null => {
      if (!s.scene) return null;
      const p = new Path2D();
      tracePath(p, s.scene, e);
      return p;
    };
    return { view: this.view, scene: s.scene, display: s.display, graph: s.graph, layoutMode: this.layout.mode, drawnText: (scale: number) => this.drawnText(scale), edgePath };
  }

  /** For tests: every text run drawn on a box when the whole graph is drawn at `scale` (in tiles, off screen). */
  private drawnText(scale: number): DrawnText[] {
    const scene = this.state.scene;
    if (!scene) return [];
    const size = 1024;
    const ctx = document.createElement('canvas');
    ctx.width = ctx.height = size;
    const g = ctx.getContext('2d')!;
    const drawn: DrawnText[] = [];
    const b = scene.layout.bounds;
    const tile = size / scale;
    for (let y = b.minY; y < b.maxY; y += tile) {
      for (let x = b.minX; x < b.maxX; x += tile) drawScene(g, scene, { scale, tx: -x * scale, ty: -y * scale }, size, size, this.view.theme, { ...this.view.overlay, drawn });
    }
    const seen = new Set<string>();
    return drawn.filter((r) => {
      const k = `${r.box}|${r.x}|${r.baseline}|${r.text}`;
      return !seen.has(k) && (seen.add(k), true);
    });
  }
}
