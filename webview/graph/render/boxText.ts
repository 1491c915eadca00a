import type { ViewDiffMark } from '../../../src/protocol/viewModel';
import { visibleText } from '../../../src/common/visibleText';
import { formatCount } from '../../common/format';
import * as l10n from '@vscode/l10n';
import { DECLARED_MARK } from '../../../src/common/shapeMarks';
import type { DisplayGraph, DisplayNode } from '../model/displayGraph';
import { forEachSliced } from './slices';

/**
 * What each box says, line by line, and how big the box must be to say it: as wide as its longest
 * line (within BOX.maxW), a line too long for that wrapped at spaces or name separators, so nothing
 * a user needs is cut. The canvas, the SVG export and the layout's box sizes all read this.
 */
export type TitleMode = 'both' | 'ops' | 'names';
export type FontName = 'title' | 'body' | 'small' | 'label' | 'badge';
export type Tone = 'text' | 'muted' | 'mark';

export interface TextRun {
  text: string;
  font: FontName;
  tone: Tone;
  /** Offset from the box's text start, and the line (0 first). */
  dx: number;
  line: number;
  width: number;
}

export interface BoxText {
  runs: TextRun[];
  lines: number;
  width: number;
  height: number;
  /** Left padding (terminals are pills) and room kept on the right for a thumbnail. */
  padLeft: number;
  thumb: boolean;
}

export const BOX = { minW: 150, maxW: 320, padLeft: 12, padLeftTerminal: 16, padRight: 10, lineH: 17, firstBaseline: 19, bottom: 10, minH: 46, thumb: 46, gap: 6 } as const;
export const LABEL_H = 14;
const SIZES: Record<FontName, string> = { title: '600 12px', body: '12px', small: '11px', label: '11px', badge: '600 10px' };

export function fontCss(f: FontName, family: string): string {
  return `${SIZES[f]} ${family}`;
}

export type Measure = (text: string, font: FontName) => number;

/** A measure without a canvas (Node tests, exports of a scene built without one): a wide average glyph. */
export const roughMeasure: Measure = (text, font) => text.length * (font === 'title' ? 7.2 : font === 'body' ? 6.8 : 6.2);

type BoxOptions = Omit<BoxTextOptions, 'mark' | 'thumb'> & { marks?: ReadonlyMap<number, ViewDiffMark>; thumbs?: ReadonlySet<number> };

/**
 * What each box says, laid out when first asked for (a box drawn, exported or hovered): the layout
 * needs only the boxes' sizes, and a 50,000-node graph draws a few dozen boxes at a time. Laid out
 * with the options and measure that sized the box, so it fits it exactly.
 */
export class BoxTexts {
  private readonly done: (BoxText | undefined)[];

  constructor(private readonly display: DisplayGraph, private readonly o: BoxOptions, private readonly measure: Measure) {
    this.done = new Array(display.nodes.length);
  }

  options(v: number): BoxTextOptions {
    return { mode: this.o.mode, prefix: this.o.prefix, mark: this.o.marks?.get(v), thumb: this.o.thumbs?.has(v) ?? false };
  }

  get(v: number): BoxText {
    return (this.done[v] ??= boxText(this.display.nodes[v], this.options(v), this.measure));
  }
}

/** Every box's size, in slices that let the page paint and answer input between them (./slices.ts); null when `live()` turned false. */
export async function measureBoxesSliced(display: DisplayGraph, o: BoxOptions, measure: Measure, live: () => boolean): Promise<{ text: BoxTexts; widths: Float64Array; heights: Float64Array } | null> {
  const text = new BoxTexts(display, o, measure);
  const widths = new Float64Array(display.nodes.length);
  const heights = new Float64Array(display.nodes.length);
  const done = await forEachSliced(display.nodes.length, (i) => {
    const size = layoutText(display.nodes[i], text.options(i), measure, null);
    widths[i] = size.width;
    heights[i] = size.height;
  }, live);
  return done ? { text, widths, heights } : null;
}

