import type { ViewGraph, ViewWeight } from '../../../src/protocol/viewModel';
import type { DisplayNode } from '../model/displayGraph';
import { h, icon } from '../../common/dom';
import type { Drawer, DrawerPanel } from './drawer';
import { nodeInfo } from './nodeInfo';
import { groupTitle } from '../model/groupTitle';
import * as l10n from '@vscode/l10n';

export interface DetailsActions {
  reveal(nodeId: string): void;
  expand(groupKey: string): void;
  collapse(groupKey: string): void;
  close(): void;
  showWeight(w: ViewWeight): void;
  /** Opens Step mode at the layer with its receptive field outlined on the input image. */
  showField(): void;
}

/** The drawer panel for the selected box: every figure, attribute and tensor, and what can be done with it. */
export class DetailsPanel {
  private readonly panel: DrawerPanel;

  constructor(drawer: Drawer, private readonly a: DetailsActions) {
    this.panel = drawer.addPanel({ id: 'cl-details', label: l10n.t('Layer details'), closeLabel: l10n.t('Close details'), onClose: () => a.close() });
    this.panel.el.classList.add('cl-details');
  }

  get el(): HTMLElement {
    return this.panel.el;
  }

  show(g: ViewGraph, d: DisplayNode | null, hideBatch: boolean): void {
    if (!d) {
      this.panel.close();
      return;
    }
    const buttons = h('div', { class: 'cl-detail-buttons' });
    const first = d.members.length ? g.nodes[d.members[0]] : undefined;
    if (d.kind === 'node' && first?.hasSource) buttons.append(this.button('go-to-file', l10n.t('Reveal source'), () => this.a.reveal(first.id), 'cl-reveal'));
    // A layer whose output has a 2-D receptive field (the analysis's) can show it on the input image.
    const last = d.kind === 'node' && d.members.length ? g.nodes[d.members[d.members.length - 1]] : undefined;
    if (last && g.tensors[last.outputs[0]]?.receptiveField?.length === 2) buttons.append(this.button('target', l10n.t('Show receptive field'), () => this.a.showField(), 'cl-show-field'));
    if (d.kind === 'group') buttons.append(this.button('unfold', l10n.t('Expand group'), () => this.a.expand(d.scope.join('/')), 'cl-expand'));
    else if (first && first.scope.length > 0) {
      for (let depth = first.scope.length; depth >= 1; depth--) {
        const key = first.scope.slice(0, depth).join('/');
        const group = g.groups?.find((gr) => gr.key === key);
        buttons.append(this.button('fold', l10n.t('Collapse {0}', group ? groupTitle(group) : key), () => this.a.collapse(key)));
      }
    }
    this.panel.body.replaceChildren(nodeInfo(g, d, hideBatch, true, (w) => this.a.showWeight(w)), buttons);
    this.panel.open();
  }

  private button(iconName: string, text: string, fn: () => void, id?: string): HTMLButtonElement {
    const b = h('button', { class: 'cl-btn cl-text-btn', attrs: { type: 'button', ...(id ? { id } : {}) } }, icon(iconName), ` ${text}`);
    b.addEventListener('click', fn);
    return b;
  }
}
