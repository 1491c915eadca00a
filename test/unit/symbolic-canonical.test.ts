/**
 * Property tests of the canonical form of symbolic dims (src/analysis/symbolic): random
 * expressions built through the dims API evaluate, at random points, to what the same expression
 * evaluates to computed directly; printing is a fixed point of reading; and equal values built two
 * ways (identities of +, *, floor, ceil, min, max) print identically.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dim } from '../../src/ir/types';
import { add, canonicalDim, ceilDiv, dimEquals, dimsConflict, evalDim, floorDiv, floorTimes, maxDim, minDim, mul, sub } from '../../src/analysis/dims';
import { seededRandom } from '../../src/common/prng';

type Env = Record<string, number>;
/** An expression as its dims-API result and a direct evaluator. */
interface Gen { dim: Dim; at(env: Env): number }

const SYMS = ['H', 'W', 'N', 'p2o.DynamicDimension.1'];

/** shapeLike: only what shape rules build (sums with non-negative coefficients of symbols and
 * divisions, less a constant), where a nested division always merges into one. */
function generator(seed: number, shapeLike = false): (depth: number) => Gen {
  const rnd = seededRandom(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const gen = (depth: number): Gen => {
    if (depth === 0 || rnd() < 0.2) {
      if (rnd() < 0.35) {
        const c = int(0, 9);
        return { dim: c, at: () => c };
      }
      const s = SYMS[int(0, SYMS.length - 1)];
      return { dim: s, at: (e) => e[s] };
    }
    const a = gen(depth - 1);
    const op = int(0, 9);
    if (op <= 1) {
      const b = gen(depth - 1);
      return { dim: add(a.dim, b.dim), at: (e) => a.at(e) + b.at(e) };
    }
    if (op === 2) {
      const b = shapeLike ? { dim: int(0, 9), at: () => 0 } : gen(depth - 1);
      if (shapeLike) {
        const k = b.dim as number;
        return { dim: sub(a.dim, k), at: (e) => a.at(e) - k };
      }
      return { dim: sub(a.dim, b.dim), at: (e) => a.at(e) - b.at(e) };
    }
    if (op === 3) {
      const k = int(2, 5);
      return { dim: mul(a.dim, k), at: (e) => a.at(e) * k };
    }
    if (op === 4 && depth <= 2) {
      const b = gen(depth - 1);
      return { dim: mul(a.dim, b.dim), at: (e) => a.at(e) * b.at(e) };
    }
    if (op === 5 || op === 4) {
      const q = int(1, 8);
      return { dim: floorDiv(a.dim, q), at: (e) => Math.floor(a.at(e) / q) };
    }
    if (op === 6) {
      const q = int(1, 8);
      return { dim: ceilDiv(a.dim, q), at: (e) => Math.ceil(a.at(e) / q) };
    }
    if (op === 7) {
      const b = gen(depth - 1);
      return { dim: minDim(a.dim, b.dim), at: (e) => Math.min(a.at(e), b.at(e)) };
    }
    if (op === 8) {
      const b = gen(depth - 1);
      return { dim: maxDim(a.dim, b.dim), at: (e) => Math.max(a.at(e), b.at(e)) };
    }
    const s = [1.5, 0.5, 2, 0.75, 1 / 3][int(0, 4)];
    return { dim: floorTimes(a.dim, s), at: (e) => Math.floor(a.at(e) * s + 1e-9) };
  };
  return gen;
}

function points(seed: number, n: number): Env[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: n }, () => Object.fromEntries(SYMS.map((s) => [s, Math.floor(rnd() * 60)])));
}

test('random expressions: the canonical form evaluates as the expression at random points, and reads back as itself', () => {
  const gen = generator(11);
  const envs = points(5, 25);
  for (let i = 0; i < 1500; i++) {
    const g = gen(4);
    for (const e of envs) {
      const want = g.at(e) + 0; // not -0
      assert.equal((evalDim(g.dim, e) ?? NaN) + 0, want, `${String(g.dim)} at ${JSON.stringify(e)}`);
    }
    assert.equal(canonicalDim(g.dim), g.dim, `'${String(g.dim)}' reads back as itself`);
  }
});

