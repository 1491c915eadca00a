import type { Arithmetic, ArithmeticBlock, ArithmeticStage } from '../../../src/runtime/arithmetic/types';
import { viridis } from '../../../src/runtime/colormap';
import { h } from '../../common/dom';
import * as l10n from '@vscode/l10n';

/**
 * One output value computed in front of the learner, drawn from the runtime's Arithmetic (every number
 * here is one of its fields): the window of each input channel (heat map and numbers, padding as zeros
 * outside the image, dilation holes left empty), the filter's weights, the products and their sum, then
 * the bias, the activation and the runtime's own value beside the computed one.
 */

/** Blocks drawn in full before the rest are folded (a 256-channel convolution has 256 of them). */
const BLOCKS_SHOWN = 4;
/** Gemm/MatMul terms listed, largest |product| first. */
const TOP_TERMS = 10;

export const num = (v: number): string => {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(3);
  return Number(v.toPrecision(5)).toString();
};
/** Stage values are compared by eye: more digits. */
const exact = (v: number): string => (Number.isFinite(v) ? Number(v.toPrecision(7)).toString() : String(v));

function heat(cell: HTMLElement, v: number, lo: number, hi: number): void {
  const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
  const [r, g, b] = viridis(t);
  cell.style.background = `rgb(${r},${g},${b})`;
  cell.style.color = t > 0.6 ? '#000' : '#fff';
}

/** A window-shaped table of `values` (one per tap), laid over the span: taps hold numbers, holes stay empty. */
function windowTable(a: Arithmetic, values: number[], padding: boolean[], cls: string, picked?: number): HTMLElement {
  const axes = a.axes ?? [];
  const rows = axes.length >= 2 ? axes[axes.length - 2] : { taps: [0], span: [0] };
  const cols = axes[axes.length - 1] ?? { taps: values.map((_, i) => i), span: values.map((_, i) => i) };
  const real = values.filter((_, k) => !padding[k]);
  const lo = Math.min(...real), hi = Math.max(...real);
  const table = h('table', { class: `arith-grid ${cls}` });
  for (const y of rows.span) {
    const tr = h('tr', {});
    const iy = rows.taps.indexOf(y);
    for (const x of cols.span) {
      const ix = cols.taps.indexOf(x);
      if (iy < 0 || ix < 0) { tr.append(h('td', { class: 'hole', title: l10n.t('skipped by the dilation') })); continue; }
      const k = iy * cols.taps.length + ix;
      const where = axes.length === 1 ? l10n.t('input position {0}', x) : l10n.t('input row {0}, column {1}', y, x);
      const td = h('td', { title: padding[k] ? l10n.t('padding: outside the input, counts as 0') : where }, num(values[k]));
      if (padding[k]) td.classList.add('pad');
      else heat(td, values[k], lo, hi);
      if (k === picked) td.classList.add('picked');
      tr.append(td);
    }
    table.append(tr);
  }
  return table;
}

function convBlock(a: Arithmetic, b: ArithmeticBlock): HTMLElement {
  return h('div', { class: 'arith-block' },
    h('div', { class: 'arith-caption' }, l10n.t('input channel {0}', b.channel)),
    h('div', { class: 'arith-row' },
      h('figure', {}, windowTable(a, b.values, b.padding, 'window'), h('figcaption', {}, l10n.t('input window'))),
      h('span', { class: 'arith-op' }, '×'),
      h('figure', {}, windowTable(a, b.weights!, b.padding.map(() => false), 'weights'), h('figcaption', {}, l10n.t('weights'))),
      h('span', { class: 'arith-op' }, '='),
      h('figure', {}, windowTable(a, b.products!, b.padding.map(() => false), 'products'), h('figcaption', {}, l10n.t('products'))),
      h('span', { class: 'arith-op' }, '→'),
      h('div', { class: 'arith-sum' }, `Σ = ${num(b.sum)}`),
    ));
}

