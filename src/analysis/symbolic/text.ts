import { addSum, ceilDivSum, constant, floorDivSum, foldSum, minMaxSum, mulSum, NAME, scaleSum, symbol, type Algebra, type Sum } from './expr';

/**
 * Reading the printed form back, and evaluating it. The grammar (docs/figures.md, "Symbolic dims"):
 *   expr    := term (('+' | '-') term)*
 *   term    := unary ('*' unary)*
 *   unary   := '-' unary | primary
 *   primary := integer | name | "json string" | '(' expr ')'
 *            | ('floor' | 'ceil') '(' expr '/' expr ')' | ('min' | 'max') '(' expr (',' expr)* ')'
 * A '/' appears only inside floor() and ceil(), as exact division there.
 */

const TOKEN = /\s*(?:(\d+)|([A-Za-z_][A-Za-z0-9_.:]*)|("(?:[^"\\]|\\.)*")|([-+*/(),]))/y;

type Tok = { kind: 'int'; v: number } | { kind: 'name'; v: string } | { kind: 'op'; v: string };

function tokenize(s: string): Tok[] | null {
  const out: Tok[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < s.length) {
    if (/\s/.test(s[pos]) && s.slice(pos).trim() === '') break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(s);
    if (!m) return null;
    pos = TOKEN.lastIndex;
    if (m[1] !== undefined) out.push({ kind: 'int', v: Number(m[1]) });
    else if (m[2] !== undefined) out.push({ kind: 'name', v: m[2] });
    else if (m[3] !== undefined) {
      try {
        out.push({ kind: 'name', v: JSON.parse(m[3]) as string });
      } catch {
        return null;
      }
    } else out.push({ kind: 'op', v: m[4] });
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private peekOp(v: string): boolean {
    const t = this.toks[this.i];
    return t !== undefined && t.kind === 'op' && t.v === v;
  }

  private expect(v: string): void {
    if (!this.peekOp(v)) throw new SyntaxError(`expected '${v}'`);
    this.i++;
  }

  done(): boolean {
    return this.i === this.toks.length;
  }

  expr(): Sum {
    let v = this.term();
    for (;;) {
      if (this.peekOp('+')) { this.i++; v = addSum(v, this.term()); }
      else if (this.peekOp('-')) { this.i++; v = addSum(v, this.term(), -1); }
      else return v;
    }
  }

  private term(): Sum {
    let v = this.unary();
    while (this.peekOp('*')) {
      this.i++;
      v = mulSum(v, this.unary());
    }
    return v;
  }

  private unary(): Sum {
    if (this.peekOp('-')) {
      this.i++;
      return scaleSum(this.unary(), -1);
    }
    return this.primary();
  }

  private primary(): Sum {
    const t = this.toks[this.i++];
    if (!t) throw new SyntaxError('unexpected end');
    if (t.kind === 'int') return constant(t.v);
    if (t.kind === 'op') {
      if (t.v !== '(') throw new SyntaxError(`unexpected '${t.v}'`);
      const v = this.expr();
      this.expect(')');
      return v;
    }
    if ((t.v === 'floor' || t.v === 'ceil') && this.peekOp('(')) {
      this.i++;
      const a = this.expr();
      this.expect('/');
      const b = this.expr();
      this.expect(')');
      return t.v === 'floor' ? floorDivSum(a, b) : ceilDivSum(a, b);
    }
    if ((t.v === 'min' || t.v === 'max') && this.peekOp('(')) {
      this.i++;
      const args = [this.expr()];
      while (this.peekOp(',')) {
        this.i++;
        args.push(this.expr());
      }
      this.expect(')');
      return minMaxSum(t.v, args);
    }
    return symbol(t.v);
  }
}

/** The canonical expression the text spells, or null when it is not in the grammar. */
export function parseExpr(s: string): Sum | null {
  const toks = tokenize(s);
  if (!toks || toks.length === 0) return null;
  try {
    const p = new Parser(toks);
    const v = p.expr();
    return p.done() ? v : null;
  } catch {
    return null;
  }
}

/** A name is what the grammar reads as one symbol. */
export function isName(s: string): boolean {
  return NAME.test(s);
}

/** The value of s with the given symbols (missing ones take `missing`; null leaves them unknown). */
export function evaluate(s: Sum, symbols: Readonly<Record<string, number>>, missing: number | null = 1): number | null {
  const alg: Algebra<number | null> = {
    constant: (c) => c,
    symbol: (n) => (Object.prototype.hasOwnProperty.call(symbols, n) ? symbols[n] : missing),
    add: (a, b) => (a === null || b === null ? null : a + b),
    mul: (a, b) => (a === null || b === null ? null : a * b),
    floorDiv: (a, b) => (a === null || b === null || b === 0 ? null : Math.floor(a / b)),
    minMax: (k, xs) => (xs.some((x) => x === null) ? null : k === 'min' ? Math.min(...(xs as number[])) : Math.max(...(xs as number[]))),
  };
  return foldSum(s, alg);
}

/** s with its symbols renamed (or replaced by expressions), re-canonicalised. */
export function substitute(s: Sum, rename: (name: string) => Sum): Sum {
  return foldSum<Sum>(s, {
    constant,
    symbol: rename,
    add: (a, b) => addSum(a, b),
    mul: mulSum,
    floorDiv: floorDivSum,
    minMax: minMaxSum,
  });
}
