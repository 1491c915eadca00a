import { signature, type DiffLayer } from './layers';

/**
 * Matches the layers of two models. Layers are aligned along their analysis (topological) order, as a
 * text diff aligns lines, so a re-export that renumbered every node ('Conv_12' → 'Conv_13') still
 * pairs each layer with its twin, and an inserted layer does not shift every later pairing:
 *  1. anchors: layers whose name and signature are equal and unique on both sides, kept in order
 *     (the longest increasing run, as patience diff keeps its anchors);
 *  2. between anchors, a global alignment scores a pair by what it shares: the same signature (an
 *     unchanged layer, renamed or not) above the same op (a changed layer), names as tie-breaks.
 * Windows between anchors larger than ALIGN_CELLS cells fall back to pairing equal signatures in order.
 */
export interface LayerPair {
  old: DiffLayer | null;
  new: DiffLayer | null;
}

const ALIGN_CELLS = 4_000_000;

function score(a: DiffLayer, b: DiffLayer, sigA: string, sigB: string, crossFormat: boolean): number {
  const sameKind = crossFormat ? a.family === b.family : a.op === b.op;
  if (!sameKind) return 0;
  let s = sigA === sigB ? 6 : 2;
  if (a.name && a.name === b.name) s += 1;
  if (a.scope === b.scope) s += 0.5;
  if (a.outputShape === b.outputShape) s += 0.5;
  return s;
}

/** Longest increasing subsequence of pairs by their second index (pairs come sorted by the first). */
function increasing(pairs: [number, number][]): [number, number][] {
  const tails: number[] = [];
  const prev = new Array<number>(pairs.length).fill(-1);
  for (let i = 0; i < pairs.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[tails[mid]][1] < pairs[i][1]) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1];
    tails[lo] = i;
  }
  const out: [number, number][] = [];
  for (let i = tails.length ? tails[tails.length - 1] : -1; i >= 0; i = prev[i]) out.push(pairs[i]);
  return out.reverse();
}

function anchors(a: DiffLayer[], b: DiffLayer[], sa: string[], sb: string[]): [number, number][] {
  const key = (l: DiffLayer, s: string) => (l.name ? `${l.name}\u0000${s}` : '');
  const count = (ls: DiffLayer[], ss: string[]) => {
    const m = new Map<string, number>();
    ls.forEach((l, i) => {
      const k = key(l, ss[i]);
      if (k) m.set(k, m.has(k) ? -1 : i);
    });
    return m;
  };
  const ua = count(a, sa);
  const ub = count(b, sb);
  const pairs: [number, number][] = [];
  for (const [k, i] of ua) {
    const j = ub.get(k);
    if (i >= 0 && j !== undefined && j >= 0) pairs.push([i, j]);
  }
  pairs.sort((x, y) => x[0] - y[0]);
  return increasing(pairs);
}

function alignWindow(a: DiffLayer[], b: DiffLayer[], sa: string[], sb: string[], a0: number, a1: number, b0: number, b1: number, crossFormat: boolean, out: LayerPair[]): void {
  const n = a1 - a0;
  const m = b1 - b0;
  if (n === 0 || m === 0 || n * m > ALIGN_CELLS) {
    if (n > 0 && m > 0) return greedy(a, b, sa, sb, a0, a1, b0, b1, out);
    for (let i = a0; i < a1; i++) out.push({ old: a[i], new: null });
    for (let j = b0; j < b1; j++) out.push({ old: null, new: b[j] });
    return;
  }
  // dp[i][j]: best score aligning a[a0+i..] with b[b0+j..]; filled backwards so the walk goes forwards.
  const w = m + 1;
  const dp = new Float64Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const s = score(a[a0 + i], b[b0 + j], sa[a0 + i], sb[b0 + j], crossFormat);
      const diag = s > 0 ? s + dp[(i + 1) * w + j + 1] : -1;
      dp[i * w + j] = Math.max(diag, dp[(i + 1) * w + j], dp[i * w + j + 1]);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    const s = score(a[a0 + i], b[b0 + j], sa[a0 + i], sb[b0 + j], crossFormat);
    if (s > 0 && dp[i * w + j] === s + dp[(i + 1) * w + j + 1]) {
      out.push({ old: a[a0 + i], new: b[b0 + j] });
      i++;
      j++;
    } else if (dp[i * w + j] === dp[(i + 1) * w + j]) {
      out.push({ old: a[a0 + i], new: null });
      i++;
    } else {
      out.push({ old: null, new: b[b0 + j] });
      j++;
    }
  }
  for (; i < n; i++) out.push({ old: a[a0 + i], new: null });
  for (; j < m; j++) out.push({ old: null, new: b[b0 + j] });
}

/** For windows too large to align: equal signatures paired in order, the rest added/removed. */
function greedy(a: DiffLayer[], b: DiffLayer[], sa: string[], sb: string[], a0: number, a1: number, b0: number, b1: number, out: LayerPair[]): void {
  const free = new Map<string, number[]>();
  for (let j = b0; j < b1; j++) {
    const list = free.get(sb[j]);
    if (list) list.push(j);
    else free.set(sb[j], [j]);
  }
  const used = new Set<number>();
  for (let i = a0; i < a1; i++) {
    const j = free.get(sa[i])?.shift();
    if (j === undefined) out.push({ old: a[i], new: null });
    else {
      used.add(j);
      out.push({ old: a[i], new: b[j] });
    }
  }
  for (let j = b0; j < b1; j++) if (!used.has(j)) out.push({ old: null, new: b[j] });
}

export function matchLayers(a: DiffLayer[], b: DiffLayer[], crossFormat: boolean): LayerPair[] {
  const sa = a.map((l) => signature(l, crossFormat));
  const sb = b.map((l) => signature(l, crossFormat));
  const out: LayerPair[] = [];
  let pa = 0;
  let pb = 0;
  for (const [i, j] of [...anchors(a, b, sa, sb), [a.length, b.length] as [number, number]]) {
    alignWindow(a, b, sa, sb, pa, i, pb, j, crossFormat, out);
    if (i < a.length && j < b.length) out.push({ old: a[i], new: b[j] });
    pa = i + 1;
    pb = j + 1;
  }
  return out;
}
