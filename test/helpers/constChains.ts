/**
 * Random chains of constant-foldable ONNX ops over small int64/float32 constants (a seeded PRNG, so
 * every run builds the same cases). Each generator knows only what the ONNX spec says about its
 * op's output shape, enough to build a valid node; the values are never computed here: ONNX Runtime
 * computes them when the model runs, and the analysis must fold to the same.
 */
import type { AttrValue, DType, Model, Node, TensorData } from '../../src/ir/types';
import { tensorFromBytes } from '../../src/ir/tensor';
import { seededRandom } from '../../src/common/prng';

export interface Tensor {
  name: string;
  dtype: DType;
  shape: number[];
}

type Gen = (b: ChainBuilder) => boolean;

const numel = (s: number[]) => s.reduce((a, d) => a * d, 1);

export class ChainBuilder {
  readonly nodes: Node[] = [];
  readonly inits: TensorData[] = [];
  readonly pool: Tensor[] = [];
  readonly produced: string[] = [];
  private n = 0;
  readonly rnd: () => number;

  constructor(seed: number, readonly opset: number) {
    this.rnd = seededRandom(seed);
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rnd() * (hi - lo + 1));
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)];
  }

  shape(maxRank = 3): number[] {
    return Array.from({ length: this.int(0, maxRank) }, () => this.int(1, 4));
  }

  /** A constant; values small integers (int64), quarters in [-4, 4] (float32), or nonzero. */
  constant(dtype: 'int64' | 'float32' | 'bool', shape: number[], values?: number[], nonzero = false): Tensor {
    const name = `c${this.n++}`;
    const n = numel(shape);
    const v = values ?? Array.from({ length: n }, () => {
      if (dtype === 'bool') return this.int(0, 1);
      let x = dtype === 'int64' ? this.int(-5, 9) : this.int(-16, 16) / 4;
      if (nonzero && x === 0) x = dtype === 'int64' ? 3 : 1.5;
      return x;
    });
    const bytes =
      dtype === 'int64' ? new Uint8Array(BigInt64Array.from(v.map((x) => BigInt(x))).buffer)
      : dtype === 'float32' ? new Uint8Array(Float32Array.from(v).buffer)
      : Uint8Array.from(v);
    this.inits.push(tensorFromBytes(name, dtype, shape, bytes));
    return { name, dtype, shape };
  }

  ints(values: number[]): Tensor {
    return this.constant('int64', [values.length], values);
  }

  scalar(dtype: 'int64' | 'float32', v: number): Tensor {
    return this.constant(dtype, [], [v]);
  }

  /** A tensor from the pool (of one of the dtypes), or a fresh constant. */
  operand(dtypes: DType[] = ['int64', 'float32']): Tensor {
    const fit = this.pool.filter((t) => dtypes.includes(t.dtype));
    if (fit.length > 0 && this.rnd() < 0.75) return this.pick(fit.slice(-4));
    const d = this.pick(dtypes.filter((t) => t === 'int64' || t === 'float32' || t === 'bool')) as 'int64' | 'float32' | 'bool';
    return this.constant(d, this.shape());
  }

  /** A shape that broadcasts onto `s` (a suffix of it, some dims set to 1). */
  broadcastable(s: number[]): number[] {
    const k = this.int(0, s.length);
    return s.slice(s.length - k).map((d) => (this.rnd() < 0.3 ? 1 : d));
  }

  add(opType: string, inputs: (Tensor | null)[], attributes: Record<string, AttrValue>, outs: { dtype: DType; shape: number[] }[]): Tensor[] {
    const id = `n${this.nodes.length}_${opType}`;
    const result = outs.map((o, i) => ({ name: `${id}_${i}`, ...o }));
    const attributeTypes: Record<string, 'int' | 'ints' | 'float' | 'string' | 'tensor'> = {};
    for (const [k, v] of Object.entries(attributes)) {
      attributeTypes[k] = typeof v === 'string' ? 'string' : Array.isArray(v) ? 'ints' : typeof v === 'number' ? (k === 'value_float' ? 'float' : 'int') : 'tensor';
    }
    this.nodes.push({
      id, name: id, opType, domain: '', attributes, attributeTypes, scope: [],
      inputs: inputs.map((t) => t?.name ?? ''), outputs: result.map((r) => r.name),
    });
    for (const r of result) {
      this.pool.push(r);
      this.produced.push(r.name);
    }
    return result;
  }

  model(): Model {
    return {
      format: 'onnx', producer: 'fold-fuzz', opsets: { '': this.opset }, metadata: {}, readWarnings: [],
      graph: {
        name: 'chain', nodes: this.nodes, inputs: [], valueInfo: new Map(),
        outputs: this.produced.map((name) => ({ name, dtype: 'undefined' as DType, shape: null })),
        initializers: new Map(this.inits.map((t) => [t.name, t])),
      },
    };
  }
}

