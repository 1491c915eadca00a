import type { Arithmetic, OutputAt } from '../../../src/runtime/arithmetic/types';
import { ARITHMETIC_OPS } from '../../../src/runtime/arithmetic/types';
import type { TensorDetail } from '../../../src/runtime/types';
import type { GridView } from '../grid';
import { ArithmeticPlayer, outputAt, type OutputMap } from './player';

export type FetchArithmetic = (nodeId: string, at: OutputAt) => Promise<Arithmetic>;

/**
 * Makes the output grid of a Conv, pooling, Gemm/MatMul or BatchNormalization layer clickable for the
 * arithmetic of the clicked value, with the window animation; the window is outlined on the input grid
 * (Step mode) as it slides. Null for other layers.
 */
export function attachArithmetic(out: { d: TensorDetail; g: GridView }, nodeId: string, opType: string, fetch: FetchArithmetic, input?: GridView): HTMLElement | null {
  if (!ARITHMETIC_OPS.has(opType)) return null;
  // A vector output (Gemm, MatMul, an activation after them) is drawn as one map, row by row.
  const vector = out.d.shape.length <= 2;
  // [N, C, L]: a 1-D convolution's output, drawn as one strip per channel (src/runtime/grid.ts).
  const spatial = out.d.shape.length === 3 ? 1 : 2;
  const map: OutputMap = { nodeId, height: out.d.grid.mapHeight, width: out.d.grid.mapWidth, vector, spatial, valid: vector ? out.d.shape[out.d.shape.length - 1] : out.d.grid.mapHeight * out.d.grid.mapWidth };
  const player = new ArithmeticPlayer(map, fetch, (a) => {
    const axes = a.axes?.slice(-2);
    if (input && axes && axes.length === spatial) {
      input.highlightAxes(axes.map((ax) => ({ start: Math.max(0, ax.span[0]), end: Math.min(ax.size - 1, ax.span[ax.span.length - 1]) })));
    }
    const [y, x] = vector ? [Math.floor(a.at.channel / map.width), a.at.channel % map.width] : spatial === 1 ? [0, a.at.pos[0]] : a.at.pos;
    out.g.highlight({ y0: y, y1: y, x0: x, x1: x });
  });
  out.g.root.classList.add('clickable');
  out.g.root.addEventListener('click', (ev) => {
    const hit = out.g.hit(ev);
    const at = hit ? outputAt(map, hit) : null;
    if (at) void player.show(at);
  });
  return player.root;
}
