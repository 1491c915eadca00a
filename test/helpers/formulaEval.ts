/**
 * An evaluator for the output-size formulas the analysis writes (src/analysis/window/formula.ts),
 * written apart from it so that a wrong formula cannot check itself. Grammar:
 *   formula := AXIS ': ' expr ' = ' result (', ' note)*
 *   note    := 'k_eff = ' expr ' = ' int | words
 *   expr    := term (('+' | '−' | '-') term)*
 *   term    := atom (('·' | '/') atom)*
 *   atom    := int | symbol | '(' expr ')' | '⌊' expr '⌋' | '⌈' expr '⌉' | '(−' int ')'
 * A plain '/' must divide exactly (the formula writes ⌊…⌋ or ⌈…⌉ where it does not).
 */
export interface ParsedFormula {
  axis: string;
  expr: string;
  result: string;
  /** Further equations in the notes (the effective kernel), as [expr, result]. */
  notes: [string, string][];
}

export function parseFormula(f: string): ParsedFormula {
  const m = /^(\w+): (.+?) = ([^,]+?)((?:, .+)?)$/.exec(f);
  if (!m) throw new Error(`not a formula: ${f}`);
  const notes: [string, string][] = [];
  for (const part of m[4].split(', ').slice(1)) {
    const e = /^k_eff = (.+) = (\d+)$/.exec(part);
    if (e) notes.push([e[1], e[2]]);
  }
  return { axis: m[1], expr: m[2], result: m[3], notes };
}

/** The value of `expr`; null when it holds a symbol (a symbolic size). Throws on a bad formula. */
export function evaluate(expr: string): number | null {
  const tokens = expr.match(/\d+|[A-Za-z_][\w.]*|[+\-−·*/()⌊⌋⌈⌉]|\S/g) ?? [];
  let i = 0;
  let symbolic = false;
  const peek = (): string | undefined => tokens[i];
  const take = (want?: string): string => {
    const t = tokens[i++];
    if (t === undefined || (want !== undefined && t !== want)) throw new Error(`expected ${want ?? 'a token'} at ${i} in '${expr}', got ${t}`);
    return t;
  };
  const atom = (): number => {
    const t = take();
    if (/^\d+$/.test(t)) return Number(t);
    if (/^[A-Za-z_]/.test(t)) {
      symbolic = true;
      return 1;
    }
    if (t === '(') {
      if (peek() === '−' || peek() === '-') {
        take();
        const v = -atom();
        take(')');
        return v;
      }
      const v = sum(true);
      take(')');
      return v;
    }
    if (t === '⌊' || t === '⌈') {
      const v = sum(false);
      take(t === '⌊' ? '⌋' : '⌉');
      return t === '⌊' ? Math.floor(v) : Math.ceil(v);
    }
    throw new Error(`unexpected '${t}' in '${expr}'`);
  };
  const product = (exact: boolean): number => {
    let v = atom();
    while (peek() === '·' || peek() === '*' || peek() === '/') {
      const op = take();
      const r = atom();
      if (op === '/') {
        if (exact && !symbolic && !Number.isInteger(v / r)) throw new Error(`'${expr}': ${v}/${r} is not exact but is written without ⌊⌋ or ⌈⌉`);
        v = v / r;
      } else v = v * r;
    }
    return v;
  };
  // `exact`: outside ⌊⌋/⌈⌉, where a plain division must come out whole.
  const sum = (exact: boolean): number => {
    let v = product(exact);
    while (peek() === '+' || peek() === '−' || peek() === '-') {
      const op = take();
      const r = product(exact);
      v = op === '+' ? v + r : v - r;
    }
    return v;
  };
  const v = sum(true);
  if (i !== tokens.length) throw new Error(`trailing '${tokens.slice(i).join(' ')}' in '${expr}'`);
  return symbolic ? null : v;
}
