import type { Dim, Shape } from '../ir/types';
import { addSum, ceilDivSum, constant, floorDivSum, isConstant, loneSymbol, minMaxSum, mulSum, provablyNonNegative, symbol, symbolsOf, type Sum } from './symbolic/expr';
import { evaluate, parseExpr, substitute } from './symbolic/text';

/**
 * Arithmetic on dimensions that may be symbolic. IR dims stay `number | string`: a symbolic dim is
 * the canonical printed form of its expression (src/analysis/symbolic), read back through a cache,
 * so the many readers of shapes (views, CLI, JSON, runtime binding) keep plain strings, and two
 * dims are equal exactly when their strings are. '?' (a dim the file leaves unnamed) is unknown:
 * arithmetic on it gives '?', and it equals nothing, not even another '?'.
 */

const UNKNOWN = '?';
const cache = new Map<string, Sum | null>();

/** The expression of a dim; null for an unknown one. A string outside the grammar (a file's
 * 'batch size') is one symbol of that name. */
export function dimExpr(d: Dim): Sum | null {
  if (typeof d === 'number') return constant(d);
  let s = cache.get(d);
  if (s === undefined) {
    s = d === UNKNOWN || d.trim() === '' ? null : parseExpr(d) ?? symbol(d);
    if (cache.size > 200_000) cache.clear();
    cache.set(d, s);
  }
  return s;
}

/** The dim an expression prints as (a number when constant). */
export function exprDim(s: Sum): Dim {
  if (isConstant(s)) return s.c;
  const lone = loneSymbol(s);
  if (lone !== null) return lone;
  if (!cache.has(s.text)) cache.set(s.text, s);
  return s.text;
}

/** The canonical spelling of a dim ('H + 2 - 3' → 'H-1', '4' → 4). */
export function canonicalDim(d: Dim): Dim {
  if (typeof d === 'number') return d;
  const s = dimExpr(d);
  return s ? exprDim(s) : UNKNOWN;
}

function lift(a: Dim, b: Dim, f: (x: Sum, y: Sum) => Sum): Dim {
  const x = dimExpr(a);
  const y = dimExpr(b);
  return x && y ? exprDim(f(x, y)) : UNKNOWN;
}

export function add(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  return lift(a, b, (x, y) => addSum(x, y));
}

export function sub(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return lift(a, b, (x, y) => addSum(x, y, -1));
}

export function mul(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a * b + 0; // never -0
  if (a === 1) return b;
  if (b === 1) return a;
  return lift(a, b, mulSum);
}

/** floor(a / b) for non-negative a and positive b. */
export function floorDiv(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return Math.floor(a / b);
  if (b === 1) return a;
  if (b === 0) return UNKNOWN;
  return lift(a, b, floorDivSum);
}

/** ceil(a / b) for non-negative a and positive b. */
export function ceilDiv(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return Math.ceil(a / b) + 0; // never -0
  if (b === 1) return a;
  if (b === 0) return UNKNOWN;
  return lift(a, b, ceilDivSum);
}

export function dimEquals(a: Dim, b: Dim): boolean {
  if (a === b) return a !== UNKNOWN;
  if (typeof a === 'number' && typeof b === 'number') return false;
  const x = dimExpr(a);
  const y = dimExpr(b);
  return x !== null && y !== null && x.text === y.text;
}

/** Two dims that provably differ (numbers, or expressions whose difference is provably ≥ 1). */
export function dimsConflict(a: Dim, b: Dim): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a !== b;
  const x = dimExpr(a);
  const y = dimExpr(b);
  if (!x || !y) return false;
  const d = addSum(x, y, -1);
  if (isConstant(d)) return d.c !== 0;
  return provablyNonNegative(addSum(d, constant(-1))) || provablyNonNegative(addSum(constant(-1), d, -1));
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
  return maxDim(a, b);
}

/** min(a, b) of two dims (a slice's end on a symbolic axis: x[:10] of N rows has min(N,10)). */
export function minDim(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return Math.min(a, b);
  return lift(a, b, (x, y) => minMaxSum('min', [x, y]));
}

/** max(a, b) of two dims. */
export function maxDim(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return Math.max(a, b);
  return lift(a, b, (x, y) => minMaxSum('max', [x, y]));
}

/** p/q with a small q equal to s within float32 precision (a scale of 1/3 stored as 0.33333334). */
function rational(s: number): [number, number] {
  let h0 = 1, h1 = 0, k0 = 0, k1 = 1;
  let x = s;
  for (let i = 0; i < 40; i++) {
    const a = Math.floor(x);
    [h0, h1] = [a * h0 + h1, h0];
    [k0, k1] = [a * k0 + k1, k0];
    if (Math.abs(h0 / k0 - s) <= 1e-7 * Math.max(1, Math.abs(s)) || k0 > 1e6) break;
    x = 1 / (x - a);
    if (!Number.isFinite(x)) break;
  }
  return [h0, k0];
}

/** floor(d · s) for a non-negative dim and a real factor s (Resize: out = floor(in · scale)).
 * A symbolic dim with s = p/q is floor(p·H/q): 'floor(3*H/2)' for a scale of 1.5. */
export function floorTimes(d: Dim, s: number): Dim {
  if (typeof d === 'number') return Math.floor(d * s);
  if (Number.isInteger(s)) return mul(d, s);
  const [p, q] = rational(s);
  return floorDiv(mul(d, p), q);
}

export function formatShape(shape: Shape | null): string {
  return shape === null ? '?' : `[${shape.join(', ')}]`;
}

/**
 * Evaluates a dim with the given symbol values (missing symbols are 1). Used to bind symbolic
 * shapes to the concrete ones a runtime used. Null for '?' and for text outside the grammar's
 * arithmetic (which reads as one symbol, so it evaluates as that symbol).
 */
export function evalDim(d: Dim, symbols: Record<string, number> = {}): number | null {
  if (typeof d === 'number') return d;
  const s = dimExpr(d);
  return s ? evaluate(s, symbols) : null;
}

/** The symbols a dim is written in. */
export function dimSymbols(d: Dim): string[] {
  const s = typeof d === 'string' ? dimExpr(d) : null;
  return s ? [...symbolsOf(s)] : [];
}

/** The dim with its symbols renamed (names not in the map stay), in canonical form. */
export function renameDim(d: Dim, names: ReadonlyMap<string, string>): Dim {
  if (typeof d === 'number') return d;
  const s = dimExpr(d);
  if (!s) return d;
  let touched = false;
  for (const n of symbolsOf(s)) if (names.has(n)) touched = true;
  if (!touched) return d;
  return exprDim(substitute(s, (n) => symbol(names.get(n) ?? n)));
}

/** A fresh symbolic dim for a data-dependent size, e.g. freshSymbol('nnz', '/model/NonZero_output_0'). */
export function freshSymbol(prefix: string, tensor: string): string {
  return `${prefix}_${tensor.replace(/[^A-Za-z0-9_.:]/g, '_')}`;
}
