/**
 * Symbolic dimensions as canonical integer expressions.
 *
 * A value is a Sum: integer coefficients times monomials (products of atoms) plus an integer
 * constant. Atoms are symbols, floor(num/den) and min/max of Sums. Every constructor returns the
 * canonical form, so one value built two ways usually prints one way, and printing is the identity
 * (two canonical forms are equal exactly when their texts are):
 * - terms are sorted by their text and merged; zero terms vanish;
 * - floor(n/q) by a constant q has gcd(coefficients, q) = 1, every coefficient and the
 *   constant of n in [0, q) (the integer multiples of q move outside), and a nested
 *   floor(floor(a/p) + r)/q) is merged into floor((a + p·r)/(p·q)); ceil(a/q) is floor((a+q−1)/q),
 *   printed as ceil when the constant is q−1 (so a stride-32 head reads ceil(height/32));
 * - a product with a factor of several parts stays factored, '2*(h+1)*(w+1)', not expanded (a
 *   Reshape's product of padded dims would otherwise be a long polynomial); a constant factor
 *   distributes ('2*(h+1)' is '2*h+2');
 * - min/max are flattened, deduplicated, sorted, and an argument another one provably bounds is
 *   dropped (symbols are dims, so never negative).
 * Equality of dims is decided on the canonical text: equal texts are equal values (sound); values
 * that are equal but not provably so print differently and are never silently merged.
 */

export interface Sym { readonly kind: 'sym'; readonly name: string; readonly key: string }
export interface Floor { readonly kind: 'floor'; readonly num: Sum; readonly den: Sum; readonly key: string }
export interface MinMax { readonly kind: 'min' | 'max'; readonly args: readonly Sum[]; readonly key: string }
/** A sum of two or more parts as a factor of a product, '(h+1)'; primitive (coefficients and
 * constant have gcd 1, the first coefficient positive). */
export interface Group { readonly kind: 'group'; readonly sum: Sum; readonly key: string }
export type Atom = Sym | Floor | MinMax | Group;

/** key: the monomial's text (its identity); ord: the printing order (names before functions,
 * higher degree first, then the text). */
export interface Term { readonly coef: number; readonly atoms: readonly Atom[]; readonly key: string; readonly ord: string }
export interface Sum { readonly terms: readonly Term[]; readonly c: number; readonly text: string }

/** Names written bare; any other name (a file's 'batch size') is written as a JSON string inside
 * an expression (a dim that is only that name stays the name itself, see dims.ts). */
export const NAME = /^[A-Za-z_][A-Za-z0-9_.:]*$/;

const byOrd = (a: { ord: string }, b: { ord: string }): number => (a.ord < b.ord ? -1 : a.ord > b.ord ? 1 : 0);
const atomOrd = (a: Atom): string => (a.kind === 'sym' ? '0' : '1') + a.key;
const byAtom = (a: Atom, b: Atom): number => byOrd({ ord: atomOrd(a) }, { ord: atomOrd(b) });

function term(coef: number, atoms: readonly Atom[]): Term {
  const key = atoms.map((a) => a.key).join('*');
  const fn = atoms.some((a) => a.kind !== 'sym') ? '1' : '0';
  return { coef, atoms, key, ord: `${fn}${String.fromCharCode(200 - Math.min(atoms.length, 100))}${key}` };
}

function withCoef(t: Term, coef: number): Term {
  return { coef, atoms: t.atoms, key: t.key, ord: t.ord };
}

function termText(t: Term, first: boolean): string {
  const mag = Math.abs(t.coef);
  const body = mag === 1 ? t.key : `${mag}*${t.key}`;
  if (t.coef < 0) return `-${body}`;
  return first ? body : `+${body}`;
}

function sumText(terms: readonly Term[], c: number): string {
  let s = '';
  for (let i = 0; i < terms.length; i++) s += termText(terms[i], i === 0);
  if (terms.length === 0) return String(c);
  if (c !== 0) s += c < 0 ? String(c) : `+${c}`;
  return s;
}

/** Builds a Sum from terms already sorted, merged and free of zero coefficients. */
function makeSum(terms: readonly Term[], c: number): Sum {
  if (c === 0) c = 0; // never -0
  return { terms, c, text: sumText(terms, c) };
}

export function constant(c: number): Sum {
  return makeSum([], c);
}

function atomSum(a: Atom): Sum {
  return makeSum([term(1, [a])], 0);
}