function convBody(a: Arithmetic): HTMLElement[] {
  const blocks = a.blocks;
  const shown = blocks.slice(0, BLOCKS_SHOWN).map((b) => convBlock(a, b));
  const rest = blocks.slice(BLOCKS_SHOWN);
  const more = rest.length ? h('details', { class: 'arith-more' }, h('summary', {}, l10n.t('the other {0} input channels', rest.length))) : null;
  if (more) more.addEventListener('toggle', () => { if (more.open && more.children.length === 1) more.append(...rest.map((b) => convBlock(a, b))); }, { once: true });
  const sums = blocks.map((b) => num(b.sum));
  const group = a.group && a.group.count > 1 ? l10n.t('group {0} of {1}: input channels {2}–{3}', a.group.index, a.group.count, a.group.channels[0], a.group.channels[a.group.channels.length - 1]) : '';
  return [
    h('p', {}, l10n.t('The filter of output channel {0} meets the window in each of its {1} input channels; each product is input × weight.', a.at.channel, blocks.length), group ? ` ${group}` : ''),
    ...shown,
    more,
    h('p', { class: 'arith-formula' }, l10n.t('sum of the channel sums: {0}', `${sums.length > 12 ? `${sums.slice(0, 12).join(' + ')} + … (${sums.length})` : sums.join(' + ')} = ${num(blocks.reduce((s, b) => s + b.sum, 0))}`)),
  ].filter((e): e is HTMLElement => e !== null);
}

function poolBody(a: Arithmetic): HTMLElement[] {
  const b = a.blocks[0];
  const p = a.pool!;
  const real = b.values.filter((_, k) => !b.padding[k]).length;
  const line = p.mode === 'max'
    ? l10n.t('The largest of the {0} cells in the window (padding never wins): {1}', real, num(a.total))
    : p.countIncludePad
      ? l10n.t('The mean of the window, padding counted as zeros (count_include_pad = 1): {0} / {1} = {2}', num(b.values.reduce((s, v) => s + v, 0)), p.divisor ?? '?', num(a.total))
      : l10n.t('The mean of the cells inside the image (count_include_pad = 0): {0} / {1} = {2}', num(b.values.reduce((s, v) => s + v, 0)), p.divisor ?? '?', num(a.total));
  return [
    h('div', { class: 'arith-block' }, h('div', { class: 'arith-caption' }, l10n.t('channel {0}', b.channel)), h('figure', {}, windowTable(a, b.values, b.padding, 'window', b.picked), h('figcaption', {}, l10n.t('input window')))),
    h('p', { class: 'arith-formula' }, line),
  ];
}

function dotBody(a: Arithmetic): HTMLElement[] {
  const b = a.blocks[0];
  const order = b.products!.map((p, k) => ({ p, k })).sort((x, y) => Math.abs(y.p) - Math.abs(x.p)).slice(0, TOP_TERMS);
  const table = h('table', { class: 'arith-terms' },
    h('tr', {}, h('th', {}, 'k'), h('th', {}, l10n.t('input')), h('th', {}, l10n.t('weight')), h('th', {}, l10n.t('product'))),
    ...order.map(({ k }) => h('tr', {}, h('td', {}, String(b.terms![k])), h('td', {}, num(b.values[k])), h('td', {}, num(b.weights![k])), h('td', {}, num(b.products![k])))),
  );
  return [
    h('p', {}, l10n.t('Output {0} is the row of {1} inputs times column {0} of the weights: {1} products, summed.', a.at.channel, b.values.length)),
    h('p', {}, b.values.length > TOP_TERMS ? l10n.t('The {0} largest products (by size), of {1}:', order.length, b.values.length) : l10n.t('All {0} products:', b.values.length)),
    table,
    h('p', { class: 'arith-formula' }, l10n.t('sum of all {0} products: {1}', b.values.length, num(b.sum))),
  ];
}

function batchNormBody(a: Arithmetic): HTMLElement[] {
  const n = a.batchNorm!;
  return [h('p', { class: 'arith-formula' }, `y = (x − μ) / √(σ² + ε) · γ + β = (${num(n.x)} − ${num(n.mean)}) / √(${num(n.variance)} + ${num(n.epsilon)}) · ${num(n.scale)} + ${num(n.bias)} = ${num(a.total)}`)];
}

