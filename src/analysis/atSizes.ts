import type { InputDim } from './inputDims';
import type { Analysis, NodeFigures } from './types';

/**
 * The figures of a model whose shapes stay symbolic, taken at stated input sizes: the analysis is
 * run a second time with those sizes as concrete input shapes and its numbers replace the
 * symbolic pass's (which count every symbolic dim as 1). The shapes, formulas and lints shown stay
 * the symbolic pass's; what the concrete pass could not infer is reported, so a partial figure is
 * never silent.
 */

/** A symbolic dim that is one of the input dims itself (not an expression built from them). */
const BARE = /^(?:[A-Za-z_][A-Za-z0-9_.:]*|\?)$/;

/**
 * True when counting every symbolic dim as 1 already gives the figures at `dims`: every size is 1,
 * every symbolic dim of every tensor is a bare name (no 'N*2' that is 2 at N=1), and no subgraph
 * hides tensors this cannot see. The common case (a symbolic batch) then needs no second pass.
 */
export function exactWithSymbolsAsOne(a: Analysis, dims: readonly InputDim[]): boolean {
  for (const d of dims) if (d.value !== 1) return false;
  for (const n of a.nodeById.values()) if (n.subgraphs) return false;
  for (const t of a.tensors.values()) {
    if (!t.shape) continue;
    for (const d of t.shape) if (typeof d !== 'number' && !BARE.test(String(d))) return false;
  }
  return true;
}

/** Replaces `a`'s figures with `concrete`'s (same model, inputs at `dims`). */
export function takeFiguresOf(a: Analysis, concrete: Analysis, dims: readonly InputDim[]): void {
  for (const [id, sym] of a.nodes) {
    const c = concrete.nodes.get(id);
    if (c) a.nodes.set(id, withFiguresOf(sym, c));
  }
  a.totals = { ...concrete.totals };
  for (const [name, t] of a.tensors) {
    const c = concrete.tensors.get(name);
    if (c) t.bytes = c.bytes;
  }
  const known = new Set(a.warnings.map((w) => `${w.kind}\u0000${w.node}`));
  const at = dims.map((d) => `${d.name}=${d.value}`).join(', ');
  for (const w of concrete.warnings) {
    if (w.kind !== 'cannot-infer' && w.kind !== 'kernel-too-large' && w.kind !== 'unknown-figures') continue;
    if (known.has(`${w.kind}\u0000${w.node}`)) continue;
    a.warnings.push({ ...w, message: `at ${at}: ${w.message}` });
  }
}

/** The symbolic node's formulas (lazily written) with the concrete node's numbers. */
function withFiguresOf(sym: NodeFigures, c: NodeFigures): NodeFigures {
  return {
    id: sym.id,
    params: c.params,
    macs: c.macs,
    activationBytes: c.activationBytes,
    buffers: c.buffers,
    get window() {
      return sym.window;
    },
    get formulas(): string[] | undefined {
      return sym.formulas;
    },
  };
}
