import type { Arithmetic, OutputAt } from '../../../src/runtime/arithmetic/types';
import { h } from '../../common/dom';
import { arithmeticView } from './view';
import * as l10n from '@vscode/l10n';

/** The output map the window slides over: its size, and whether an output is a column of a matrix product. */
export interface OutputMap {
  nodeId: string;
  height: number;
  width: number;
  /** Gemm/MatMul: the map is a vector laid out row by row; position k is output column k. */
  vector: boolean;
  /** Real values in the map (a vector's near-square block has empty cells at its end). */
  valid: number;
  /** Spatial axes of the output: 1 for a 1-D convolution's strip (its map is one row), else 2. */
  spatial: 1 | 2;
}

/** A map cell clicked in a grid, and the output value it stands for. */
export function outputAt(map: OutputMap, hit: { channel: number; y: number; x: number }): OutputAt | null {
  if (!map.vector) return { channel: hit.channel, pos: map.spatial === 1 ? [hit.x] : [hit.y, hit.x] };
  const k = hit.y * map.width + hit.x;
  return k < map.valid ? { channel: k, pos: [] } : null;
}

const SPEEDS = [{ label: () => l10n.t('slow'), ms: 1200 }, { label: () => l10n.t('normal'), ms: 500 }, { label: () => l10n.t('fast'), ms: 150 }];

/**
 * The arithmetic of one output, and the window sliding on over the output map (play/pause, one step, speed),
 * as CNN Explainer animates it: each position is asked of the runtime, drawn, and outlined in the grids.
 */
export class ArithmeticPlayer {
  readonly root: HTMLElement;
  private readonly body = h('div', { class: 'arith-body' });
  private readonly playButton: HTMLButtonElement;
  private readonly speed: HTMLSelectElement;
  private at?: OutputAt;
  private timer?: ReturnType<typeof setTimeout>;
  private seq = 0;

  constructor(
    private readonly map: OutputMap,
    private readonly fetch: (nodeId: string, at: OutputAt) => Promise<Arithmetic>,
    private readonly moved: (a: Arithmetic) => void,
  ) {
    this.playButton = h('button', { class: 'arith-play', on: { click: () => this.toggle() } }, l10n.t('▶ Play'));
    this.speed = h('select', { class: 'arith-speed', attrs: { 'aria-label': l10n.t('speed') } }, ...SPEEDS.map((s, i) => h('option', { props: { value: String(i), selected: i === 1 } }, s.label())));
    const controls = h('div', { class: 'arith-controls' },
      this.playButton,
      h('button', { class: 'arith-step', on: { click: () => { this.pause(); void this.advance(); } } }, l10n.t('Step ›')),
      h('label', {}, l10n.t('speed'), ' ', this.speed),
    );
    this.root = h('div', { class: 'arith-panel' }, controls, this.body);
    this.root.hidden = true;
  }

  /** Shows the arithmetic of `at` (a click), stopping the animation. */
  async show(at: OutputAt): Promise<void> {
    this.pause();
    await this.draw(at);
  }

  private async draw(at: OutputAt): Promise<boolean> {
    this.at = at;
    const seq = ++this.seq;
    this.root.hidden = false;
    try {
      const a = await this.fetch(this.map.nodeId, at);
      if (seq !== this.seq) return false;
      this.body.replaceChildren(arithmeticView(a));
      this.moved(a);
      return true;
    } catch (e) {
      if (seq === this.seq) this.body.replaceChildren(h('div', { class: 'error' }, e instanceof Error ? e.message : String(e)));
      this.pause();
      return false;
    }
  }

  /** The next output position in reading order (the same channel), wrapping at the end of the map. */
  private next(at: OutputAt): OutputAt {
    if (this.map.vector) return { channel: (at.channel + 1) % this.map.valid, pos: [] };
    if (this.map.spatial === 1) return { ...at, pos: [(at.pos[0] + 1) % this.map.width] };
    const k = ((at.pos[0] * this.map.width + at.pos[1]) + 1) % (this.map.height * this.map.width);
    return { ...at, pos: [Math.floor(k / this.map.width), k % this.map.width] };
  }

  private async advance(): Promise<boolean> {
    return this.draw(this.next(this.at ?? (this.map.vector ? { channel: -1, pos: [] } : { channel: 0, pos: this.map.spatial === 1 ? [-1] : [0, -1] })));
  }

  private toggle(): void {
    if (this.timer !== undefined) this.pause();
    else this.play();
  }

  private play(): void {
    this.playButton.textContent = l10n.t('⏸ Pause');
    const tick = async () => {
      if (!(await this.advance()) || !this.root.isConnected) return this.pause();
      if (this.timer !== undefined) this.timer = setTimeout(tick, SPEEDS[Number(this.speed.value)]?.ms ?? 500);
    };
    this.timer = setTimeout(tick, 0);
  }

  private pause(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.playButton.textContent = l10n.t('▶ Play');
  }
}