/** The activation's curve over its input's range, the point marked, the input's histogram behind it. */
function activationBody(a: Arithmetic): HTMLElement[] {
  const n = a.activation!;
  const W = 320, H = 160;
  const canvas = h('canvas', { class: 'arith-curve', props: { width: W, height: H } });
  const ctx = canvas.getContext('2d');
  const xs = n.curve.x, ys = n.curve.y;
  const x0 = xs[0], x1 = xs[xs.length - 1];
  const y0 = Math.min(...ys), y1 = Math.max(...ys);
  const px = (x: number) => (x1 > x0 ? ((x - x0) / (x1 - x0)) * (W - 8) + 4 : W / 2);
  const py = (y: number) => (y1 > y0 ? H - 4 - ((y - y0) / (y1 - y0)) * (H - 8) : H / 2);
  if (ctx) {
    const css = getComputedStyle(document.body);
    const max = Math.max(1, ...n.histogram.counts);
    const bw = (W - 8) / n.histogram.counts.length;
    ctx.globalAlpha = 0.35;
    ctx.fillStyle = css.getPropertyValue('--vscode-charts-blue') || '#3794ff';
    n.histogram.counts.forEach((c, i) => { const bh = Math.sqrt(c / max) * (H - 8); ctx.fillRect(4 + i * bw, H - 4 - bh, Math.max(1, bw - 1), bh); });
    ctx.globalAlpha = 1;
    ctx.strokeStyle = css.getPropertyValue('--vscode-foreground') || '#ccc';
    ctx.lineWidth = 2;
    ctx.beginPath();
    xs.forEach((x, i) => (i ? ctx.lineTo(px(x), py(ys[i])) : ctx.moveTo(px(x), py(ys[i]))));
    ctx.stroke();
    ctx.fillStyle = css.getPropertyValue('--vscode-editorError-foreground') || '#f14c4c';
    ctx.beginPath();
    ctx.arc(px(n.x), py(a.total), 5, 0, 2 * Math.PI);
    ctx.fill();
  }
  return [
    h('p', { class: 'arith-formula' }, `y = ${a.opType}(x) = ${a.opType}(${num(n.x)}) = ${num(a.total)}`),
    h('figure', { class: 'arith-curve-wrap' }, canvas, h('figcaption', {}, l10n.t('the curve over this input\'s range {0} … {1}, the point marked; bars: how often each input value occurs', num(x0), num(x1)))),
  ];
}

function stageLabel(a: Arithmetic, s: ArithmeticStage): string {
  if (s.kind === 'bias') return l10n.t('+ bias {0} (the {1} after it)', num(s.operand ?? 0), s.op);
  if (s.kind === 'activation') return l10n.t('activation function {0}', s.op);
  if (a.kind === 'conv' || a.kind === 'dot') return a.bias === null ? l10n.t('sum of products') : l10n.t('sum of products + bias {0}', num(a.bias));
  if (a.kind === 'pool') return a.pool?.mode === 'max' ? l10n.t('maximum') : l10n.t('mean');
  return a.kind === 'activation' ? l10n.t('activation function {0}', a.opType) : l10n.t('normalised value');
}

/** Each stage with its computed value and ONNX Runtime's; a disagreement is marked, never hidden. */
function stagesTable(a: Arithmetic): HTMLElement {
  return h('table', { class: 'arith-stages' },
    h('tr', {}, h('th', {}, l10n.t('step')), h('th', {}, l10n.t('computed here')), h('th', {}, l10n.t('ONNX Runtime gave')), h('th', {}, '')),
    ...a.stages.map((s) => h('tr', { class: s.agree === false ? 'disagree' : '' },
      h('td', {}, stageLabel(a, s)),
      h('td', { class: 'computed' }, exact(s.value)),
      h('td', { class: 'runtime' }, s.runtime === null ? l10n.t('not captured') : exact(s.runtime)),
      h('td', { class: 'verdict' }, s.agree === null ? '' : s.agree ? l10n.t('✓ agree') : l10n.t('✗ disagree by {0}', num(Math.abs(s.value - (s.runtime ?? 0))))),
    )),
  );
}

export function arithmeticView(a: Arithmetic): HTMLElement {
  const where = a.at.pos.length === 0 ? l10n.t('output {0}', a.at.channel) : l10n.t('output ({0}) of channel {1}', a.at.pos.join(', '), a.at.channel);
  const body = a.kind === 'conv' ? convBody(a) : a.kind === 'pool' ? poolBody(a) : a.kind === 'dot' ? dotBody(a) : a.kind === 'activation' ? activationBody(a) : batchNormBody(a);
  const last = a.stages[a.stages.length - 1];
  return h('section', { class: 'arith' },
    h('h3', {}, l10n.t('{0}: {1}, computed', a.opType, where)),
    ...body,
    stagesTable(a),
    last ? h('p', { class: last.agree === false ? 'arith-final disagree' : 'arith-final' }, last.runtime === null
      ? l10n.t('Computed {0}; the runtime value was not captured.', exact(last.value))
      : l10n.t('Computed {0}; ONNX Runtime gave {1}.', exact(last.value), exact(last.runtime))) : null,
  );
}
