/**
 * Scope groups in the layout: each node's path of expanded groups (outermost first), from the
 * flat `groupOf` / `groupParent` arrays of the layout input. Used to keep the layers of sibling
 * groups apart (a group starts below every sibling group that feeds it) and to leave room for
 * the frames' headers and padding between layers.
 */
export const FRAME_PAD = 8;
export const FRAME_HEADER = 18;

export class GroupPaths {
  readonly count: number;
  private readonly paths: Int32Array[];
  private readonly empty = new Int32Array(0);

  constructor(n: number, groupOf: Int32Array | undefined, groupParent: Int32Array | undefined) {
    this.count = groupParent?.length ?? 0;
    const byGroup: Int32Array[] = [];
    const pathOfGroup = (g: number): Int32Array => {
      if (byGroup[g]) return byGroup[g];
      const chain: number[] = [];
      for (let k = g, guard = 0; k >= 0 && guard <= this.count; k = groupParent![k], guard++) chain.push(k);
      return (byGroup[g] = Int32Array.from(chain.reverse()));
    };
    this.paths = [];
    for (let v = 0; v < n; v++) this.paths.push(groupOf && groupOf[v] >= 0 && this.count ? pathOfGroup(groupOf[v]) : this.empty);
  }

  path(v: number): Int32Array {
    return this.paths[v];
  }

  /** The first depth at which the paths of u and v differ (their groups there, -1 where a path ends). */
  split(u: number, v: number): { gu: number; gv: number } {
    const a = this.paths[u];
    const b = this.paths[v];
    let d = 0;
    while (d < a.length && d < b.length && a[d] === b[d]) d++;
    return { gu: d < a.length ? a[d] : -1, gv: d < b.length ? b[d] : -1 };
  }
}

/**
 * Positions of the layers along the layout's axis (the centre of each layer's band): each band as
 * thick as its thickest box, the gap after it, plus, before a layer, a header and padding for each
 * frame that starts there (nested frames stack), and after it padding for each that ends there.
 */
export function layerOffsets(maxLayer: number, layer: Int32Array, groups: GroupPaths, lo: Int32Array, hi: Int32Array, band: Float64Array, gapAfter: Float64Array): { y: Float64Array; bottom: number } {
  const starts = new Int32Array(maxLayer + 1);
  const ends = new Int32Array(maxLayer + 1);
  for (let v = 0; v < layer.length; v++) {
    const p = groups.path(v);
    let s = 0;
    let e = 0;
    for (const g of p) {
      if (lo[g] === layer[v]) s++;
      if (hi[g] === layer[v]) e++;
    }
    starts[layer[v]] = Math.max(starts[layer[v]], s);
    ends[layer[v]] = Math.max(ends[layer[v]], e);
  }
  const y = new Float64Array(maxLayer + 1);
  let acc = starts[0] * (FRAME_PAD + FRAME_HEADER) + band[0] / 2;
  for (let l = 0; l <= maxLayer; l++) {
    if (l > 0) acc += band[l - 1] / 2 + gapAfter[l - 1] + ends[l - 1] * FRAME_PAD + starts[l] * (FRAME_PAD + FRAME_HEADER) + band[l] / 2;
    y[l] = acc;
  }
  return { y, bottom: ends[maxLayer] * FRAME_PAD };
}