const NUMERIC: DType[] = ['int64', 'float32'];

/** Clip(x, -lim, lim): keeps chains of products and powers in a range every dtype holds. */
function bounded(b: ChainBuilder, x: Tensor, lim: number): Tensor {
  if (x.dtype !== 'int64' && x.dtype !== 'float32') return x;
  const d = x.dtype;
  return b.add('Clip', [x, b.scalar(d, -lim), b.scalar(d, lim)], {}, [{ dtype: d, shape: x.shape }])[0];
}

function broadcastShape(a: number[], c: number[]): number[] {
  const r = Math.max(a.length, c.length);
  return Array.from({ length: r }, (_, i) => {
    const x = a[a.length - r + i] ?? 1;
    const y = c[c.length - r + i] ?? 1;
    return x === 1 ? y : x;
  });
}

const binary = (ops: string[], out?: DType, dtypes = NUMERIC): Gen => (b) => {
  const a = b.operand(dtypes);
  const c = b.rnd() < 0.5 ? b.constant(a.dtype as 'int64', b.broadcastable(a.shape)) : { ...b.operand([a.dtype]) };
  if (broadcastShape(a.shape, c.shape).some((d, i, s) => {
    const x = a.shape[a.shape.length - s.length + i] ?? 1;
    const y = c.shape[c.shape.length - s.length + i] ?? 1;
    return x !== 1 && y !== 1 && x !== y;
  })) return false;
  b.add(b.pick(ops), [bounded(b, a, 1000), bounded(b, c, 1000)], {}, [{ dtype: out ?? a.dtype, shape: broadcastShape(a.shape, c.shape) }]);
  return true;
};