export function symbol(name: string): Sum {
  const key = NAME.test(name) ? name : JSON.stringify(name);
  return atomSum({ kind: 'sym', name, key });
}

/** The symbol when s is exactly one symbol. */
export function loneSymbol(s: Sum): string | null {
  if (s.terms.length !== 1 || s.c !== 0) return null;
  const t = s.terms[0];
  return t.coef === 1 && t.atoms.length === 1 && t.atoms[0].kind === 'sym' ? t.atoms[0].name : null;
}

export function isConstant(s: Sum): boolean {
  return s.terms.length === 0;
}

/** Wraps a Sum written as an operand of '/' (a sum or a negative needs parentheses). */
function operand(s: Sum): string {
  const parts = s.terms.length + (s.c !== 0 ? 1 : 0);
  return parts > 1 ? `(${s.text})` : s.text;
}

function mergeTerms(a: readonly Term[], b: readonly Term[], kb: number): Term[] {
  const out: Term[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const cmp = i >= a.length ? 1 : j >= b.length ? -1 : byOrd(a[i], b[j]);
    if (cmp < 0) out.push(a[i++]);
    else if (cmp > 0) {
      const t = b[j++];
      out.push(kb === 1 ? t : withCoef(t, t.coef * kb));
    } else {
      const coef = a[i].coef + kb * b[j].coef;
      if (coef !== 0) out.push(withCoef(a[i], coef));
      i++;
      j++;
    }
  }
  return out;
}

/** a + k·b. */
export function addSum(a: Sum, b: Sum, k = 1): Sum {
  if (k === 0 || (b.terms.length === 0 && b.c === 0)) return a;
  if (a.terms.length === 0 && a.c === 0 && k === 1) return b;
  return makeSum(mergeTerms(a.terms, b.terms, k), a.c + k * b.c);
}

export function scaleSum(a: Sum, k: number): Sum {
  if (k === 1) return a;
  if (k === 0) return constant(0);
  return makeSum(a.terms.map((t) => withCoef(t, t.coef * k)), a.c * k);
}

/** s as (content, factors): one term is its coefficient and atoms; a longer sum is a primitive group. */
function factors(s: Sum): [number, Atom[]] {
  if (s.terms.length === 1 && s.c === 0) return [s.terms[0].coef, [...s.terms[0].atoms]];
  let g = Math.abs(s.c);
  for (const t of s.terms) g = gcd(g, t.coef);
  if (s.terms[0].coef < 0) g = -g;
  const inner = g === 1 ? s : makeSum(s.terms.map((t) => withCoef(t, t.coef / g)), s.c / g);
  return [g, [{ kind: 'group', sum: inner, key: `(${inner.text})` }]];
}

export function mulSum(a: Sum, b: Sum): Sum {
  if (isConstant(a)) return scaleSum(b, a.c);
  if (isConstant(b)) return scaleSum(a, b.c);
  const [ka, fa] = factors(a);
  const [kb, fb] = factors(b);
  return makeSum([term(ka * kb, [...fa, ...fb].sort(byAtom))], 0);
}

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

function floorAtom(num: Sum, den: Sum): Atom {
  let key: string;
  if (isConstant(den) && num.c === den.c - 1 && den.c >= 2) {
    key = `ceil(${operand(makeSum(num.terms, 0))}/${den.c})`;
  } else {
    const bare = isConstant(den) || (den.c === 0 && den.terms.length === 1 && den.terms[0].coef === 1 && den.terms[0].atoms.length === 1);
    key = `floor(${operand(num)}/${bare ? den.text : `(${den.text})`})`;
  }
  return { kind: 'floor', num, den, key };
}

/** floor(n / q) for an integer q ≥ 1, in canonical form. */
function floorDivConst(n: Sum, q: number): Sum {
  if (q === 1) return n;
  if (isConstant(n)) return constant(Math.floor(n.c / q));
  // floor((g·x + c)/(g·q)) = floor((x + floor(c/g))/q) when g divides every coefficient and q.
  let g = q;
  for (const t of n.terms) g = gcd(g, t.coef);
  if (g > 1) {
    n = makeSum(n.terms.map((t) => withCoef(t, t.coef / g)), Math.floor(n.c / g));
    q /= g;
    if (q === 1) return n;
  }
  const outside: Term[] = [];
  const inside: Term[] = [];
  for (const t of n.terms) {
    const m = Math.floor(t.coef / q);
    const r = t.coef - m * q;
    if (m !== 0) outside.push(withCoef(t, m));
    if (r !== 0) inside.push(r === t.coef ? t : withCoef(t, r));
  }
  const mc = Math.floor(n.c / q);
  const rc = n.c - mc * q;
  const whole = makeSum(outside, mc);
  if (inside.length === 0) return whole;
  // floor((floor(a/p) + r)/q) = floor((a + p·r)/(p·q)) for integers a, r and p, q ≥ 1.
  const nested = inside.findIndex((t) => t.coef === 1 && t.atoms.length === 1 && t.atoms[0].kind === 'floor' && isConstant(t.atoms[0].den));
  if (nested >= 0) {
    const inner = inside[nested].atoms[0] as Floor;
    const rest = makeSum(inside.filter((_, i) => i !== nested), rc);
    return addSum(whole, floorDivConst(addSum(inner.num, rest, inner.den.c), inner.den.c * q));
  }
  return addSum(whole, atomSum(floorAtom(makeSum(inside, rc), constant(q))));
}

