import type { Dim, Graph, ModelFormat, Shape } from '../ir/types';
import { dimExpr, dimSymbols, exprDim, mul, renameDim } from './dims';
import { commonFactor } from './symbolic/expr';

/**
 * Short names for symbolic dims that are long or machine-made ('p2o.DynamicDimension.1',
 * 'unk__123', 'nnz__model_NonZero_output_0'): N, H, W (D) where the dim's place in a graph input
 * says which, else d1, d2…; data-dependent sizes keep their kind (nnz1, range1). Chosen once per
 * analysis (Analysis.dimAliases); the CLI, the JSON and the graph print shapes through them and
 * show the legend.
 *
 * A derived dim still longer than MAX_DIM_CHARS once its symbols are renamed (the anchor count of
 * a detector's concatenated heads, '3*ceil(H/8)*ceil(W/8)+2*ceil(H/16)*…') has no exact short
 * spelling; it is printed as e1, e2… (keyed by its canonical text, so one value is one alias), with
 * a common monomial factor kept outside ('N*e1'), and the legend gives the whole expression. The
 * JSON and every computation keep the canonical text; only the printed form is shortened.
 */

/** The longest a printed dim may be before it gets a derived alias. */
export const MAX_DIM_CHARS = 40;

/** A name a reader takes in at a glance: a short word, not a generated one. */
function readable(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]*$/.test(name) && name.length <= 16 && !/^unk_|__|\d{3,}|^(dim|dynamic)/i.test(name);
}

const FRESH = /^(nnz|range|trips|if\d+)_/;

/** What a dim at this axis of a graph input is, by layout: batch, depth, height or width. */
function placeName(axis: number, rank: number, channelsLast: boolean): string | null {
  if (axis === 0 && rank >= 2) return 'N';
  if (rank < 3) return null;
  const spatial = channelsLast ? axis - 1 : axis - 2;
  const nsp = rank - 2;
  if (spatial < 0 || spatial >= nsp) return null;
  return (nsp === 1 ? ['W'] : nsp === 2 ? ['H', 'W'] : nsp === 3 ? ['D', 'H', 'W'] : [])[spatial] ?? null;
}

/** Original name → alias, for every symbol in the shapes that needs one. */
export function chooseAliases(graph: Graph, format: ModelFormat, shapes: Iterable<Shape | null | undefined>): Map<string, string> {
  const all = [...graph.inputs.map((v) => v.shape), ...shapes];
  const seen: string[] = [];
  const known = new Set<string>();
  const note = (d: Dim): void => {
    if (typeof d !== 'string') return;
    for (const s of dimSymbols(d)) {
      if (!known.has(s)) {
        known.add(s);
        seen.push(s);
      }
    }
  };
  for (const s of all) s?.forEach(note);
  const out = new Map<string, string>();
  const taken = new Set(seen.filter(readable));
  const give = (name: string, alias: string): void => {
    out.set(name, alias);
    taken.add(alias);
  };
  const channelsLast = format === 'keras' || format === 'tfjs';
  for (const v of graph.inputs) {
    v.shape?.forEach((d, axis) => {
      if (typeof d !== 'string' || readable(d) || out.has(d) || dimSymbols(d).length !== 1 || dimSymbols(d)[0] !== d) return;
      const place = placeName(axis, v.shape!.length, channelsLast);
      if (place && !taken.has(place)) give(d, place);
    });
  }
  const counters = new Map<string, number>();
  const next = (prefix: string): string => {
    let k = counters.get(prefix) ?? 0;
    let alias: string;
    do alias = `${prefix}${++k}`;
    while (taken.has(alias) || known.has(alias));
    counters.set(prefix, k);
    return alias;
  };
  for (const s of seen) {
    if (out.has(s) || readable(s)) continue;
    const fresh = FRESH.exec(s);
    give(s, next(fresh ? fresh[1].replace(/\d+$/, '') : 'd'));
  }
  for (const shape of all) {
    for (const d of shape ?? []) {
      if (typeof d !== 'string' || out.has(d) || String(displayDim(d, out)).length <= MAX_DIM_CHARS) continue;
      // Alias the sum left after a common factor when that prints short ('N*e1'), else the whole dim.
      const split = factored(d);
      if (split && out.has(split.rest)) {
        if (String(displayDim(d, out)).length > MAX_DIM_CHARS) give(d, next('e'));
        continue;
      }
      const alias = next('e');
      if (split) give(split.rest, alias);
      if (String(displayDim(d, out)).length <= MAX_DIM_CHARS) continue;
      if (split) out.delete(split.rest);
      give(d, alias);
    }
  }
  return out;
}

/** d as a monomial factor times a sum of several terms, both as dims; null when there is none. */
function factored(d: string): { factor: Dim; rest: string } | null {
  const s = dimExpr(d);
  const split = s && commonFactor(s);
  if (!split || split.rest.terms.length + (split.rest.c !== 0 ? 1 : 0) < 2) return null;
  return { factor: exprDim(split.factor), rest: split.rest.text };
}

/** A dim as the user reads it: its symbols by their aliases. */
export function displayDim(d: Dim, aliases: ReadonlyMap<string, string> | undefined): Dim {
  if (!aliases || aliases.size === 0 || typeof d !== 'string') return d;
  const whole = aliases.get(d);
  if (whole !== undefined) return whole;
  const named = renameDim(d, aliases);
  if (String(named).length <= MAX_DIM_CHARS) return named;
  const split = factored(d);
  const rest = split ? aliases.get(split.rest) : undefined;
  return split && rest !== undefined ? mul(renameDim(split.factor, aliases), rest) : named;
}

export function displayShape(shape: Shape, aliases: ReadonlyMap<string, string> | undefined): Shape;
export function displayShape(shape: Shape | null, aliases: ReadonlyMap<string, string> | undefined): Shape | null;
export function displayShape(shape: Shape | null, aliases: ReadonlyMap<string, string> | undefined): Shape | null {
  if (!shape || !aliases || aliases.size === 0) return shape;
  return shape.map((d) => displayDim(d, aliases));
}

/** Alias → original name, in the order the aliases were given (for legends and JSON). */
export function aliasLegend(aliases: ReadonlyMap<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, alias] of aliases ?? []) out[alias] = name;
  return out;
}

/** 'H = p2o.DynamicDimension.0, W = p2o.DynamicDimension.1, e1 = 3*ceil(H/8)*…' (a derived
 * alias spelled with the other aliases), or '' when no dim has an alias. */
export function legendText(aliases: ReadonlyMap<string, string> | undefined): string {
  return legendEntries(aliases).map(([alias, text]) => `${alias} = ${text}`).join(', ');
}

/** [alias, what it stands for] as a legend prints it: a name as it is, a derived dim in the other aliases. */
export function legendEntries(aliases: ReadonlyMap<string, string> | undefined): [string, string][] {
  return [...(aliases ?? [])].map(([name, alias]) => [alias, String(dimSymbols(name)[0] === name ? name : renameDim(name, aliases!))]);
}
