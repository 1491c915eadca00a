import type { ViewGraph } from '../../../src/protocol/viewModel';
import type { LayerTimes } from '../../../src/runtime/profile';
import { formatBytes, formatCount, formatMicros } from '../../common/format';
import { h } from '../../common/dom';
import * as l10n from '@vscode/l10n';
import type { DisplayGraph } from '../model/displayGraph';
import { boxColors, boxValues, OVERLAY_METRICS, position, rampColor, scaleOf, topBoxes, valueAt, type OverlayMetric, type OverlayScale } from '../model/overlayValues';
import type { Theme } from '../render/theme';
import type { Drawer, DrawerPanel } from './drawer';

const LABELS: Record<OverlayMetric, () => string> = {
  none: () => l10n.t('No overlay'), params: () => l10n.t('Parameters'), macs: () => l10n.t('MACs'),
  memory: () => l10n.t('Activation memory'), time: () => l10n.t('Measured time'),
};

const TICKS = 5;

export interface OverlayHost {
  /** Asks the host to time the layers on the last run (ONNX Runtime's profiler). */
  layerTimes(): Promise<LayerTimes>;
  /** Selects and reveals a display box. */
  select(box: number): void;
  /** The boxes' fills changed (undefined: no overlay). */
  fillsChanged(fills: (string | undefined)[] | undefined): void;
  /** The user chose another figure (kept in the webview's saved state). */
  chosen(metric: OverlayMetric): void;
}

/**
 * Colours the boxes by a figure (ui: the toolbar's "Colour by" choice) and explains it in a drawer panel:
 * the colour ramp with its values, how the figure is counted, and the ten boxes with the largest figure
 * (click one to select it). The time needs a run: it is asked for once per run, when first chosen.
 */
export class OverlayPanel {
  readonly select = h('select', { class: 'cl-select', title: l10n.t('Colour the boxes by'), attrs: { id: 'cl-overlay', 'aria-label': l10n.t('Colour the boxes by') } },
    ...OVERLAY_METRICS.map((m) => h('option', { attrs: { value: m } }, LABELS[m]())));
  private readonly panel: DrawerPanel;
  private metric: OverlayMetric = 'none';
  private graph: ViewGraph | null = null;
  private display: DisplayGraph | null = null;
  private theme: Theme | null = null;
  private times: LayerTimes | null = null;
  private timing: 'none' | 'ready' | 'pending' | string = 'none';
  private request = 0;
  private run: string | null = null;

  constructor(drawer: Drawer, private readonly host: OverlayHost) {
    this.panel = drawer.addPanel({ id: 'cl-overlay-panel', label: l10n.t('Overlay'), closeLabel: l10n.t('Close the overlay'), onClose: () => this.setMetric('none') });
    this.select.addEventListener('change', () => this.setMetric(this.select.value as OverlayMetric));
  }

  /** The figure chosen before a reload, shown again (unknown names from older states are ignored). */
  restore(m: OverlayMetric | undefined): void {
    if (m && (OVERLAY_METRICS as readonly string[]).includes(m)) this.setMetric(m, false);
  }

  get current(): OverlayMetric {
    return this.metric;
  }

  labelOf(m: OverlayMetric): string {
    return LABELS[m]();
  }

  setMetric(m: OverlayMetric, chosen = true): void {
    this.metric = m;
    if (chosen) this.host.chosen(m);
    this.select.value = m;
    if (m === 'time' && !this.times && this.timing === 'ready') void this.fetchTimes();
    this.refresh();
  }

  /** A new display graph or theme: colours and list are worked out again. */
  update(graph: ViewGraph, display: DisplayGraph, theme: Theme): void {
    this.graph = graph;
    this.display = display;
    this.theme = theme;
    this.refresh();
  }

  /** A run finished (times of an earlier run no longer hold) or went away (null). `run` names the run,
   * so the same run's state sent again (a reload, fused maps added) keeps its times. */
  runChanged(run: string | null): void {
    if (run !== null && run === this.run) return;
    this.run = run;
    const ran = run !== null;
    this.times = null;
    this.request++;
    this.timing = ran ? 'ready' : 'none';
    if (ran && this.metric === 'time') void this.fetchTimes();
    this.refresh();
  }

  private async fetchTimes(): Promise<void> {
    const mine = ++this.request;
    this.timing = 'pending';
    this.refresh();
    try {
      const t = await this.host.layerTimes();
      if (mine !== this.request) return;
      this.times = t;
      this.timing = 'ready';
    } catch (e) {
      if (mine !== this.request) return;
      this.timing = e instanceof Error ? e.message : String(e);
    }
    this.refresh();
  }