const GENERATORS: Gen[] = [
  binary(['Add', 'Sub', 'Mul', 'Max', 'Min']),
  binary(['Add', 'Sub', 'Mul', 'Max', 'Min', 'Sum', 'Mean'], undefined, ['float32']),
  binary(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual'], 'bool'),
  (b) => {
    // Div and Mod by a nonzero constant (integer division by zero has no result).
    const a = b.operand(NUMERIC);
    const c = b.constant(a.dtype as 'int64', b.broadcastable(a.shape), undefined, true);
    const op = b.pick(['Div', 'Mod']);
    const attrs: Record<string, AttrValue> = op === 'Mod' ? { fmod: a.dtype === 'float32' ? 1 : b.int(0, 1) } : {};
    b.add(op, [bounded(b, a, 1000), c], attrs, [{ dtype: a.dtype, shape: a.shape }]);
    return true;
  },
  (b) => {
    const a = bounded(b, b.operand(NUMERIC), 8);
    const eshape = b.broadcastable(a.shape);
    const ex = b.constant(a.dtype as 'int64', eshape, Array.from({ length: numel(eshape) }, () => b.int(0, 3)));
    b.add('Pow', [a, ex], {}, [{ dtype: a.dtype, shape: a.shape }]);
    return true;
  },
  (b) => {
    const a = b.operand(['bool']);
    if (a.dtype !== 'bool') return false;
    const op = b.pick(['And', 'Or', 'Xor', 'Not']);
    const ins = op === 'Not' ? [a] : [a, b.constant('bool', b.broadcastable(a.shape))];
    b.add(op, ins, {}, [{ dtype: 'bool', shape: a.shape }]);
    return true;
  },
  (b) => {
    const x = b.operand(NUMERIC);
    const y = b.constant(x.dtype as 'int64', b.broadcastable(x.shape));
    const c = b.constant('bool', b.broadcastable(x.shape));
    b.add('Where', [c, x, y], {}, [{ dtype: x.dtype, shape: x.shape }]);
    return true;
  },
  (b) => {
    const x = bounded(b, b.operand(['int64', 'float32', 'bool']), 100000);
    const to = b.pick([['int64', 7], ['float32', 1], ['int32', 6], ['bool', 9]] as const);
    b.add('Cast', [x], { to: to[1] }, [{ dtype: to[0], shape: x.shape }]);
    return true;
  },
  (b) => {
    const x = b.operand(['float32']);
    if (x.dtype !== 'float32') return false;
    const op = b.pick(['Floor', 'Ceil', 'Round', 'Abs', 'Neg', 'Sign', 'Relu', 'SqrtAbs', 'Reciprocal']);
    if (op === 'SqrtAbs') {
      const a = b.add('Abs', [x], {}, [{ dtype: 'float32', shape: x.shape }])[0];
      b.add('Sqrt', [a], {}, [{ dtype: 'float32', shape: x.shape }]);
    } else if (op === 'Reciprocal') {
      b.add(op, [b.constant('float32', x.shape, undefined, true)], {}, [{ dtype: 'float32', shape: x.shape }]);
    } else b.add(op, [x], {}, [{ dtype: 'float32', shape: x.shape }]);
    return true;
  },
  (b) => {
    const x = b.operand(['int64']);
    b.add(b.pick(['Abs', 'Neg', 'Sign', 'Identity']), [x], {}, [{ dtype: x.dtype, shape: x.shape }]);
    return true;
  },
  (b) => {
    // Reshape to a random factorisation, with a -1 or a 0 (copy) sometimes.
    const x = b.operand(['int64', 'float32', 'bool']);
    const n = numel(x.shape);
    if (n === 0) return false;
    const target: number[] = [];
    let rest = n;
    while (rest > 1 && target.length < 3) {
      const f = [2, 3, 4, 1].find((k) => rest % k === 0 && b.rnd() < 0.6) ?? rest;
      target.push(f);
      rest /= f;
    }
    if (rest > 1) target.push(rest);
    const spec = [...target];
    if (spec.length > 0 && b.rnd() < 0.4) spec[b.int(0, spec.length - 1)] = -1;
    b.add('Reshape', [x, b.ints(spec)], {}, [{ dtype: x.dtype, shape: target }]);
    return true;
  },
  (b) => {
    const x = b.operand(['int64', 'float32']);
    const perm = x.shape.map((_, i) => i).sort(() => b.rnd() - 0.5);
    b.add('Transpose', [x], { perm }, [{ dtype: x.dtype, shape: perm.map((p) => x.shape[p]) }]);
    return true;
  },
  (b) => {
    const x = b.operand(['int64', 'float32']);
    const r = x.shape.length + 1;
    const axis = b.int(-r, r - 1);
    const a = axis < 0 ? axis + r : axis;
    const shape = [...x.shape.slice(0, a), 1, ...x.shape.slice(a)];
    const u = b.add('Unsqueeze', [x, b.ints([axis])], {}, [{ dtype: x.dtype, shape }])[0];
    if (b.rnd() < 0.5) b.add('Squeeze', [u, b.ints([a])], {}, [{ dtype: x.dtype, shape: x.shape }]);
    return true;
  },
  (b) => {
    const x = b.operand(['int64', 'float32']);
    if (x.shape.length === 0) return false;
    const axis = b.int(0, x.shape.length - 1);
    const other = x.shape.map((d, i) => (i === axis ? b.int(1, 3) : d));
    const y = b.constant(x.dtype as 'int64', other);
    const shape = x.shape.map((d, i) => (i === axis ? d + other[i] : d));
    b.add('Concat', b.rnd() < 0.5 ? [x, y] : [y, x], { axis: axis - (b.rnd() < 0.5 ? x.shape.length : 0) }, [{ dtype: x.dtype, shape }]);
    return true;
  },
  (b) => {
    const x = b.operand(['int64', 'float32']);
    const axis = x.shape.findIndex((d) => d >= 2);
    if (axis < 0) return false;
    const first = b.int(1, x.shape[axis] - 1);
    const sizes = [first, x.shape[axis] - first];
    b.add('Split', [x, b.ints(sizes)], { axis }, sizes.map((s) => ({ dtype: x.dtype, shape: x.shape.map((d, i) => (i === axis ? s : d)) })));
    return true;
  },
  (b) => {
    const x = b.operand(['int64', 'float32']);
    if (x.shape.length === 0) return false;
    const axes = x.shape.map((_, i) => i).filter(() => b.rnd() < 0.6);
    if (axes.length === 0) axes.push(0);
    const starts: number[] = [];
    const ends: number[] = [];
    const steps: number[] = [];
    const shape = [...x.shape];
    for (const a of axes) {
      const d = x.shape[a];
      const step = b.pick([1, 1, 2, -1, -2]);
      const s = b.int(-d - 1, d + 1);
      const e = b.pick([b.int(-d - 1, d + 1), step > 0 ? 2 ** 62 : -(2 ** 62)]);
      starts.push(s);
      ends.push(e);
      steps.push(step);
      const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
      let ss = s < 0 ? s + d : s;
      let ee = e < 0 ? e + d : e;
      if (step > 0) [ss, ee] = [clamp(ss, 0, d), clamp(ee, 0, d)];
      else [ss, ee] = [clamp(ss, 0, d - 1), clamp(ee, -1, d - 1)];
      shape[a] = Math.max(0, Math.ceil((ee - ss) / step));
    }
    b.add('Slice', [x, b.ints(starts), b.ints(ends), b.ints(axes), b.ints(steps)], {}, [{ dtype: x.dtype, shape }]);
    return true;
  },
  (b) => {
    const x = b.operand(['int64', 'float32']);
    if (x.shape.length === 0) return false;
    const axis = b.int(0, x.shape.length - 1);
    const d = x.shape[axis];
    if (d === 0) return false;
    const ishape = b.shape(2);
    const idx = b.constant('int64', ishape, Array.from({ length: numel(ishape) }, () => b.int(-d, d - 1)));
    const shape = [...x.shape.slice(0, axis), ...ishape, ...x.shape.slice(axis + 1)];
    b.add('Gather', [x, idx], { axis }, [{ dtype: x.dtype, shape }]);
    return true;
  },
  (b) => {
    const x = b.operand(['int64', 'float32']);
    const reps = x.shape.map(() => b.int(1, 2));
    b.add('Tile', [x, b.ints(reps)], {}, [{ dtype: x.dtype, shape: x.shape.map((d, i) => d * reps[i]) }]);
    return true;
  },
  (b) => {
    const x = b.operand(['int64', 'float32']);
    const target = [...(b.rnd() < 0.5 ? [b.int(1, 3)] : []), ...x.shape.map((d) => (d === 1 ? b.int(1, 3) : b.pick([d, 1])))];
    const shape = broadcastShape(x.shape, target);
    b.add('Expand', [x, b.ints(target)], {}, [{ dtype: x.dtype, shape }]);
    return true;
  },
  (b) => {
    const x = b.operand(['int64', 'float32']);
    const axis = b.int(-x.shape.length, x.shape.length);
    const a = axis < 0 ? axis + x.shape.length : axis;
    b.add('Flatten', [x], { axis }, [{ dtype: x.dtype, shape: [numel(x.shape.slice(0, a)), numel(x.shape.slice(a))] }]);
    return true;
  },
  (b) => {
    const float = b.rnd() < 0.4;
    const d = float ? 'float32' : 'int64';
    const s = b.int(-5, 5) / (float ? 2 : 1);
    const step = b.pick([1, 2, 3, -1, -2]) / (float ? 4 : 1);
    const l = s + step * b.int(-1, 8) + (float ? 0.1 : 0);
    const n = Math.max(0, Math.ceil((Math.fround(l - s)) / step));
    b.add('Range', [b.scalar(d, s), b.scalar(d, l), b.scalar(d, step)], {}, [{ dtype: d, shape: [n] }]);
    return true;
  },
  (b) => {
    const x = b.operand(['int64', 'float32', 'bool']);
    const r = x.shape.length;
    if (b.rnd() < 0.3) {
      b.add('Size', [x], {}, [{ dtype: 'int64', shape: [] }]);
      return true;
    }
    if (b.opset < 15) {
      b.add('Shape', [x], {}, [{ dtype: 'int64', shape: [r] }]);
      return true;
    }
    const start = b.int(-r - 1, r);
    const end = b.int(-r - 1, r + 1);
    const clamp = (v: number) => Math.min(r, Math.max(0, v < 0 ? v + r : v));
    b.add('Shape', [x], { start, end }, [{ dtype: 'int64', shape: [Math.max(0, clamp(end) - clamp(start))] }]);
    return true;
  },
  (b) => {
    const shape = b.shape();
    const float = b.rnd() < 0.5;
    const fill = b.int(-3, 5);
    const value = tensorFromBytes('value', float ? 'float32' : 'int64', [1],
      float ? new Uint8Array(Float32Array.from([fill / 2]).buffer) : new Uint8Array(BigInt64Array.from([BigInt(fill)]).buffer));
    b.add('ConstantOfShape', [b.ints(shape)], { value }, [{ dtype: value.dtype, shape }]);
    return true;
  },
  (b) => {
    const x = b.operand(['int64', 'float32']);
    if (x.shape.length === 0 || x.shape.includes(0)) return false;
    const axis = b.int(0, x.shape.length - 1);
    const keepdims = b.int(0, 1);
    const shape = keepdims ? x.shape.map((d, i) => (i === axis ? 1 : d)) : x.shape.filter((_, i) => i !== axis);
    b.add(b.pick(['ArgMax', 'ArgMin']), [x], { axis, keepdims, select_last_index: b.int(0, 1) }, [{ dtype: 'int64', shape }]);
    return true;
  },
  (b) => {
    const x = b.operand(['int64', 'float32']);
    const ops = ['ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceSumSquare'];
    if (x.dtype === 'float32') ops.push('ReduceL2', 'ReduceLogSumExp');
    const op = b.pick(ops);
    const input = op === 'ReduceProd' || op === 'ReduceLogSumExp' ? bounded(b, x, 3) : x;
    const axes = x.shape.map((_, i) => i).filter(() => b.rnd() < 0.5);
    const keepdims = b.int(0, 1);
    const all = axes.length === 0;
    const shape = x.shape.flatMap((d, i) => (all || axes.includes(i) ? (keepdims ? [1] : []) : [d]));
    const asInput = b.opset >= 18 || op === 'ReduceSum';
    const ins = [input, ...(asInput && !all ? [b.ints(axes)] : [])];
    b.add(op, ins, { keepdims, ...(!asInput && !all ? { axes } : {}) }, [{ dtype: x.dtype, shape }]);
    return true;
  },
  (b) => {
    const x = b.operand(['int64', 'float32']);
    if (x.shape.length === 0 || x.shape.includes(0)) return false;
    const axis = b.int(0, x.shape.length - 1);
    const k = b.int(1, x.shape[axis]);
    const shape = x.shape.map((d, i) => (i === axis ? k : d));
    b.add('TopK', [x, b.ints([k])], { axis, largest: b.int(0, 1), sorted: 1 }, [{ dtype: x.dtype, shape }, { dtype: 'int64', shape }]);
    return true;
  },
  (b) => {
    const x = b.operand(['int64', 'float32']);
    if (x.shape.length === 0 || x.shape.includes(0)) return false;
    const axis = b.int(0, x.shape.length - 1);
    const ishape = x.shape.map((d, i) => (i === axis ? b.int(1, 3) : b.int(1, d)));
    const idx = b.constant('int64', ishape, Array.from({ length: numel(ishape) }, () => b.int(-x.shape[axis], x.shape[axis] - 1)));
    b.add('GatherElements', [x, idx], { axis }, [{ dtype: x.dtype, shape: ishape }]);
    return true;
  },
  (b) => {
    const x = b.operand(['int64', 'float32']);
    if (x.shape.length === 0 || x.shape.includes(0)) return false;
    const m = b.int(1, x.shape.length);
    const lead = b.shape(2);
    const vals = Array.from({ length: numel(lead) }, () => x.shape.slice(0, m).map((d) => b.int(-d, d - 1))).flat();
    const idx = b.constant('int64', [...lead, m], vals);
    b.add('GatherND', [x, idx], {}, [{ dtype: x.dtype, shape: [...lead, ...x.shape.slice(m)] }]);
    return true;
  },
  (b) => {
    // ScatterND with distinct index tuples (repeated ones have no defined order).
    const x = b.operand(['int64', 'float32']);
    if (x.shape.length === 0 || x.shape.includes(0)) return false;
    const m = b.int(1, x.shape.length);
    const tuples = new Map<string, number[]>();
    for (let t = 0; t < b.int(1, 4); t++) {
      const tup = x.shape.slice(0, m).map((d) => b.int(0, d - 1));
      tuples.set(tup.join(','), tup);
    }
    const list = [...tuples.values()];
    const idx = b.constant('int64', [list.length, m], list.flat());
    const upd = b.constant(x.dtype as 'int64', [list.length, ...x.shape.slice(m)]);
    b.add('ScatterND', [x, idx, upd], {}, [{ dtype: x.dtype, shape: x.shape }]);
    return true;
  },
  (b) => {
    const x = b.operand(['int64', 'float32']);
    if (x.shape.length === 0 || x.shape.includes(0)) return false;
    const mode = b.pick(['constant', 'edge', 'reflect']);
    const r = x.shape.length;
    const pads = [...x.shape, ...x.shape].map((d) => (mode === 'reflect' ? b.int(0, d - 1) : b.int(mode === 'constant' ? -1 : 0, 2)))
      .map((p, i) => Math.max(p, -x.shape[i % r] + 1));
    const shape = x.shape.map((d, i) => d + pads[i] + pads[i + r]);
    if (shape.some((d) => d < 1)) return false;
    const ins = [x, b.ints(pads), ...(mode === 'constant' ? [b.scalar(x.dtype as 'int64', b.int(-2, 2))] : [])];
    b.add('Pad', ins, { mode }, [{ dtype: x.dtype, shape }]);
    return true;
  },
  (b) => {
    const x = b.operand(['int64', 'float32', 'bool']);
    b.add('NonZero', [x], {}, [{ dtype: 'int64', shape: [x.shape.length, 0] }]);
    b.pool.pop(); // its length depends on the values, which only the runtime computes here
    return true;
  },
];

/** A random chain of `steps` folded ops; opset 14 (axes as attributes for most Reduce ops) or 18. */
export function constantChain(seed: number, steps: number, opset: number): ChainBuilder {
  const b = new ChainBuilder(seed, opset);
  let made = 0;
  for (let tries = 0; made < steps && tries < steps * 10; tries++) {
    if (b.pick(GENERATORS)(b)) made++;
  }
  return b;
}
