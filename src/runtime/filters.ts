import { VIRIDIS_LUT } from './colormap';
import { pngDataUrl } from './png';
import type { HostTensor } from './tensorView';

export interface FilterImage {
  tensor: string;
  png: string;
  shape: number[];
  /** 'rgb' when the filters read three channels and are drawn as colour patches. */
  mode: 'rgb' | 'viridis';
}

/**
 * Draws a first convolution's filters [Cout, Cin, kH, kW] as patches: with three input channels as RGB
 * (each filter scaled so that 0 is mid-grey and its largest |weight| reaches 0 or 255), otherwise the first
 * input channel in viridis. Each weight becomes a square of `cell` pixels.
 */
export function renderFilters(w: HostTensor, maxFilters = 64): FilterImage | null {
  if (w.dims.length !== 4) return null;
  const [cout, cin, kh, kw] = w.dims;
  const n = Math.min(cout, maxFilters);
  const cols = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const cell = Math.max(1, Math.floor(16 / Math.max(kh, kw)));
  const gap = 1;
  const tw = kw * cell, th = kh * cell;
  const width = cols * tw + (cols - 1) * gap;
  const height = rows * th + (rows - 1) * gap;
  const rgba = new Uint8Array(width * height * 4);
  const rgb = cin === 3;
  const per = cin * kh * kw;
  for (let f = 0; f < n; f++) {
    const base = f * per;
    let maxAbs = 0, min = Infinity, max = -Infinity;
    const used = rgb ? per : kh * kw;
    for (let i = 0; i < used; i++) {
      const v = w.data[base + i];
      maxAbs = Math.max(maxAbs, Math.abs(v));
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    const ox = (f % cols) * (tw + gap);
    const oy = Math.floor(f / cols) * (th + gap);
    for (let y = 0; y < kh; y++) {
      for (let x = 0; x < kw; x++) {
        const px: number[] = [];
        if (rgb) {
          for (let c = 0; c < 3; c++) px.push(maxAbs > 0 ? Math.round(127.5 + (127.5 * w.data[base + c * kh * kw + y * kw + x]) / maxAbs) : 128);
        } else {
          const t = max > min ? (w.data[base + y * kw + x] - min) / (max - min) : 0;
          const li = Math.round(t * 255) * 3;
          px.push(VIRIDIS_LUT[li], VIRIDIS_LUT[li + 1], VIRIDIS_LUT[li + 2]);
        }
        for (let dy = 0; dy < cell; dy++) for (let dx = 0; dx < cell; dx++) {
          const o = ((oy + y * cell + dy) * width + ox + x * cell + dx) * 4;
          rgba[o] = px[0]; rgba[o + 1] = px[1]; rgba[o + 2] = px[2]; rgba[o + 3] = 255;
        }
      }
    }
  }
  return { tensor: w.name, png: pngDataUrl(width, height, rgba), shape: w.dims, mode: rgb ? 'rgb' : 'viridis' };
}
