import type { Dim, Shape } from '../ir/types';

/**
 * Arithmetic on dimensions that may be symbolic. A symbolic dim is kept as a linear form
 * (sum of coefficient·symbol plus a constant) while arithmetic stays linear, so that
 * 'H + 2 − 3' prints as 'H-1'; anything else (division, products of symbols) becomes an
 * opaque parenthesised string such as '(H-1)/2+1'. Strings are only compared for equality,
 * so two different spellings of one value are treated as different (never silently equal).
 */

interface Linear {
  terms: Map<string, number>;
  c: number;
}

const SYMBOL = /^[A-Za-z_][A-Za-z0-9_.:]*$/;

function toLinear(d: Dim): Linear | null {
  if (typeof d === 'number') return { terms: new Map(), c: d };
  const s = d.trim();
  if (SYMBOL.test(s)) return { terms: new Map([[s, 1]]), c: 0 };
  return parseLinear(s);
}

/** Parses our own printed linear forms ('2*H-1', 'N+W'); returns null for anything else. */
function parseLinear(s: string): Linear | null {
  const out: Linear = { terms: new Map(), c: 0 };
  const re = /([+-]?)\s*(?:(\d+)\s*\*\s*)?([A-Za-z_][A-Za-z0-9_.:]*|\d+)\s*/gy;
  let pos = 0;
  let first = true;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m || (!first && m[1] === '')) return null;
    first = false;
    const sign = m[1] === '-' ? -1 : 1;
    const coef = m[2] ? Number(m[2]) : 1;
    if (/^\d+$/.test(m[3])) {
      if (m[2]) return null;
      out.c += sign * Number(m[3]);
    } else {
      out.terms.set(m[3], (out.terms.get(m[3]) ?? 0) + sign * coef);
    }
    pos = re.lastIndex;
  }
  return out;
}

function fromLinear(l: Linear): Dim {
  const parts: string[] = [];
  for (const [sym, k] of [...l.terms].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (k === 0) continue;
    const mag = Math.abs(k) === 1 ? sym : `${Math.abs(k)}*${sym}`;
    parts.push(parts.length === 0 ? (k < 0 ? `-${mag}` : mag) : k < 0 ? `-${mag}` : `+${mag}`);
  }
  if (parts.length === 0) return l.c;
  if (l.c !== 0) parts.push(l.c < 0 ? `${l.c}` : `+${l.c}`);
  return parts.join('');
}

function combine(a: Linear, b: Linear, sign: 1 | -1): Linear {
  const terms = new Map(a.terms);
  for (const [s, k] of b.terms) terms.set(s, (terms.get(s) ?? 0) + sign * k);
  return { terms, c: a.c + sign * b.c };
}

/** True when the expression has a + or − outside parentheses (so it needs them under * or /). */
function hasTopLevelSum(s: string): boolean {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && i > 0 && (ch === '+' || ch === '-')) return true;
  }
  return false;
}

/** Parenthesises an operand of * or / (or the right side of −) when it is a sum. */
function wrap(d: Dim): string {
  if (typeof d === 'number') return d < 0 ? `(${d})` : String(d);
  return hasTopLevelSum(d) || d.startsWith('-') ? `(${d})` : d;
}

export function add(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  const la = toLinear(a);
  const lb = toLinear(b);
  if (la && lb) return fromLinear(combine(la, lb, 1));
  return typeof b === 'number' && b < 0 ? `${a}${b}` : `${a}+${b}`;
}

export function sub(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const la = toLinear(a);
  const lb = toLinear(b);
  if (la && lb) return fromLinear(combine(la, lb, -1));
  return `${a}-${wrap(b)}`;
}

export function mul(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  if (a === 1) return b;
  if (b === 1) return a;
  if (a === 0 || b === 0) return 0;
  const [n, s] = typeof a === 'number' ? [a, b] : typeof b === 'number' ? [b, a] : [null, null];
  if (n !== null && s !== null) {
    const l = toLinear(s);
    if (l) {
      const terms = new Map<string, number>();
      for (const [k, v] of l.terms) terms.set(k, v * n);
      return fromLinear({ terms, c: l.c * n });
    }
  }
  return `${wrap(a)}*${wrap(b)}`;
}

/** floor(a / b) for non-negative a and positive b. */
export function floorDiv(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return Math.floor(a / b);
  if (b === 1) return a;
  if (typeof b === 'number') {
    const l = toLinear(a);
    if (l && l.c % b === 0 && [...l.terms.values()].every((k) => k % b === 0)) {
      const terms = new Map<string, number>();
      for (const [k, v] of l.terms) terms.set(k, v / b);
      return fromLinear({ terms, c: l.c / b });
    }
  }
  return `${wrap(a)}/${wrap(b)}`;
}

/** ceil(a / b) for non-negative a and positive b. */
export function ceilDiv(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return Math.ceil(a / b);
  if (b === 1) return a;
  // ceil(a/b) = floor((a + b − 1)/b), which keeps one spelling that evalDim understands.
  if (typeof b === 'number') return floorDiv(add(a, b - 1), b);
  return floorDiv(add(sub(a, 1), b), b);
}

