import type { StepView } from '../../../src/runtime/types';
import { h } from '../../common/dom';
import * as l10n from '@vscode/l10n';

const SVG = 'http://www.w3.org/2000/svg';

/** The numbers a convolution's block picture is labelled with, all read from the step: the window
 * (the analysis's NodeWindow at the run's sizes) and the captured input and output tensors. */
export interface ConvBlocks {
  inH: number; inW: number; inC: number;
  kH: number; kW: number;
  groups: number;
  outH: number; outW: number; outC: number;
}

export function convBlocks(s: StepView): ConvBlocks | null {
  const w = s.explanation.window;
  const x = s.inputs[0];
  const y = s.outputs[0];
  if (!w || w.kind !== 'window' || w.axes.length !== 2 || !x || !y || (s.opType !== 'Conv' && s.opType !== 'ConvInteger' && s.opType !== 'QLinearConv')) return null;
  const [ah, aw] = w.axes;
  const nums = [ah.in, aw.in, ah.out, aw.out];
  if (!nums.every((d): d is number => typeof d === 'number')) return null;
  const outC = typeof w.outChannels === 'number' ? w.outChannels : y.grid.channels;
  return { inH: nums[0], inW: nums[1], inC: x.grid.channels, kH: ah.kernel, kW: aw.kernel, groups: w.groups, outH: nums[2], outW: nums[3], outC };
}

/** On-screen length of `n` cells: logarithmic, so 3 and 224 both fit and 224 still looks larger. */
const side = (n: number): number => Math.min(120, 10 + 16 * Math.log2(n + 1));
const depth = (n: number): number => Math.min(70, 4 + 9 * Math.log2(n + 1));

function el(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** An isometric box: front face w×h with its bottom-left at (x, y), depth d going up and right;
 * its depth split into `slabs` (groups) coloured in turn. */
function box(g: SVGElement, x: number, y: number, w: number, hgt: number, d: number, cls: string, slabs = 1): void {
  const dx = d * 0.7, dy = d * 0.45;
  const n = Math.max(1, Math.min(slabs, 16));
  for (let i = n - 1; i >= 0; i--) {
    // Slabs back to front, so the front one is drawn last.
    const ox = (dx * i) / n, oy = (dy * i) / n, sx = dx / n, sy = dy / n;
    const c = `${cls}${n > 1 ? ` g${i % 2}` : ''}`;
    g.append(el('polygon', { class: `${c} top`, points: `${x + ox},${y - hgt - oy} ${x + w + ox},${y - hgt - oy} ${x + w + ox + sx},${y - hgt - oy - sy} ${x + ox + sx},${y - hgt - oy - sy}` }));
    g.append(el('polygon', { class: `${c} side`, points: `${x + w + ox},${y - oy} ${x + w + ox + sx},${y - oy - sy} ${x + w + ox + sx},${y - hgt - oy - sy} ${x + w + ox},${y - hgt - oy}` }));
  }
  g.append(el('rect', { class: `${cls}${n > 1 ? ' g0' : ''} front`, x, y: y - hgt, width: w, height: hgt }));
}

/**
 * The notes' picture of a convolution: the input volume W×H×C, one kernel volume k×k×C/groups, the
 * stack of C_out kernels and the output volume, each labelled with the layer's numbers. A 1×1 conv
 * shows one pixel column through every channel becoming one value per filter; groups are slabs.
 */
export function convBlocksView(b: ConvBlocks): HTMLElement {
  const cPerGroup = b.inC / b.groups;
  const base = 170;
  const g = el('g', {});
  let x = 10;
  const label = (cx: number, lines: string[], cls: string) => lines.forEach((t, i) => g.append(el('text', { class: `blk-label ${cls}`, x: cx, y: base + 18 + i * 15, 'text-anchor': 'middle' }, t)));

  const iw = side(b.inW), ih = side(b.inH), idp = depth(b.inC);
  box(g, x, base, iw, ih, idp, 'blk-in', b.groups);
  if (b.kH === 1 && b.kW === 1) {
    // The pixel column one output pixel reads: the same (y, x) in every input channel.
    const px = x + iw / 2, py = base - ih / 2;
    g.append(el('polygon', { class: 'blk-column', points: `${px},${py} ${px + 3},${py} ${px + 3 + idp * 0.7},${py - idp * 0.45} ${px + idp * 0.7},${py - idp * 0.45}` }));
  }
  label(x + (iw + idp * 0.7) / 2, [l10n.t('input volume'), `${b.inW}×${b.inH}×${b.inC}`], 'blk-in-label');
  x += iw + idp * 0.7 + 34;

  const kw = side(b.kW), kh = side(b.kH), kd = depth(cPerGroup);
  box(g, x, base, kw, kh, kd, 'blk-kernel');
  label(x + (kw + kd * 0.7) / 2, [l10n.t('kernel'), `${b.kW}×${b.kH}×${cPerGroup}`], 'blk-kernel-label');
  x += kw + kd * 0.7 + 34;

  const shown = Math.min(b.outC, 6);
  for (let i = shown - 1; i >= 0; i--) box(g, x + i * 8, base - i * 8, kw, kh, kd, 'blk-filter');
  label(x + (kw + kd * 0.7 + shown * 8) / 2, [l10n.t('{0} filters', b.outC), `${b.outC}×(${b.kW}×${b.kH}×${cPerGroup})`], 'blk-filters-label');
  x += kw + kd * 0.7 + shown * 8 + 34;

  const ow = side(b.outW), oh = side(b.outH), od = depth(b.outC);
  box(g, x, base, ow, oh, od, 'blk-out', b.groups);
  if (b.kH === 1 && b.kW === 1) {
    const px = x + ow / 2, py = base - oh / 2;
    g.append(el('polygon', { class: 'blk-column', points: `${px},${py} ${px + 3},${py} ${px + 3 + od * 0.7},${py - od * 0.45} ${px + od * 0.7},${py - od * 0.45}` }));
  }
  label(x + (ow + od * 0.7) / 2, [l10n.t('output volume'), `${b.outW}×${b.outH}×${b.outC}`], 'blk-out-label');
  x += ow + od * 0.7 + 10;

  const svg = el('svg', { class: 'blocks', width: x, height: base + 50, viewBox: `0 0 ${x} ${base + 50}`, role: 'img' });
  svg.append(g);
  const say = b.kH === 1 && b.kW === 1
    ? l10n.t('1×1 convolution: each output pixel mixes one pixel column through all {0} input channels of its group into one value per filter ({1} values).', cPerGroup, b.outC)
    : l10n.t('Each filter ({0}×{1}×{2}) slides over the input volume and gives one output channel; {3} filters give {3} channels.', b.kW, b.kH, cPerGroup, b.outC);
  const grouped = b.groups > 1
    ? (b.groups === b.inC ? l10n.t('Depthwise: {0} groups of one channel, each filter sees only its own channel.', b.groups) : l10n.t('{0} groups of {1} channels: each filter sees only the channels of its group.', b.groups, cPerGroup))
    : '';
  svg.setAttribute('aria-label', say);
  return h('div', { class: 'blk' }, svg as unknown as Node, h('p', { class: 'blk-note' }, say), grouped ? h('p', { class: 'blk-note blk-groups' }, grouped) : null);
}
