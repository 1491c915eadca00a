import './style.css';
import type { FeatureMapTensor, ToFeatureMaps } from '../../src/protocol/featureMaps';
import { el } from './dom';
import { host } from './host';
import { layerView } from './layerView';
import { stepView } from './stepView';
import { top5View } from './top5';

interface SavedState {
  mode: 'layer' | 'step';
  tensor?: string;
  step: number;
}

const saved = host.getState<SavedState>() ?? { mode: 'layer', step: 0 };
const state: SavedState & { tensors: FeatureMapTensor[]; stepCount: number } = { ...saved, tensors: [], stepCount: 0 };
const root = document.getElementById('root')!;
const header = el('header', { className: 'header' });
const list = el('nav', { className: 'tensor-list' });
const main = el('main', { className: 'content', textContent: 'Run a model (ConvLens: Run Sample Inference) to see its feature maps.' });
const status = el('div', { className: 'status' });
root.append(el('div', { className: 'page' }, header, el('div', { className: 'body' }, list, el('div', { className: 'right' }, status, main))));

function save(): void {
  host.setState<SavedState>({ mode: state.mode, tensor: state.tensor, step: state.step });
}

function setMode(mode: SavedState['mode']): void {
  state.mode = mode;
  save();
  if (mode === 'step') host.post({ type: 'fmStep', index: state.step });
  else if (state.tensor) host.post({ type: 'fmSelect', tensor: state.tensor });
}

function select(tensor: string, firstChannel = 0): void {
  state.tensor = tensor;
  state.mode = 'layer';
  save();
  for (const item of list.children) item.classList.toggle('selected', (item as HTMLElement).dataset.tensor === tensor);
  host.post({ type: 'fmSelect', tensor, firstChannel });
}

function goStep(index: number): void {
  state.step = Math.max(0, index);
  state.mode = 'step';
  save();
  host.post({ type: 'fmStep', index: state.step });
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
        el('span', { className: 'model', textContent: m.model }),
        el('span', { textContent: `ran on ${m.where} in ${m.millis.toFixed(1)} ms` }),
        el('button', { textContent: 'Layer', onclick: () => setMode('layer') }),
        el('button', { textContent: 'Step ←/→', onclick: () => setMode('step') }),
        el('button', { textContent: 'Run again', onclick: () => host.post({ type: 'fmRerun' }) }),
        ...[top5View(m.top5)].filter((e): e is HTMLElement => e !== null),
        // Providers skipped and tensors left out: said, but folded so they do not push the maps down.
        ...(m.notes.length ? [el('details', { className: 'notes' }, el('summary', { textContent: `${m.notes.length} note${m.notes.length === 1 ? '' : 's'} on this run` }), ...m.notes.map((n) => el('div', { className: 'note', textContent: n })))] : []),
      );
      list.replaceChildren(...m.tensors.map((t) => {
        const item = el('button', { className: 'tensor-item', title: t.tensor, onclick: () => select(t.tensor) },
          el('span', { className: 'op', textContent: t.opType }), el('span', { className: 'shape', textContent: t.shape.join('×') }));
        item.dataset.tensor = t.tensor;
        return item;
      }));
      const pick = m.selected ?? (state.tensor && m.tensors.some((t) => t.tensor === state.tensor) ? state.tensor : m.tensors[0]?.tensor);
      if (state.mode === 'step') goStep(state.step);
      else if (pick) select(pick);
      break;
    }
    case 'fmFocus':
      if (state.mode === 'step') host.post({ type: 'fmStep', nodeId: m.nodeId });
      else select(m.tensor);
      break;
    case 'fmDetail':
      status.textContent = '';
      main.replaceChildren(layerView(m.detail, (first) => select(m.detail.tensor, first)));
      break;
    case 'fmStep':
      status.textContent = '';
      state.step = m.step.index;
      state.stepCount = m.step.count;
      save();
      main.replaceChildren(stepView(m.step, goStep));
      break;
    case 'fmBusy':
      status.textContent = m.message;
      break;
    case 'fmError':
      status.textContent = '';
      main.replaceChildren(el('div', { className: 'error', textContent: m.message }), el('button', { textContent: 'Run again', onclick: () => host.post({ type: 'fmRerun' }) }));
      break;
  }
});

host.post({ type: 'ready' });
