/**
 * Geometry of a sliding-window layer (convolution or pooling) along the spatial axes, enough to map an
 * output pixel back to the input pixels it reads. Pure data: the feature-map webview imports it too.
 */
export interface WindowGeometry {
  kernel: number[];
  strides: number[];
  /** Padding before each spatial axis (top, left). */
  padsBegin: number[];
  padsEnd: number[];
  dilations: number[];
}

/** Inclusive input ranges [start, end] per spatial axis read by output position `pos`, clipped to the input. */
export function inputWindow(g: WindowGeometry, pos: number[], inputSize: number[]): { start: number; end: number }[] {
  return pos.map((p, i) => {
    const start = p * g.strides[i] - g.padsBegin[i];
    const end = start + g.dilations[i] * (g.kernel[i] - 1);
    return { start: Math.max(0, start), end: Math.min(inputSize[i] - 1, end) };
  });
}

/** ONNX output size of one axis: ⌊(in + pb + pe − d·(k−1) − 1) / s⌋ + 1 (⌈…⌉ with ceil_mode). */
export function outputSize(input: number, k: number, s: number, pb: number, pe: number, d: number, ceil = false): number {
  const span = input + pb + pe - d * (k - 1) - 1;
  return (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
}

/** Padding implied by auto_pad SAME_UPPER / SAME_LOWER for one axis: [begin, end]. */
export function samePads(input: number, k: number, s: number, d: number, lower: boolean): [number, number] {
  const out = Math.ceil(input / s);
  const total = Math.max(0, (out - 1) * s + d * (k - 1) + 1 - input);
  const small = Math.floor(total / 2);
  return lower ? [total - small, small] : [small, total - small];
}
