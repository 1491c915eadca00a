import { VIRIDIS_LUT } from './colormap';
import { pngDataUrl } from './png';
import { mapView, type HostTensor } from './tensorView';

export interface GridOptions {
  /** Channels drawn (the first ones). */
  maxChannels: number;
  /** Target width of the whole grid in pixels. */
  targetWidth: number;
  /** Gap between tiles in pixels. */
  gap: number;
  channelsLast?: boolean;
  /** First channel drawn (for paging through wide layers). */
  firstChannel?: number;
}

/** A channel grid: where each tile sits, so a viewer can map a click back to (channel, y, x). */
export interface GridImage {
  png: string;
  width: number;
  height: number;
  cols: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
  gap: number;
  firstChannel: number;
  channelsShown: number;
  channels: number;
  /** Size of one channel map in tensor elements. */
  mapHeight: number;
  mapWidth: number;
}

/** Graph nodes draw thumbnails about 40 px square: 64 px leaves room for zoom and high-DPI screens. */
export const THUMBNAIL_GRID: GridOptions = { maxChannels: 16, targetWidth: 64, gap: 1 };

/**
 * Draws the first channels of batch item 0 as a grid of tiles, each channel normalised to its own
 * min..max and coloured with viridis. Maps larger than a tile are box-averaged; smaller ones are
 * enlarged by a whole factor (nearest), so every tensor element stays a crisp square.
 */
export function renderGrid(t: HostTensor, opts: GridOptions): GridImage {
  const v = mapView(t.dims, opts.channelsLast ?? false);
  const first = Math.min(Math.max(0, opts.firstChannel ?? 0), Math.max(0, v.channels - 1));
  const shown = Math.max(1, Math.min(opts.maxChannels, v.channels - first));
  // A map one row high (a 1-D convolution's [N, C, L]) is a strip: the channels are stacked as the rows of
  // one C × L picture, as a sentence's embedding matrix is drawn, so a window is a band across them.
  const strip = t.dims.length >= 3 && v.height === 1 && v.width > 1;
  const cols = strip ? 1 : Math.ceil(Math.sqrt(shown));
  const rows = Math.ceil(shown / cols);
  const target = Math.max(4, Math.floor((opts.targetWidth - opts.gap * (cols - 1)) / cols));
  let scale = strip ? target / v.width : Math.min(target / v.width, target / v.height);
  if (scale >= 1) scale = Math.floor(scale);
  const tileW = Math.max(1, Math.round(v.width * scale));
  const tileH = strip ? Math.max(3, Math.min(12, Math.round(scale))) : Math.max(1, Math.round(v.height * scale));
  const width = cols * tileW + (cols - 1) * opts.gap;
  const height = rows * tileH + (rows - 1) * opts.gap;
  const rgba = new Uint8Array(width * height * 4); // gaps stay transparent
  const xb = boxes(v.width, tileW);
  const yb = boxes(v.height, tileH);
  // Element (y, x) of channel c sits at base(c) + (y * width + x) * step: channels-first maps are
  // contiguous (step 1), channels-last ones interleaved (step = channels). Direct indexing keeps a
  // ResNet-50's 150-odd thumbnails within a few hundred milliseconds.
  const step = v.channelsLast ? v.channels : 1;
  const plane = v.height * v.width;
  const partial = v.valid < plane; // a vector laid out as a block may leave the last row short
  const data = t.data;
  for (let k = 0; k < shown; k++) {
    const c = first + k;
    const base = v.index(c, 0, 0);
    let min = Infinity, max = -Infinity;
    const end = base + v.valid * step;
    for (let i = base; i < end; i += step) {
      const val = data[i];
      if (val < min) min = val;
      if (val > max) max = val;
    }
    const range = max > min ? 255 / (max - min) : 0;
    const ox = (k % cols) * (tileW + opts.gap);
    const oy = Math.floor(k / cols) * (tileH + opts.gap);
    for (let ty = 0; ty < tileH; ty++) {
      const ys = yb.start[ty], ye = yb.end[ty];
      let o = ((oy + ty) * width + ox) * 4;
      for (let tx = 0; tx < tileW; tx++, o += 4) {
        const xs = xb.start[tx], xe = xb.end[tx];
        let sum = 0, n = 0;
        for (let y = ys; y < ye; y++) {
          const row = base + y * v.width * step;
          for (let x = xs; x < xe; x++) {
            if (partial && y * v.width + x >= v.valid) continue;
            sum += data[row + x * step];
            n++;
          }
        }
        if (n === 0) continue;
        const li = Math.max(0, Math.min(255, Math.round((sum / n - min) * range))) * 3;
        rgba[o] = VIRIDIS_LUT[li];
        rgba[o + 1] = VIRIDIS_LUT[li + 1];
        rgba[o + 2] = VIRIDIS_LUT[li + 2];
        rgba[o + 3] = 255;
      }
    }
  }
  return {
    png: pngDataUrl(width, height, rgba), width, height, cols, rows, tileWidth: tileW, tileHeight: tileH, gap: opts.gap,
    firstChannel: first, channelsShown: shown, channels: v.channels, mapHeight: v.height, mapWidth: v.width,
  };
}

/** Source range [start, end) of each of `tiles` output cells: a box when shrinking, one element when enlarging. */
function boxes(size: number, tiles: number): { start: Int32Array; end: Int32Array } {
  const start = new Int32Array(tiles);
  const end = new Int32Array(tiles);
  for (let i = 0; i < tiles; i++) {
    start[i] = Math.min(size - 1, Math.floor((i * size) / tiles));
    end[i] = Math.max(start[i] + 1, Math.min(size, Math.floor(((i + 1) * size) / tiles)));
  }
  return { start, end };
}