/** The quotient when b is one term dividing every term of a exactly (a common factor), else null. */
function exactQuotient(a: Sum, b: Sum): Sum | null {
  if (b.terms.length !== 1 || b.c !== 0 || a.c !== 0) return null;
  const d = b.terms[0];
  const out: Term[] = [];
  let c = 0;
  for (const t of a.terms) {
    if (t.coef % d.coef !== 0) return null;
    const rest = [...t.atoms];
    for (const x of d.atoms) {
      const i = rest.findIndex((y) => y.key === x.key);
      if (i < 0) return null;
      rest.splice(i, 1);
    }
    if (rest.length === 0) c += t.coef / d.coef;
    else out.push(term(t.coef / d.coef, rest));
  }
  return makeSum(out.sort(byOrd), c);
}

/**
 * s as factor · rest, the factor being the largest monomial (coefficient and symbols) dividing
 * every term: '2*N*a+4*N*b' is 2*N times 'a+2*b'. Null when the only common factor is 1.
 */
export function commonFactor(s: Sum): { factor: Sum; rest: Sum } | null {
  if (s.terms.length === 0) return null;
  let g = Math.abs(s.c);
  for (const t of s.terms) g = gcd(g, t.coef);
  let common: Atom[] = s.c === 0 ? [...s.terms[0].atoms] : [];
  for (const t of s.terms.slice(1)) {
    const left = [...t.atoms];
    common = common.filter((a) => {
      const i = left.findIndex((b) => b.key === a.key);
      if (i < 0) return false;
      left.splice(i, 1);
      return true;
    });
  }
  if (g === 1 && common.length === 0) return null;
  const factor = makeSum([term(g, common)], 0);
  if (common.length === 0) return { factor: constant(g), rest: scaleSumExact(s, g) };
  const rest = exactQuotient(s, factor);
  return rest ? { factor, rest } : null;
}

function scaleSumExact(s: Sum, g: number): Sum {
  return makeSum(s.terms.map((t) => withCoef(t, t.coef / g)), s.c / g);
}

/** floor(a / b) for integer-valued a and positive b. */
export function floorDivSum(a: Sum, b: Sum): Sum {
  if (isConstant(b)) {
    if (b.c > 0 && Number.isInteger(b.c)) return floorDivConst(a, b.c);
    if (b.c < 0 && Number.isInteger(b.c)) return floorDivConst(scaleSum(a, -1), -b.c);
    throw new RangeError(`division of ${a.text} by ${b.c}`);
  }
  if (a.text === b.text) return constant(1);
  const q = exactQuotient(a, b);
  if (q) return q;
  return atomSum(floorAtom(a, b));
}

/** ceil(a / b) = floor((a + b − 1) / b) for positive b. */
export function ceilDivSum(a: Sum, b: Sum): Sum {
  return floorDivSum(addSum(addSum(a, b), constant(-1)), b);
}

/**
 * Lower bound of f·s as a linear form over opaque terms (floor(x/q) relaxed to its bounds
 * (x − q + 1)/q ≤ floor(x/q) ≤ x/q), accumulated into `out` (by key) and returned constant.
 */
function lowerBound(s: Sum, f: number, out: Map<string, { k: number; t: Term }>): number {
  let c = f * s.c;
  for (const t of s.terms) {
    const k = f * t.coef;
    const a = t.atoms.length === 1 ? t.atoms[0] : null;
    if (a && a.kind === 'floor' && isConstant(a.den) && a.den.c > 0) {
      const q = a.den.c;
      c += lowerBound(a.num, k / q, out);
      if (k > 0) c -= (k * (q - 1)) / q;
    } else {
      const e = out.get(t.key);
      if (e) e.k += k;
      else out.set(t.key, { k, t });
    }
  }
  return c;
}

