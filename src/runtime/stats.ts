import { binCounts } from '../analysis/weights/stats';
import { mapView, type HostTensor } from './tensorView';

export interface ChannelStats {
  min: number;
  max: number;
  mean: number;
  /** Fraction of values that are exactly zero (dead ReLU units show up here). */
  zeros: number;
}

export interface Histogram {
  min: number;
  max: number;
  counts: number[];
}

/** Statistics of each channel of batch item 0 (see mapView for what a channel is). */
export function channelStats(t: HostTensor, channelsLast = false): ChannelStats[] {
  const v = mapView(t.dims, channelsLast);
  const out: ChannelStats[] = [];
  for (let c = 0; c < v.channels; c++) {
    let min = Infinity, max = -Infinity, sum = 0, zeros = 0, n = 0;
    for (let y = 0; y < v.height; y++) {
      for (let x = 0; x < v.width; x++) {
        if (y * v.width + x >= v.valid) break;
        const val = t.data[v.index(c, y, x)];
        if (val < min) min = val;
        if (val > max) max = val;
        sum += val;
        if (val === 0) zeros++;
        n++;
      }
    }
    out.push({ min, max, mean: n ? sum / n : NaN, zeros: n ? zeros / n : 0 });
  }
  return out;
}

/** Statistics over the whole tensor. */
export function tensorStats(data: Float32Array): ChannelStats {
  let min = Infinity, max = -Infinity, sum = 0, zeros = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    if (v === 0) zeros++;
  }
  return { min, max, mean: data.length ? sum / data.length : NaN, zeros: data.length ? zeros / data.length : 0 };
}

/** Histogram with `bins` equal bins from min to max (the max value falls in the last bin). */
export function histogram(data: Float32Array, bins = 32, range?: { min: number; max: number }): Histogram {
  const { min, max } = range ?? tensorStats(data);
  if (!(max > min)) {
    // A constant map (or an empty range): every value in the first bin, whatever it is.
    const counts = new Array<number>(bins).fill(0);
    if (data.length) counts[0] = data.length;
    return { min, max, counts };
  }
  return { min, max, counts: binCounts(data, min, max, bins) };
}
