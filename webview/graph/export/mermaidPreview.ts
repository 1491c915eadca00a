import { h } from '../../common/dom';
import * as l10n from '@vscode/l10n';

/**
 * Renders Mermaid text with the mermaid library, which is loaded only when first needed from its
 * own bundle (dist/mermaid.js, named by data-mermaid on #root) by a script tag carrying this
 * page's nonce. The SVG is shown through an <img> (blob: URL), because the CSP does not let
 * Mermaid's inline <style> into the page itself.
 */
interface MermaidApi {
  initialize(config: Record<string, unknown>): void;
  render(id: string, text: string): Promise<{ svg: string }>;
}

let loading: Promise<MermaidApi> | null = null;

export function loadMermaid(src: string | undefined, nonce: string): Promise<MermaidApi> {
  if (!src) return Promise.reject(new Error('no Mermaid bundle given (data-mermaid on #root)'));
  loading ??= new Promise<MermaidApi>((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.nonce = nonce;
    s.onload = () => {
      const api = (window as unknown as { convlensMermaid?: MermaidApi }).convlensMermaid;
      if (!api) return reject(new Error('the Mermaid bundle loaded but did not register itself'));
      api.initialize({ startOnLoad: false, theme: document.body.classList.contains('vscode-light') || document.body.classList.contains('vscode-high-contrast-light') ? 'default' : 'dark', securityLevel: 'strict', maxEdges: 5000, maxTextSize: 2_000_000, flowchart: { htmlLabels: false } });
      resolve(api);
    };
    s.onerror = () => {
      loading = null;
      reject(new Error(`could not load ${src}`));
    };
    document.head.append(s);
  });
  return loading;
}

/** Mermaid lays out with its own engine; past this size it takes too long to be a preview. */
export const PREVIEW_LIMIT = 400;

export class MermaidPreview {
  readonly el = h('div', { class: 'cl-modal cl-hidden', attrs: { id: 'cl-mermaid', role: 'dialog', 'aria-label': l10n.t('Mermaid preview') } });
  private readonly body = h('div', { class: 'cl-modal-body' });
  private readonly status = h('div', { class: 'cl-modal-status', attrs: { id: 'cl-mermaid-status' } });
  private readonly text = h('textarea', { class: 'cl-modal-text', attrs: { readonly: '', id: 'cl-mermaid-text' } });
  private url: string | null = null;
  private counter = 0;

  constructor(parent: HTMLElement, private readonly src: string | undefined, private readonly nonce: string, private readonly copy: (text: string) => void) {
    const copyBtn = h('button', { class: 'cl-btn cl-primary', attrs: { id: 'cl-mermaid-copy', type: 'button' } }, l10n.t('Copy'));
    copyBtn.addEventListener('click', () => {
      this.copy(this.text.value);
      this.hide();
    });
    const close = h('button', { class: 'cl-btn', attrs: { type: 'button' } }, l10n.t('Close'));
    close.addEventListener('click', () => this.hide());
    this.el.append(h('div', { class: 'cl-modal-panel' }, h('div', { class: 'cl-info-head' }, l10n.t('Copy as Mermaid')), this.status, this.body, this.text, h('div', { class: 'cl-modal-buttons' }, copyBtn, close)));
    parent.append(this.el);
  }

  async show(mermaidText: string, nodeCount: number): Promise<void> {
    this.text.value = mermaidText;
    this.body.replaceChildren();
    this.el.classList.remove('cl-hidden');
    if (nodeCount > PREVIEW_LIMIT) {
      this.status.textContent = l10n.t('{0} boxes: too many to preview; collapse groups to preview, or copy the text as it is.', nodeCount);
      return;
    }
    this.status.textContent = l10n.t('Rendering preview…');
    try {
      const api = await loadMermaid(this.src, this.nonce);
      const { svg } = await api.render(`cl-mermaid-${++this.counter}`, mermaidText);
      if (this.url) URL.revokeObjectURL(this.url);
      this.url = URL.createObjectURL(new Blob([asXml(svg)], { type: 'image/svg+xml' }));
      const img = h('img', { class: 'cl-mermaid-img', attrs: { id: 'cl-mermaid-img', alt: l10n.t('Mermaid preview') } });
      img.src = this.url;
      this.body.append(img);
      this.status.textContent = l10n.t('Preview');
    } catch (e) {
      this.status.textContent = l10n.t('Preview failed: {0}', e instanceof Error ? e.message : String(e));
    }
  }

  hide(): void {
    this.el.classList.add('cl-hidden');
  }
}

/** Mermaid's SVG is HTML-flavoured (e.g. unclosed <br>); an <img> needs well-formed XML. */
function asXml(svg: string): string {
  const doc = new DOMParser().parseFromString(svg, 'text/html');
  const el = doc.querySelector('svg');
  if (!el) throw new Error('Mermaid returned no SVG');
  el.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  // Mermaid sizes the SVG to its container (width 100%); give the image its natural size instead.
  const vb = (el.getAttribute('viewBox') ?? '').split(/[\s,]+/).map(Number);
  if (vb.length === 4 && vb.every(Number.isFinite)) {
    el.setAttribute('width', String(vb[2]));
    el.setAttribute('height', String(vb[3]));
    el.removeAttribute('style');
  }
  return new XMLSerializer().serializeToString(el);
}
