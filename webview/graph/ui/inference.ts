import type { InferenceInputChoice, InferenceState } from '../../../src/protocol/messages';
import { formatPercent } from '../../common/format';
import { h, icon, iconButton } from '../../common/dom';
import * as l10n from '@vscode/l10n';

type Pattern = Extract<InferenceInputChoice, { kind: 'pattern' }>['pattern'];

export interface InferenceActions {
  run(input: InferenceInputChoice): void;
  cancel(): void;
  showFeatureMaps(): void;
  /** Open VS Code's Workspace Trust editor (a run waits for trust in Restricted Mode). */
  manageTrust(): void;
}

const PATTERNS: [Pattern, () => string][] = [
  ['digit', () => l10n.t("Digit '3'")],
  ['gradient', () => l10n.t('Colour gradient')],
  ['checkerboard', () => l10n.t('Checkerboard')],
  ['noise', () => l10n.t('Seeded noise')],
];

/**
 * The sample-inference row under the toolbar: pick a built-in pattern (or an image file), Run, Cancel,
 * open the feature maps; then where it ran, how long it took and the top-5 classes. `data-status` on
 * #cl-inference says the state (idle, running, done, error, untrusted) for tests and styles. In
 * Restricted Mode a run waits: the row says so and offers VS Code's trust editor.
 */
export class InferenceBar {
  readonly el = h('div', { class: 'cl-inference', attrs: { id: 'cl-inference', 'data-status': 'idle', role: 'region', 'aria-label': l10n.t('Sample inference') } });
  private readonly input = h('select', { class: 'cl-select', title: l10n.t('Sample input'), attrs: { id: 'cl-pattern', 'aria-label': l10n.t('Sample input') } },
    ...PATTERNS.map(([value, label]) => h('option', { attrs: { value } }, label())),
    h('option', { attrs: { value: 'image' } }, l10n.t('Image file…')),
  );
  private readonly runButton = h('button', { class: 'cl-btn cl-primary', title: l10n.t("Run the model on the sample input and draw every layer's output"), attrs: { id: 'cl-run', type: 'button' } }, icon('play'), ` ${l10n.t('Run')}`);
  private readonly cancelButton = iconButton('debug-stop', l10n.t('Cancel the run'), () => this.a.cancel(), 'cl-cancel');
  private readonly mapsButton = h('button', { class: 'cl-btn cl-text-btn', title: l10n.t('Open the feature maps of the last run'), attrs: { id: 'cl-feature-maps', type: 'button' } }, icon('symbol-color'), ` ${l10n.t('Feature maps')}`);
  private readonly trustButton = h('button', { class: 'cl-btn', title: l10n.t("Open VS Code's Workspace Trust editor: the run starts once this folder is trusted"), attrs: { id: 'cl-manage-trust', type: 'button' } }, icon('shield'), ` ${l10n.t('Manage Workspace Trust')}`);
  private readonly status = h('span', { class: 'cl-inf-status', attrs: { id: 'cl-inf-status', role: 'status' } });
  private readonly top5 = h('ol', { class: 'cl-top5', attrs: { id: 'cl-top5', 'aria-label': l10n.t('Top-5 predictions') } });

  constructor(private readonly a: InferenceActions) {
    this.runButton.addEventListener('click', () => {
      const v = this.input.value;
      this.a.run(v === 'image' ? { kind: 'image' } : { kind: 'pattern', pattern: v as Pattern });
    });
    this.mapsButton.addEventListener('click', () => this.a.showFeatureMaps());
    this.trustButton.addEventListener('click', () => this.a.manageTrust());
    this.el.append(this.input, this.runButton, this.cancelButton, this.mapsButton, this.status, this.trustButton, this.top5);
    this.show({ status: 'idle' });
  }

  show(s: InferenceState): void {
    this.el.dataset.status = s.status;
    this.runButton.disabled = s.status === 'running';
    this.cancelButton.classList.toggle('cl-hidden', s.status !== 'running');
    this.mapsButton.classList.toggle('cl-hidden', s.status !== 'done');
    this.trustButton.classList.toggle('cl-hidden', s.status !== 'untrusted');
    this.el.classList.toggle('cl-error', s.status === 'error');
    this.top5.replaceChildren();
    this.status.title = '';
    if (s.status === 'idle') this.status.textContent = '';
    else if (s.status === 'running') this.status.textContent = `${s.message}…`;
    else if (s.status === 'error' || s.status === 'untrusted') this.status.textContent = s.message;
    else {
      const count = s.thumbnails.length;
      const fused = s.fused ? ` · ${l10n.t('{0} fused by ONNX Runtime, drawn when you select one in Feature maps', s.fused)}` : '';
      const ran = count === 1 ? l10n.t('ran on {0} in {1} · {2} tensor drawn', s.provider, formatMs(s.millis), count) : l10n.t('ran on {0} in {1} · {2} tensors drawn', s.provider, formatMs(s.millis), count);
      this.status.textContent = `${ran}${fused}${s.weightsNote ? ` · ${s.weightsNote}` : ''}`;
      this.status.title = [...(s.inputs ?? []), ...(s.notes ?? [])].join('\n');
      for (const p of s.top5 ?? []) {
        this.top5.append(h('li', { attrs: { 'data-index': String(p.index) } }, h('span', { class: 'cl-top5-label' }, p.label), ` ${formatPercent(p.probability)}`));
      }
    }
  }
}

function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(2)} ms` : ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
