/**
 * Peak memory of reading + analysing one model, measured in a fresh process: prints
 * { baselineRss, peakRss } in bytes. baseline = resident size after loading the code (before the
 * file is touched); peak = the process' high-water resident size after the work.
 *
 * On Linux the peak is VmHWM from /proc/self/status, not getrusage's maxRSS: Linux keeps ru_maxrss
 * across execve, so a child spawned by a big parent (the benchmark holds ORT sessions and 100 MB
 * buffers) would report the parent's peak. VmHWM belongs to the new address space.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readModelFile } from '../src/formats/index';
import { analyze } from '../src/analysis/analyze';

function highWater(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch { /* not Linux */ }
  return process.resourceUsage().maxRSS * 1024;
}

async function main(): Promise<void> {
  const path = process.argv[2];
  globalThis.gc?.();
  // Reset the high-water mark to now (Linux 4.0+), so start-up (loading and compiling the code) is not counted.
  try { writeFileSync('/proc/self/clear_refs', '5'); } catch { /* not Linux, or not allowed */ }
  const baselineRss = process.memoryUsage().rss;
  const model = await readModelFile(path);
  const analysis = analyze(model);
  const peakRss = highWater();
  process.stdout.write(`${JSON.stringify({ baselineRss, peakRss, params: analysis.totals.params, nodes: model.graph.nodes.length })}\n`);
}

void main();