test('equal values built two ways print identically', () => {
  const gen = generator(23, true);
  for (let i = 0; i < 800; i++) {
    const a = gen(3).dim;
    const b = gen(3).dim;
    const c = gen(2).dim;
    const p = 1 + (i % 5);
    const q = 1 + ((i * 7) % 6);
    const r = i % 13;
    // Divisions nested in a linear numerator always merge; with several divisions in one
    // numerator the order of merging can leave two spellings of one value (never wrongly equal).
    const lin = add(add(mul('H', 1 + (i % 4)), mul('W', i % 3)), i % 11);
    const pairs: [string, Dim, Dim][] = [
      ['a+b = b+a', add(a, b), add(b, a)],
      ['(a+b)−b = a', sub(add(a, b), b), a],
      ['q·(a+b) = q·a + q·b', mul(add(a, b), q), add(mul(a, q), mul(b, q))],
      ['a·b = b·a', mul(a, b), mul(b, a)],
      ['(a·b)·c = a·(b·c)', mul(mul(a, b), c), mul(a, mul(b, c))],
      ['floor(floor(l/p)/q) = floor(l/pq)', floorDiv(floorDiv(lin, p), q), floorDiv(lin, p * q)],
      ['ceil(ceil(l/p)/q) = ceil(l/pq)', ceilDiv(ceilDiv(lin, p), q), ceilDiv(lin, p * q)],
      ['floor(ceil(l/p)/q) = floor((l+p−1)/pq)', floorDiv(ceilDiv(lin, p), q), floorDiv(add(lin, p - 1), p * q)],
      ['ceil(a/q) = floor((a+q−1)/q)', ceilDiv(a, q), floorDiv(add(a, q - 1), q)],
      ['floor((q·a + r)/q) = a + floor(r/q)', floorDiv(add(mul(a, q), r), q), add(a, Math.floor(r / q))],
      ['floor((a−1)/2)+1 = ceil(a/2)', add(floorDiv(sub(a, 1), 2), 1), ceilDiv(a, 2)],
      ['min(a,b) = min(b,a)', minDim(a, b), minDim(b, a)],
      ['max(a,max(b,c)) = max(max(a,b),c)', maxDim(a, maxDim(b, c)), maxDim(maxDim(a, b), c)],
      ['min(a,a+r) = a', minDim(a, add(a, r)), a],
    ];
    for (const [law, x, y] of pairs) {
      assert.equal(x, y, `${law} with a=${String(a)}, b=${String(b)}, c=${String(c)}, p=${p}, q=${q}, r=${r}`);
      assert.ok(dimEquals(x, y) && !dimsConflict(x, y), law);
    }
  }
});

test('stride-2 windows with padding nest into one division: a stride-32 head is ceil(height/32)', () => {
  let h: Dim = 'height';
  // Conv k3 s2 p1, five times: floor((h + 2 − 3)/2) + 1 each.
  for (let i = 0; i < 5; i++) h = add(floorDiv(sub(add(h, 2), 3), 2), 1);
  assert.equal(h, 'ceil(height/32)');
  assert.equal(ceilDiv(ceilDiv('h', 2), 2), 'ceil(h/4)');
  assert.equal(floorDiv(add('h', 1), 2), 'ceil(h/2)');
  assert.equal(mul(mul(64, ceilDiv('height', 32)), ceilDiv('width', 32)), '64*ceil(height/32)*ceil(width/32)');
  assert.equal(canonicalDim('H + 2 - 3'), 'H-1');
  assert.equal(canonicalDim('2*(H+1)'), '2*H+2');
  assert.equal(mul(add('h', 1), mul(2, add('w', 1))), '2*(h+1)*(w+1)', 'a product of sums stays factored');
  assert.equal(mul(add(mul('h', 2), 2), add('w', 1)), '2*(h+1)*(w+1)');
  assert.equal(floorDiv(mul(mul('N', add('h', 1)), 8), mul('N', add('h', 1))), 8);
  assert.equal(canonicalDim('4'), 4);
  // A file's dim name outside the grammar is one symbol, quoted once it is part of an expression.
  assert.equal(add('batch size', 1), '"batch size"+1');
  assert.ok(dimEquals(sub(add('batch size', 1), 1), 'batch size'));
  // '?' is unknown: it equals nothing and arithmetic keeps it unknown.
  assert.equal(dimEquals('?', '?'), false);
  assert.equal(add('?', 1), '?');
});

test('dims that provably differ conflict; ones that may be equal do not', () => {
  assert.equal(dimsConflict('H', 'H+1'), true);
  assert.equal(dimsConflict('ceil(H/2)', 'floor(H/2)+2'), true);
  assert.equal(dimsConflict('ceil(H/2)', 'floor(H/2)'), false, 'equal for even H');
  assert.equal(dimsConflict('H', 'W'), false);
  assert.equal(dimsConflict('unk__3', 'ceil(H/2)'), false);
});
