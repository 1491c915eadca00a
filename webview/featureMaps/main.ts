// First: the display language's bundle is configured before any view words a message.
import '../common/l10n';
import './style.css';
import type { FeatureMapTensor, FromFeatureMaps, ToFeatureMaps } from '../../src/protocol/featureMaps';
import { h } from '../common/dom';
import { host } from './host';
import { layerView } from './layerView';
import { stepView } from './stepView';
import { top5View } from './top5';
import * as l10n from '@vscode/l10n';

interface SavedState {
  mode: 'layer' | 'step';
  tensor?: string;
  step: number;
}

const saved = host.getState<SavedState>() ?? { mode: 'layer', step: 0 };
const state: SavedState & { tensors: FeatureMapTensor[]; stepCount: number } = { ...saved, tensors: [], stepCount: 0 };
const root = document.getElementById('root')!;
const header = h('header', { class: 'header' });
const list = h('nav', { class: 'tensor-list' });
const main = h('main', { class: 'content' }, l10n.t('Run a model (ConvLens: Run Sample Inference) to see its feature maps.'));
const status = h('div', { class: 'status' });
root.append(h('div', { class: 'page' }, header, h('div', { class: 'body' }, list, h('div', { class: 'right' }, status, main))));

const fusedTip = () => l10n.t('Fused by ONNX Runtime into the next layer in the fast run: selecting it computes it with a second run.');

/** The latest request: answers to older ones are dropped (a newer selection supersedes them). */
let latest = 0;
let answerTimer = 0;
const ANSWER_MS = 60_000;

/** Sends a request with a fresh id; says so on screen when no answer comes in time. */
function request(m: Extract<FromFeatureMaps, { type: 'fmSelect' | 'fmStep' }>): void {
  const id = ++latest;
  clearTimeout(answerTimer);
  answerTimer = window.setTimeout(() => {
    if (latest === id) status.textContent = l10n.t('No answer from ConvLens within {0} s; press Run again.', ANSWER_MS / 1000);
  }, ANSWER_MS);
  host.post({ ...m, id });
}

/** False for an answer to a request that a newer one superseded. */
function current(m: { id?: number }): boolean {
  if (m.id === undefined) return true;
  if (m.id !== latest) return false;
  clearTimeout(answerTimer);
  return true;
}

function save(): void {
  host.setState<SavedState>({ mode: state.mode, tensor: state.tensor, step: state.step });
}

function setMode(mode: SavedState['mode']): void {
  state.mode = mode;
  save();
  if (mode === 'step') request({ type: 'fmStep', index: state.step });
  else if (state.tensor) request({ type: 'fmSelect', tensor: state.tensor });
}

function select(tensor: string, firstChannel = 0): void {
  state.tensor = tensor;
  state.mode = 'layer';
  save();
  for (const item of list.children) item.classList.toggle('selected', (item as HTMLElement).dataset.tensor === tensor);
  request({ type: 'fmSelect', tensor, firstChannel });
}

function goStep(index: number): void {
  state.step = Math.max(0, index);
  state.mode = 'step';
  save();
  request({ type: 'fmStep', index: state.step });
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
      list.replaceChildren(...m.tensors.map((t) => {
        const item = h('button', { class: t.fused ? 'tensor-item fused' : 'tensor-item', title: t.fused ? `${t.tensor}\n${fusedTip()}` : t.tensor, on: { click: () => select(t.tensor) } },
          h('span', { class: 'op' }, t.opType), ...(t.fused ? [h('span', { class: 'fused-mark' }, l10n.t('fused'))] : []), h('span', { class: 'shape' }, t.shape.join('×')));
        item.dataset.tensor = t.tensor;
        return item;
      }));
      const pick = m.selected ?? (state.tensor && m.tensors.some((t) => t.tensor === state.tensor) ? state.tensor : m.tensors[0]?.tensor);
      if (state.mode === 'step') goStep(state.step);
      else if (pick) select(pick);
      break;
    }
    case 'fmFocus':
      if (state.mode === 'step') request({ type: 'fmStep', nodeId: m.nodeId });
      else select(m.tensor);
      break;
    case 'fmDetail':
      if (!current(m)) break;
      status.textContent = '';
      main.replaceChildren(layerView(m.detail, (first) => select(m.detail.tensor, first)));
      break;
    case 'fmStep':
      if (!current(m)) break;
      status.textContent = '';
      state.step = m.step.index;
      state.stepCount = m.step.count;
      save();
      main.replaceChildren(stepView(m.step, goStep));
      break;
    case 'fmBusy':
      status.textContent = m.message;
      break;
    case 'fmUnfused':
      for (const item of list.querySelectorAll<HTMLElement>('.tensor-item.fused')) {
        item.classList.remove('fused');
        item.querySelector('.fused-mark')?.remove();
        item.title = item.dataset.tensor ?? '';
      }
      break;
    case 'fmError':
      if (!current(m)) break;
      status.textContent = '';
      main.replaceChildren(h('div', { class: 'error' }, m.message), h('button', { on: { click: () => host.post({ type: 'fmRerun' }) } }, l10n.t('Run again')));
      break;
  }
});

host.post({ type: 'ready' });