/** Each edge's shape label width (as drawn: control characters escaped). */
export function measureLabels(display: DisplayGraph, measure: Measure): Float64Array {
  // A declared shape is drawn italic with its mark: a little wider. Most shapes recur: each is measured once.
  const widths = [new Map<string, number>(), new Map<string, number>()];
  return Float64Array.from(display.edges, (e) => {
    if (!e.label) return 0;
    const seen = widths[e.declared ? 1 : 0];
    let w = seen.get(e.label);
    if (w === undefined) seen.set(e.label, (w = Math.ceil(measure(e.declared ? `${visibleText(e.label)} ${DECLARED_MARK}` : visibleText(e.label), 'label') * (e.declared ? 1.05 : 1)) + 2));
    return w;
  });
}

/** A cached measurer on a canvas in the page's font. */
export function canvasMeasure(family: string): Measure {
  const ctx = document.createElement('canvas').getContext('2d')!;
  const cache = new Map<string, number>();
  let current = '';
  return (text, font) => {
    const key = `${font}\u0000${text}`;
    let w = cache.get(key);
    if (w === undefined) {
      if (current !== font) {
        ctx.font = fontCss(font, family);
        current = font;
      }
      w = ctx.measureText(text).width;
      cache.set(key, w);
    }
    return w;
  };
}

/**
 * The width of a text as the sum of its characters' advances, each measured once per font: kerning only
 * ever narrows a run, so this is never less than the drawn width (text always fits the box it sizes), and
 * on the UI fonts a box uses it is within a pixel. For graphs too large to measure every distinct name in
 * time (50,000 boxes: over a second of measureText); smaller ones use canvasMeasure, exact.
 */
export function charMeasure(family: string): Measure {
  const ctx = document.createElement('canvas').getContext('2d')!;
  // By UTF-16 code unit, NaN until measured; a surrogate pair is measured as one character.
  const tables = new Map<FontName, Float64Array>();
  const pairs = new Map<string, number>();
  const advance = (ch: string, font: FontName): number => {
    ctx.font = fontCss(font, family);
    return ctx.measureText(ch).width;
  };
  return (text, font) => {
    let table = tables.get(font);
    if (!table) tables.set(font, (table = new Float64Array(0x10000).fill(NaN)));
    let sum = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const ch = text.slice(i, i + 2);
        const key = `${font}\u0000${ch}`;
        let w = pairs.get(key);
        if (w === undefined) pairs.set(key, (w = advance(ch, font)));
        sum += w;
        i++;
        continue;
      }
      let w = table[c];
      if (w !== w) w = table[c] = advance(text[i], font);
      sum += w;
    }
    return sum;
  };
}

/** Above this many boxes text is measured by its characters' advances (charMeasure). */
export const CHAR_MEASURE_ABOVE = 5000;

export interface BoxTextOptions {
  mode: TitleMode;
  /** A prefix every node name shares, left out of the boxes (the legend shows it once). */
  prefix: string;
  mark?: ViewDiffMark;
  thumb: boolean;
}

interface Segment {
  text: string;
  font: FontName;
  tone: Tone;
}

/** The name as boxes show it: without the common prefix. */
export function shortName(name: string, prefix: string): string {
  return prefix && name.startsWith(prefix) && name.length > prefix.length ? name.slice(prefix.length) : name;
}

function contentOf(d: DisplayNode, o: BoxTextOptions): { first: Segment[]; second: Segment[]; third?: Segment[] } {
  const T = (text: string, font: FontName, tone: Tone = 'text'): Segment => ({ text: visibleText(text), font, tone });
  const params = d.params !== 0 ? l10n.t('{0} params', formatCount(d.params)) : '';
  const name = shortName(d.name, o.prefix);
  let first: Segment[];
  let second: string;
  if (d.kind === 'group') {
    // A collapsed group says what it is, what it costs, and what goes in and comes out.
    first = [T(`▸ ${d.title}`, 'title')];
    second = `${d.name} · ${l10n.t('{0} params', formatCount(d.params))} · ${l10n.t('{0} MACs', formatCount(d.macs))}`;
    if (!o.mark) return { first, second: [T(second, 'small', 'muted')], third: [T(d.label, 'small', 'muted')] };
  } else if (d.kind !== 'node') {
    first = [T(d.title, 'title')];
    second = d.name;
  } else if (o.mode === 'names') {
    first = [T(name || d.title, 'title')];
    second = [[d.title, d.label].filter(Boolean).join(' '), params].filter(Boolean).join(' · ');
  } else {
    first = [T(d.title, 'title'), ...(d.label ? [T(d.label, 'body')] : [])];
    // A quantised layer's type tag ('int8'), drawn as a pill (render/draw.ts).
    if (d.badge) first.push(T(d.badge, 'badge'));
    second = o.mode === 'ops' ? params : [name, params].filter(Boolean).join(' · ');
  }
  if (o.mark) return { first, second: [T(o.mark.note, 'small', 'mark')] };
  return { first, second: second ? [T(second, 'small', 'muted')] : [] };
}

