/**
 * Long main-thread work (measuring 50,000 boxes) cut into slices, so the page keeps answering input
 * and painting while a large graph is prepared: each slice runs until its time budget is spent, then
 * the page gets a turn. `scheduler.yield` (Chromium) resumes right after that turn; elsewhere a
 * zero timeout does.
 */
export const SLICE_MS = 40;

export function yieldToPage(): Promise<void> {
  const s = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  return s?.yield ? s.yield() : new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * `f(i)` for i in [0, n), in slices of about SLICE_MS; false when `live()` turned false between
 * slices (a newer graph was asked for), and the rest is not worth doing.
 */
export async function forEachSliced(n: number, f: (i: number) => void, live: () => boolean): Promise<boolean> {
  let start = performance.now();
  for (let i = 0; i < n; i++) {
    f(i);
    if ((i & 63) === 63 && performance.now() - start > SLICE_MS) {
      await yieldToPage();
      if (!live()) return false;
      start = performance.now();
    }
  }
  return true;
}

/**
 * Runs `steps` to its end, giving the page a turn whenever a slice of about SLICE_MS is spent at one of
 * its yields; null when `live()` turned false meanwhile.
 */
export async function runSliced<T>(steps: Generator<void, T>, live: () => boolean): Promise<T | null> {
  let start = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - start > SLICE_MS) {
      await yieldToPage();
      if (!live()) return null;
      start = performance.now();
    }
  }
}