function atomNonNegative(a: Atom): boolean {
  if (a.kind === 'sym') return true; // a dim
  if (a.kind === 'group') return provablyNonNegative(a.sum);
  if (a.kind === 'floor') return provablyNonNegative(a.num) && isConstant(a.den) && a.den.c > 0;
  return a.kind === 'min' ? a.args.every(provablyNonNegative) : a.args.some(provablyNonNegative);
}

/** True when s ≥ 0 is provable (symbols are dims, never negative; s is an integer). */
export function provablyNonNegative(s: Sum): boolean {
  if (isConstant(s)) return s.c >= 0;
  const rest = new Map<string, { k: number; t: Term }>();
  const c = lowerBound(s, 1, rest);
  for (const { k, t } of rest.values()) {
    if (Math.abs(k) < 1e-9) continue;
    if (k < 0 || !t.atoms.every(atomNonNegative)) return false;
  }
  return c > -1 + 1e-9;
}

/** The arguments without those another one provably bounds (for min: a ≥ b drops a). */
function prune(kind: 'min' | 'max', list: readonly Sum[]): Sum[] {
  const args: Sum[] = [];
  for (const s of list) {
    let keep = true;
    for (let i = 0; i < args.length && keep; i++) {
      const d = addSum(s, args[i], -1); // s − args[i]
      const sGeq = provablyNonNegative(d);
      const sLeq = provablyNonNegative(scaleSum(d, -1));
      if (kind === 'min' ? sGeq : sLeq) keep = false;
      else if (kind === 'min' ? sLeq : sGeq) args.splice(i--, 1);
    }
    if (keep) args.push(s);
  }
  return args;
}

/** min or max of the arguments, canonical. */
export function minMaxSum(kind: 'min' | 'max', input: readonly Sum[]): Sum {
  const flat: Sum[] = [];
  // Before flattening too: min(m, m+4) with m itself a min is m.
  for (const s of prune(kind, input)) {
    const only = s.terms.length === 1 && s.c === 0 && s.terms[0].coef === 1 && s.terms[0].atoms.length === 1 ? s.terms[0].atoms[0] : null;
    if (only && only.kind === kind) flat.push(...only.args);
    else flat.push(s);
  }
  const args = prune(kind, flat);
  if (args.length === 1) return args[0];
  // Constants last ('min(N,10)'), the rest by their text.
  const ord = (x: Sum): string => (isConstant(x) ? '1' : '0') + x.text;
  args.sort((x, y) => (ord(x) < ord(y) ? -1 : ord(x) > ord(y) ? 1 : 0));
  return atomSum({ kind, args, key: `${kind}(${args.map((x) => x.text).join(',')})` });
}

/** Operations a fold over an expression needs (evaluation, renaming). */
export interface Algebra<T> {
  constant(c: number): T;
  symbol(name: string): T;
  add(a: T, b: T): T;
  mul(a: T, b: T): T;
  floorDiv(a: T, b: T): T;
  minMax(kind: 'min' | 'max', args: T[]): T;
}

export function foldSum<T>(s: Sum, alg: Algebra<T>): T {
  let acc = alg.constant(s.c);
  for (const t of s.terms) {
    let p = alg.constant(t.coef);
    for (const a of t.atoms) p = alg.mul(p, foldAtom(a, alg));
    acc = alg.add(acc, p);
  }
  return acc;
}

function foldAtom<T>(a: Atom, alg: Algebra<T>): T {
  if (a.kind === 'sym') return alg.symbol(a.name);
  if (a.kind === 'floor') return alg.floorDiv(foldSum(a.num, alg), foldSum(a.den, alg));
  if (a.kind === 'group') return foldSum(a.sum, alg);
  return alg.minMax(a.kind, a.args.map((x) => foldSum(x, alg)));
}

/** Every symbol name in s (in order of first appearance). */
export function symbolsOf(s: Sum, out = new Set<string>()): Set<string> {
  for (const t of s.terms) {
    for (const a of t.atoms) {
      if (a.kind === 'sym') out.add(a.name);
      else if (a.kind === 'group') symbolsOf(a.sum, out);
      else if (a.kind === 'floor') {
        symbolsOf(a.num, out);
        symbolsOf(a.den, out);
      } else for (const x of a.args) symbolsOf(x, out);
    }
  }
  return out;
}