  private refresh(): void {
    const { graph, display, theme, metric } = this;
    if (metric === 'none' || !graph || !display || !theme) {
      this.host.fillsChanged(undefined);
      if (metric === 'none') this.panel.close();
      return;
    }
    const values = boxValues(graph, display, metric, this.times);
    const scale = scaleOf(values);
    const c = theme.color;
    this.host.fillsChanged(boxColors(values, scale, c.nodeFill, c.heatLow, c.heatHigh));
    const body: (HTMLElement | string)[] = [h('h3', {}, l10n.t('Colour by {0}', LABELS[metric]()))];
    const status = metric === 'time' ? this.timeStatus() : null;
    if (status) body.push(h('p', { class: 'cl-overlay-note', attrs: { id: 'cl-overlay-status', role: 'status' } }, status));
    if (scale) {
      body.push(this.ramp(scale, theme));
      body.push(h('p', { class: 'cl-overlay-note' }, l10n.t('Logarithmic scale. Boxes without a figure (zero or unknown) keep their usual colour.')));
      if (metric === 'time' && this.times) body.push(h('p', { class: 'cl-overlay-note', attrs: { id: 'cl-overlay-time-note' } }, ...timeNotes(this.times)));
      const top = topBoxes(values);
      body.push(h('h4', {}, l10n.t('Top {0} layers', top.length)));
      body.push(h('ol', { class: 'cl-overlay-top', attrs: { id: 'cl-overlay-top' } }, ...top.map((i) => this.row(i, values[i]!, scale, theme))));
    }
    this.panel.body.replaceChildren(...body);
    if (!this.panel.isOpen) this.panel.open();
  }

  private timeStatus(): string | null {
    if (this.timing === 'none') return l10n.t('Run the model first: the time per layer is measured on its last run.');
    if (this.timing === 'pending') return l10n.t('Timing each layer with ONNX Runtime\'s profiler…');
    if (this.timing !== 'ready') return l10n.t('Could not time the layers: {0}', this.timing);
    return null;
  }

  private ramp(scale: OverlayScale, theme: Theme): HTMLElement {
    const c = theme.color;
    const stops = Array.from({ length: 11 }, (_, i) => `${rampColor(i / 10, c.nodeFill, c.heatLow, c.heatHigh)} ${i * 10}%`);
    const bar = h('div', { class: 'cl-overlay-ramp', attrs: { id: 'cl-overlay-ramp', role: 'img', 'aria-label': l10n.t('from {0} to {1}', this.format(scale.min), this.format(scale.max)) } });
    bar.style.background = `linear-gradient(to right, ${stops.join(', ')})`;
    const ticks = h('div', { class: 'cl-overlay-ticks', attrs: { id: 'cl-overlay-ticks' } },
      ...Array.from({ length: TICKS }, (_, i) => h('span', { attrs: { 'data-value': String(valueAt(scale, i / (TICKS - 1))) } }, this.format(valueAt(scale, i / (TICKS - 1))))));
    return h('div', {}, bar, ticks);
  }

  private row(i: number, v: number, scale: OverlayScale, theme: Theme): HTMLElement {
    const d = this.display!.nodes[i];
    const c = theme.color;
    const swatch = h('span', { class: 'cl-overlay-swatch' });
    swatch.style.background = rampColor(position(scale, v) ?? 0, c.nodeFill, c.heatLow, c.heatHigh);
    const name = d.kind === 'group' ? d.title : d.name || d.title;
    const t = this.metric === 'time' && d.kind === 'node' ? this.times?.nodes[d.id] : undefined;
    const title = t && t.members > 1 ? l10n.t('ran fused with {0} other layers in ONNX Runtime\'s kernel {1} ({2})', t.members - 1, t.kernel, t.kernelOp) : undefined;
    const button = h('button', { title, attrs: { type: 'button', 'data-box': d.id, 'data-value': String(v) } },
      swatch, h('span', { class: 'cl-overlay-name' }, name, ' ', h('span', { class: 'cl-overlay-op' }, d.title)), h('span', { class: 'cl-overlay-value' }, this.format(v)));
    button.addEventListener('click', () => this.host.select(i));
    return h('li', {}, button);
  }

  private format(v: number): string {
    if (this.metric === 'memory') return formatBytes(Math.round(v));
    if (this.metric === 'time') return formatMicros(v);
    return formatCount(Math.round(v));
  }
}

function timeNotes(t: LayerTimes): string[] {
  const notes = [l10n.t('Measured by ONNX Runtime\'s profiler on the last run\'s input: the mean of {0} runs after a warm-up, {1} a run ({2} in layers).', t.runs, formatMicros(t.runMicros), formatMicros(t.kernelMicros - t.layoutMicros))];
  notes.push(' ', l10n.t('Layers ONNX Runtime fuses into one kernel share its time in proportion to their MACs (element-wise layers count none, so a Conv+Add+Relu\'s time goes to its convolution).'));
  if (t.layoutMicros > 0) notes.push(' ', l10n.t('Layout conversions ({0}) belong to no layer and are left out.', formatMicros(t.layoutMicros)));
  const lost = t.unmapped.reduce((a, u) => a + u.micros, 0);
  if (t.unmapped.length) notes.push(' ', l10n.t('{0} kernels ({1}) could not be traced back to the model.', t.unmapped.length, formatMicros(lost)));
  return notes;
}
