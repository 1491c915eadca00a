import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRow } from './types';

/**
 * Activation cost: require + activate() of the shipped bundle (dist/extension.js) in a fresh
 * Node process with a stand-in `vscode`, against requiring jsonc-parser in the same way.
 * Runs alternate so that machine load affects both alike; the medians are compared.
 * Goal: ≤ 50 ms, so opening VS Code is not slowed by ConvLens.
 */
const ROUNDS = 9;
const GOAL_MS = 50;

function once(which: 'extension' | 'reference'): number {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'activationChild.ts'), which], { encoding: 'utf8' });
  return (JSON.parse(out.trim().split('\n').pop()!) as { ms: number }).ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function run(): Promise<BenchRow[]> {
  const bundle = join(__dirname, '..', 'dist', 'extension.js');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run build first`);
  const ext: number[] = [];
  const ref: number[] = [];
  once('extension'); // first run warms the OS file cache for both
  once('reference');
  for (let i = 0; i < ROUNDS; i++) {
    ext.push(once('extension'));
    ref.push(once('reference'));
  }
  const m = median(ext);
  const r = median(ref);
  return [{
    name: `activation: require + activate dist/extension.js (median of ${ROUNDS} fresh processes)`,
    measured: `${m.toFixed(1)} ms`,
    reference: `require jsonc-parser ${r.toFixed(1)} ms`,
    ratio: m / r,
    goal: `≤ ${GOAL_MS} ms`,
    pass: m <= GOAL_MS,
  }];
}