export function boxText(d: DisplayNode, o: BoxTextOptions, measure: Measure): BoxText {
  const runs: TextRun[] = [];
  return { runs, ...layoutText(d, o, measure, runs) };
}

/** The lines of a box's text and its size; the runs go to `runs` when it is given. */
function layoutText(d: DisplayNode, o: BoxTextOptions, measure: Measure, runs: TextRun[] | null): Omit<BoxText, 'runs'> {
  const terminal = d.kind === 'input' || d.kind === 'output';
  const padLeft = terminal ? BOX.padLeftTerminal : BOX.padLeft;
  const room = BOX.maxW - padLeft - BOX.padRight - (o.thumb ? BOX.thumb : 0);
  const { first, second, third = [] } = contentOf(d, o);
  let line = 0;
  let widest = 0;
  for (const segs of [first, second, third]) {
    if (!segs.length) continue;
    let dx = 0;
    for (const s of segs) {
      const parts = pieces(s.text, s.font, room, measure);
      for (let i = 0; i < parts.length; i += 2) {
        const piece = parts[i] as string;
        const w = parts[i + 1] as number;
        // A new segment (the attributes after the op) stands a little apart; words of one, a space.
        const gap = dx === 0 ? 0 : i === 0 ? BOX.gap : measure(' ', s.font);
        if (dx > 0 && dx + gap + w > room) {
          line++;
          dx = 0;
        }
        const at = dx > 0 ? dx + gap : 0;
        runs?.push({ text: piece, font: s.font, tone: s.tone, dx: at, line, width: w });
        dx = at + w;
        widest = Math.max(widest, dx);
      }
    }
    line++;
  }
  const lines = Math.max(1, line);
  const width = Math.min(BOX.maxW, Math.max(BOX.minW, Math.ceil(widest + padLeft + BOX.padRight + (o.thumb ? BOX.thumb : 0))));
  const height = Math.max(BOX.minH, BOX.firstBaseline + BOX.lineH * (lines - 1) + BOX.bottom);
  return { lines, width, height, padLeft, thumb: o.thumb };
}

/**
 * A segment's words, each fitting `room`, each followed by its width: split at spaces, and a word too
 * long for a line (a long node name) at its separators (/ . _ :), or, failing those, between characters.
 */
function pieces(text: string, font: FontName, room: number, measure: Measure): (string | number)[] {
  const whole = measure(text, font);
  if (whole <= room) return [text, whole];
  const out: (string | number)[] = [];
  for (const word of text.split(' ').filter(Boolean)) {
    const w = measure(word, font);
    if (w <= room) {
      out.push(word, w);
      continue;
    }
    let rest = word;
    while (rest && measure(rest, font) > room) {
      let cut = 0;
      for (let i = 1; i < rest.length; i++) {
        if (measure(rest.slice(0, i), font) > room) break;
        if ('/._:'.includes(rest[i - 1])) cut = i;
      }
      if (cut === 0) {
        cut = 1;
        while (cut < rest.length && measure(rest.slice(0, cut + 1), font) <= room) cut++;
      }
      const part = rest.slice(0, cut);
      out.push(part, measure(part, font));
      rest = rest.slice(cut);
    }
    if (rest) out.push(rest, measure(rest, font));
  }
  return out;
}

/** The longest prefix ending in '/' that every node name shares (tf2onnx's `StatefulPartitionedCall/`), or ''. */
export function commonNamePrefix(display: DisplayGraph): string {
  let prefix: string | null = null;
  let count = 0;
  for (const d of display.nodes) {
    if (d.kind !== 'node') continue;
    count++;
    if (prefix === null) prefix = d.name.slice(0, d.name.lastIndexOf('/') + 1);
    else {
      let k = 0;
      while (k < prefix.length && k < d.name.length && prefix[k] === d.name[k]) k++;
      prefix = prefix.slice(0, prefix.lastIndexOf('/', k - 1) + 1);
    }
    if (!prefix) return '';
  }
  return count >= 2 && prefix ? prefix : '';
}
