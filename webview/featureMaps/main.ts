// First: the display language's bundle is configured before any view words a message.
import '../common/l10n';
import './style.css';
import './arithmetic/arith.css';
import { FEATURE_MAP_TIMEOUTS, type FeatureMapRequests, type FeatureMapTensor, type ToFeatureMaps } from '../../src/protocol/featureMaps';
import { RpcClient, RpcError, type ReplyOf, type RequestOf } from '../../src/protocol/rpc';
import { h } from '../common/dom';
import { host } from './host';
import { layerView } from './layerView';
import { stepView } from './stepView';
import { attachArithmetic, type FetchArithmetic } from './arithmetic/attach';
import { top5View } from './top5';
import { preprocessView } from './preprocessView';
import * as l10n from '@vscode/l10n';

interface SavedState {
  mode: 'layer' | 'step';
  tensor?: string;
  /** `tensor` was picked by the user (in the graph or the list), not shown by default after a run. */
  chosen?: boolean;
  /** The preprocessing panel was left open (the default) or closed: kept across runs and reloads. */
  prepOpen?: boolean;
  step: number;
}

const saved = host.getState<SavedState>() ?? { mode: 'layer', step: 0 };
const state: SavedState & { tensors: FeatureMapTensor[]; stepCount: number } = { ...saved, tensors: [], stepCount: 0 };
const root = document.getElementById('root')!;
const header = h('header', { class: 'header' });
const list = h('nav', { class: 'tensor-list' });
const main = h('main', { class: 'content' }, l10n.t('Run a model (ConvLens: Run Sample Inference) to see its feature maps.'));
const status = h('div', { class: 'status' });
const prep = h('div', { class: 'prep-wrap' });
root.append(h('div', { class: 'page' }, header, prep, h('div', { class: 'body' }, list, h('div', { class: 'right' }, status, main))));

const fusedTip = () => l10n.t('Fused by ONNX Runtime into the next layer in the fast run: selecting it computes it with a second run.');

const rpc = new RpcClient<FeatureMapRequests>((m) => host.post(m), FEATURE_MAP_TIMEOUTS);
/** The request being answered: a newer one cancels it, so only the latest answer is shown. */
let latest: AbortController | undefined;

/** Asks the host, shows its notices in the status line, and shows the reply with `show`, or why none came. */
async function ask<K extends keyof FeatureMapRequests>(type: K, request: RequestOf<FeatureMapRequests, K>, show: (reply: ReplyOf<FeatureMapRequests, K>) => void): Promise<void> {
  latest?.abort();
  const control = (latest = new AbortController());
  try {
    const reply = await rpc.request(type, request, { signal: control.signal, onNotice: (line) => (status.textContent = String(line)) });
    status.textContent = '';
    show(reply);
  } catch (e) {
    if (e instanceof RpcError && e.kind === 'cancelled') return;
    status.textContent = '';
    // The host's own failure says what to do; a reply that never came is said as such.
    const limit = FEATURE_MAP_TIMEOUTS[type];
    const message = !(e instanceof RpcError) ? String(e instanceof Error ? e.message : e)
      : e.kind === 'failed' ? e.reason
      : e.kind === 'timeout' && typeof limit === 'number' ? l10n.t('No answer from ConvLens within {0} s; press Run again.', limit / 1000)
      : e.message;
    main.replaceChildren(h('div', { class: 'error' }, message), h('button', { on: { click: () => host.post({ type: 'fmRerun' }) } }, l10n.t('Run again')));
  }
}

/** The node of the step on the page (Step mode). */
let shownStep: string | undefined;

/** The arithmetic view asks on its own: it must not cancel, or be cancelled by, the page's requests. */
const fetchArithmetic: FetchArithmetic = (nodeId, at) => rpc.request('arithmetic', { nodeId, at });

function showDetail(detail: ReplyOf<FeatureMapRequests, 'detail'>): void {
  const t = state.tensors.find((x) => x.tensor === detail.tensor);
  main.replaceChildren(layerView(detail, (first) => select(detail.tensor, first), t ? (g) => attachArithmetic({ d: detail, g }, t.producer, t.opType, fetchArithmetic) : undefined));
}

/** `field`: outline the receptive field of the map's middle pixel on the input and scroll to it. */
function showStep(step: ReplyOf<FeatureMapRequests, 'step'>, field = false): void {
  shownStep = step.nodeId;
  state.step = step.index;
  state.stepCount = step.count;
  save();
  main.replaceChildren(stepView(step, goStep, fetchArithmetic, field));
  if (field) main.querySelector('.rf-input')?.scrollIntoView({ block: 'center' });
}

/** "Show receptive field" in the graph: Step mode at the layer that makes `tensor`, its field shown. */
function showField(tensor: string, nodeId: string): void {
  pick(tensor, true, 'step');
  // Shown from now on: the graph's echo of this selection, even before the reply comes, must not replace it.
  shownStep = nodeId;
  void ask('step', { nodeId }, (s) => showStep(s, true));
}

function save(): void {
  host.setState<SavedState>({ mode: state.mode, tensor: state.tensor, chosen: state.chosen, prepOpen: state.prepOpen, step: state.step });
}

