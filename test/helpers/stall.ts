import { performance } from 'node:perf_hooks';

/**
 * Runs `work` while a timer ticks every 5 ms on this thread, standing in for the extension host's event
 * loop. The stall is the longest time the loop was busy between two ticks (event-loop utilisation's
 * active time, so time this thread merely waited for a CPU on a loaded machine does not count);
 * `gapMs` is the longest wall-clock gap between ticks, for comparison.
 */
export async function withTicker<T>(work: () => Promise<T>): Promise<{ value: T; stallMs: number; gapMs: number; millis: number }> {
  let last = performance.now();
  let elu = performance.eventLoopUtilization();
  let stall = 0;
  let gap = 0;
  const sample = () => {
    const now = performance.now();
    const d = performance.eventLoopUtilization(elu);
    elu = performance.eventLoopUtilization();
    stall = Math.max(stall, d.active);
    gap = Math.max(gap, now - last);
    last = now;
  };
  const tick = setInterval(sample, 5);
  const t0 = performance.now();
  try {
    const value = await work();
    const millis = performance.now() - t0;
    // Ticks after the reply arrived: receiving it must not stall either.
    await new Promise((r) => setTimeout(r, 30));
    sample();
    return { value, stallMs: stall, gapMs: Math.max(0, gap - 5), millis };
  } finally {
    clearInterval(tick);
  }
}