export function dimEquals(a: Dim, b: Dim): boolean {
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  const la = toLinear(a);
  const lb = toLinear(b);
  if (la && lb) return fromLinear(combine(la, lb, -1)) === 0;
  return a.replace(/\s+/g, '') === b.replace(/\s+/g, '');
}

/** Two dims that provably differ (both known numbers, or linear forms differing by a constant). */
export function dimsConflict(a: Dim, b: Dim): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a !== b;
  const la = toLinear(a);
  const lb = toLinear(b);
  if (!la || !lb) return false;
  const d = fromLinear(combine(la, lb, -1));
  return typeof d === 'number' && d !== 0;
}

/** Product of the dims; null when any is symbolic. */
export function numel(shape: Shape): number | null {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number') return null;
    n *= d;
  }
  return n;
}

/** Product with every symbolic dim taken as 1 (for per-instance figures). */
export function numelConcrete(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= typeof d === 'number' ? d : 1;
  return n;
}

/** numpy-style broadcast of two dims; null when they cannot broadcast. */
export function broadcastDim(a: Dim, b: Dim): Dim | null {
  if (a === 1) return b;
  if (b === 1) return a;
  if (dimEquals(a, b)) return a;
  if (typeof a === 'number' && typeof b === 'number') return null;
  // One side symbolic: a valid model has it equal to the other side or 1; the known number wins.
  if (typeof a === 'number') return a;
  if (typeof b === 'number') return b;
  return `max(${a},${b})`;
}

/** min(a, b) of two dims (a slice's end on a symbolic axis: x[:10] of N rows has min(N,10)). */
export function minDim(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return Math.min(a, b);
  if (dimEquals(a, b)) return a;
  return `min(${a},${b})`;
}

/** max(a, b) of two dims. */
export function maxDim(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return Math.max(a, b);
  if (dimEquals(a, b)) return a;
  return `max(${a},${b})`;
}

/** floor(d · s) for a non-negative dim and a real factor s (Resize: out = floor(in · scale)).
 * A symbolic dim with an integer s stays linear ('2*H'); else 'floor(H*1.5)', which evalDim reads. */
export function floorTimes(d: Dim, s: number): Dim {
  if (typeof d === 'number') return Math.floor(d * s);
  if (Number.isInteger(s)) return mul(d, s);
  return `floor(${wrap(d)}*${s})`;
}

export function formatShape(shape: Shape | null): string {
  return shape === null ? '?' : `[${shape.join(', ')}]`;
}

/**
 * Evaluates a dim that this module printed, with the given symbol values (missing symbols are 1).
 * Used to bind symbolic shapes to the concrete ones a runtime used. Grammar: + − * on integers and
 * decimals, '/' as floor division, parentheses, and the functions floor(x), max(a,b), min(a,b).
 */
export function evalDim(d: Dim, symbols: Record<string, number> = {}): number | null {
  if (typeof d === 'number') return d;
  const src = d.replace(/\s+/g, '');
  let i = 0;
  const peek = (): string => src[i] ?? '';
  const expr = (): number | null => {
    let v = term();
    while (v !== null && (peek() === '+' || peek() === '-')) {
      const op = src[i++];
      const r = term();
      if (r === null) return null;
      v = op === '+' ? v + r : v - r;
    }
    return v;
  };
  const term = (): number | null => {
    let v = factor();
    while (v !== null && (peek() === '*' || peek() === '/')) {
      const op = src[i++];
      const r = factor();
      if (r === null) return null;
      v = op === '*' ? v * r : Math.floor(v / r);
    }
    return v;
  };
  const factor = (): number | null => {
    if (peek() === '-') {
      i++;
      const f = factor();
      return f === null ? null : -f;
    }
    if (peek() === '(') {
      i++;
      const v = expr();
      if (peek() !== ')') return null;
      i++;
      return v;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_.:]*|^\d+(?:\.\d+)?(?:e[+-]?\d+)?/.exec(src.slice(i));
    if (!m) return null;
    i += m[0].length;
    if (/^\d/.test(m[0])) return Number(m[0]);
    if ((m[0] === 'max' || m[0] === 'min') && peek() === '(') {
      i++;
      const a = expr();
      if (a === null || peek() !== ',') return null;
      i++;
      const b = expr();
      if (b === null || peek() !== ')') return null;
      i++;
      return m[0] === 'max' ? Math.max(a, b) : Math.min(a, b);
    }
    if (m[0] === 'floor' && peek() === '(') {
      i++;
      const a = expr();
      if (a === null || peek() !== ')') return null;
      i++;
      return Math.floor(a);
    }
    return symbols[m[0]] ?? 1;
  };
  const v = expr();
  return v !== null && i === src.length ? v : null;
}

/** A fresh symbolic dim for a data-dependent size, e.g. freshSymbol('nnz', '/model/NonZero_output_0'). */
export function freshSymbol(prefix: string, tensor: string): string {
  return `${prefix}_${tensor.replace(/[^A-Za-z0-9_.:]/g, '_')}`;
}