function setMode(mode: SavedState['mode']): void {
  state.mode = mode;
  save();
  // Step mode opens at the layer the user selected (in the graph or the list); with none, at layer 1.
  const producer = state.chosen ? state.tensors.find((t) => t.tensor === state.tensor)?.producer : undefined;
  if (mode === 'step') void ask('step', producer ? { nodeId: producer } : { index: state.step }, showStep);
  else if (state.tensor) void ask('detail', { tensor: state.tensor }, showDetail);
}

/** `tensor` becomes the one shown, in `mode`, marked in the list and kept in the saved state. */
function pick(tensor: string, chosen: boolean, mode: SavedState['mode']): void {
  shownStep = undefined;
  state.tensor = tensor;
  state.chosen = chosen;
  state.mode = mode;
  save();
  for (const item of list.children) item.classList.toggle('selected', (item as HTMLElement).dataset.tensor === tensor);
}

function select(tensor: string, firstChannel = 0, chosen = true): void {
  pick(tensor, chosen, 'layer');
  void ask('detail', { tensor, firstChannel }, showDetail);
}

function goStep(index: number): void {
  state.step = Math.max(0, index);
  state.mode = 'step';
  save();
  void ask('step', { index: state.step }, showStep);
}

window.addEventListener('keydown', (ev) => {
  if (state.mode !== 'step' || (ev.target as HTMLElement).tagName === 'INPUT') return;
  if (ev.key === 'ArrowRight' || ev.key === 'ArrowDown') goStep(state.step + 1);
  else if (ev.key === 'ArrowLeft' || ev.key === 'ArrowUp') goStep(state.step - 1);
  else return;
  ev.preventDefault();
});

window.addEventListener('message', (ev: MessageEvent<ToFeatureMaps>) => {
  const m = ev.data;
  if (rpc.handle(m)) return;
  switch (m.type) {
    case 'fmRun': {
      state.tensors = m.tensors;
      header.replaceChildren(
        h('span', { class: 'model' }, m.model),
        h('span', {}, l10n.t('ran on {0} in {1} ms', m.where, m.millis.toFixed(1))),
        h('button', { on: { click: () => setMode('layer') } }, l10n.t('Layer')),
        h('button', { on: { click: () => setMode('step') } }, l10n.t('Step ←/→')),
        h('button', { on: { click: () => host.post({ type: 'fmRerun' }) } }, l10n.t('Run again')),
        ...[top5View(m.top5)].filter((e): e is HTMLElement => e !== null),
        // Providers skipped and tensors left out: said, but folded so they do not push the maps down.
        ...(m.notes.length ? [h('details', { class: 'notes' }, h('summary', {}, m.notes.length === 1 ? l10n.t('{0} note on this run', 1) : l10n.t('{0} notes on this run', m.notes.length)), ...m.notes.map((n) => h('div', { class: 'note' }, n)))] : []),
      );
      if (m.settings) {
        const panel = preprocessView(m.preprocessing ?? [], m.settings, (settings) => {
          status.textContent = l10n.t('running again with the new preprocessing');
          host.post({ type: 'fmPreprocess', settings });
        }) as HTMLDetailsElement;
        panel.open = state.prepOpen ?? true;
        panel.addEventListener('toggle', () => { state.prepOpen = panel.open; save(); });
        prep.replaceChildren(panel);
      } else prep.replaceChildren();
      list.replaceChildren(...m.tensors.map((t) => {
        // The layer's name on its own line, then its op and its whole shape (wrapped, never cut).
        const item = h('button', { class: t.fused ? 'tensor-item fused' : 'tensor-item', title: t.fused ? `${t.tensor}\n${fusedTip()}` : t.tensor, on: { click: () => select(t.tensor) } },
          h('span', { class: 'name' }, t.layer?.name ?? (t.producer || t.tensor)),
          h('span', { class: 'meta' }, h('span', { class: 'op' }, t.layer?.type ?? t.opType), ...(t.fused ? [h('span', { class: 'fused-mark' }, l10n.t('fused'))] : []), h('span', { class: 'shape' }, t.shape.join('×'))));
        item.dataset.tensor = t.tensor;
        return item;
      }));
      const kept = state.tensor && m.tensors.some((t) => t.tensor === state.tensor) ? state.tensor : undefined;
      const pick = (m.chosen ? m.selected : undefined) ?? kept ?? m.selected ?? m.tensors[0]?.tensor;
      const chosen = m.chosen === true || (pick === kept && state.chosen === true);
      const producer = m.field && m.selected ? m.tensors.find((t) => t.tensor === m.selected)?.producer : undefined;
      if (producer) showField(m.selected!, producer);
      else if (state.mode === 'step') goStep(state.step);
      else if (pick) select(pick, 0, chosen);
      break;
    }
    case 'fmFocus':
      // The layer already shown (a selection echoed back, or the one "Show receptive field" opened) stays as it is.
      if (state.mode === 'step' && m.nodeId === shownStep) break;
      if (state.mode === 'step') void ask('step', { nodeId: m.nodeId }, showStep);
      else select(m.tensor);
      break;
    case 'fmUnfused':
      for (const item of list.querySelectorAll<HTMLElement>('.tensor-item.fused')) {
        item.classList.remove('fused');
        item.querySelector('.fused-mark')?.remove();
        item.title = item.dataset.tensor ?? '';
      }
      break;
  }
});

host.post({ type: 'ready' });
