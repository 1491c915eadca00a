import type { ViewGraph } from '../../../src/protocol/viewModel';
import { h } from '../../common/dom';
import type { Drawer, DrawerPanel } from './drawer';
import * as l10n from '@vscode/l10n';

/**
 * The Model panel: what the file says about itself (Netron's model properties). ONNX: producer and
 * its version, IR version, the opset of every domain it imports, the model's and the graph's doc
 * strings, metadata_props. Keras and TF.js: the Keras version, backend, generatedBy, convertedBy.
 */
export class ModelPanel {
  private readonly panel: DrawerPanel;

  constructor(drawer: Drawer) {
    this.panel = drawer.addPanel({ id: 'cl-model', label: l10n.t('Model properties'), closeLabel: l10n.t('Close model properties') });
    this.panel.el.classList.add('cl-model');
  }

  get isOpen(): boolean {
    return this.panel.isOpen;
  }

  toggle(g: ViewGraph | null): void {
    if (this.panel.isOpen) this.panel.close();
    else if (g) {
      this.fill(g);
      this.panel.open();
    }
  }

  /** A new graph: the open panel follows it. */
  update(g: ViewGraph): void {
    if (this.panel.isOpen) this.fill(g);
  }

  private fill(g: ViewGraph): void {
    const m = g.model;
    const keras = g.format === 'keras' || g.format === 'tfjs';
    const rows: [string, string][] = [[l10n.t('format'), g.format.toUpperCase()]];
    if (m) {
      if (m.producer) rows.push([l10n.t('producer'), m.producer]);
      if (m.producerVersion) rows.push([keras ? l10n.t('Keras version') : l10n.t('producer version'), m.producerVersion]);
      if (m.irVersion !== undefined) rows.push([l10n.t('IR version'), String(m.irVersion)]);
      if (m.graphName) rows.push([l10n.t('graph'), m.graphName]);
    }
    const body: HTMLElement[] = [h('div', { class: 'cl-info-title' }, g.title), table(rows, 'cl-model-props')];
    const opsets = Object.entries(m?.opsets ?? g.opsets);
    if (opsets.length) {
      body.push(h('div', { class: 'cl-info-head' }, l10n.t('operator sets')));
      body.push(table(opsets.map(([d, v]): [string, string] => [d || 'ai.onnx', String(v)]), 'cl-model-opsets'));
    }
    const meta = Object.entries(m?.metadata ?? {});
    if (meta.length) {
      body.push(h('div', { class: 'cl-info-head' }, keras ? l10n.t('file properties') : l10n.t('metadata_props')));
      body.push(table(meta, 'cl-model-metadata'));
    }
    for (const [head, text, id] of [[l10n.t('model doc string'), m?.docString, 'cl-model-doc'], [l10n.t('graph doc string'), m?.graphDocString, 'cl-graph-doc']] as const) {
      if (!text) continue;
      body.push(h('div', { class: 'cl-info-head' }, head), h('pre', { class: 'cl-doc-string', attrs: { id } }, text));
    }
    this.panel.body.replaceChildren(...body);
  }
}

function table(rows: [string, string][], id: string): HTMLTableElement {
  return h('table', { class: 'cl-kv', attrs: { id } }, ...rows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v))));
}
