import { toMarkdown } from './export/markdown';
import { toMermaid } from './export/mermaid';
import type { MermaidPreview } from './export/mermaidPreview';
import { sceneToPngBase64 } from './export/png';
import { sceneToSvg } from './export/svg';
import { canvasMeasure } from './render/boxText';
import type { GraphController } from './controller';
import type { EdgeNavigator } from './model/navigation';
import type { GraphView } from './render/graphView';
import { readTheme } from './render/theme';
import type { ViewState } from './viewState';
import * as l10n from '@vscode/l10n';

/** What the commands act on: the app's state, canvas and panels. */
export interface CommandTarget {
  readonly state: ViewState;
  readonly view: GraphView;
  readonly nav: EdgeNavigator;
  readonly host: GraphController;
  readonly mermaid: MermaidPreview;
  readonly root: HTMLElement;
  select(v: number, notifyHost: boolean, reveal: boolean): void;
  activate(v: number): void;
  focusSearch(): void;
  showMessage(text: string, error: boolean, hideAfterMs?: number): void;
}

/** The user's commands that are more than a state change: exports, copies and the keyboard. */
export class GraphCommands {
  constructor(private readonly t: CommandTarget) {}

  async copy(text: string, what: string): Promise<void> {
    try {
      await this.t.host.copy(text, what);
      this.t.showMessage(`${what} copied`, false, 2000);
    } catch (e) {
      this.t.showMessage(l10n.t('Copy failed: {0}', e instanceof Error ? e.message : String(e)), true);
    }
  }

  private async save(suggestedName: string, data: string, encoding: 'base64' | 'utf8'): Promise<void> {
    try {
      await this.t.host.save(suggestedName, data, encoding);
    } catch (e) {
      this.t.showMessage(l10n.t('Save failed: {0}', e instanceof Error ? e.message : String(e)), true);
    }
  }

  async exportSvg(): Promise<void> {
    const scene = this.t.state.scene;
    if (!scene) return;
    const theme = readTheme(this.t.root);
    await this.save(`${this.t.state.baseName()}.svg`, sceneToSvg(scene, theme, canvasMeasure(theme.fontFamily)), 'utf8');
  }

  async exportPng(pixelRatio = 1): Promise<void> {
    const scene = this.t.state.scene;
    if (!scene) return;
    const png = await sceneToPngBase64(scene, readTheme(this.t.root), this.t.view.overlay, pixelRatio);
    await this.save(`${this.t.state.baseName()}${pixelRatio === 1 ? '' : `@${pixelRatio}x`}.png`, png.base64, 'base64');
  }

  copyMermaid(): void {
    const display = this.t.state.display;
    if (display) void this.t.mermaid.show(toMermaid(display), display.nodes.length);
  }

  copyMarkdown(): void {
    const graph = this.t.state.graph;
    if (graph) void this.copy(toMarkdown(graph, this.t.state.hideBatch), l10n.t('Markdown summary'));
  }

  onKey(ev: KeyboardEvent): void {
    const target = ev.target as HTMLElement | null;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT')) return;
    const { view } = this.t;
    const sel = view.overlay.selected;
    const go = (dir: 'up' | 'down' | 'left' | 'right') => {
      const next = this.t.nav.step(sel, dir);
      if (next >= 0) this.t.select(next, true, true);
    };
    switch (ev.key) {
      case '+': case '=': view.zoomBy(1.25); break;
      case '-': case '_': view.zoomBy(0.8); break;
      case '0': view.fit(); break;
      case 'ArrowUp': go('up'); break;
      case 'ArrowDown': go('down'); break;
      case 'ArrowLeft': go('left'); break;
      case 'ArrowRight': go('right'); break;
      case 'Enter': if (sel >= 0) this.t.activate(sel); break;
      case 'Escape': this.t.select(-1, true, false); this.t.mermaid.hide(); break;
      case '/': this.t.focusSearch(); break;
      case 'f': if (ev.ctrlKey || ev.metaKey) this.t.focusSearch(); else return; break;
      default: return;
    }
    ev.preventDefault();
  }
}
