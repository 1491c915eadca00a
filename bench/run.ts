import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchModule, BenchRow } from './types';

/**
 * Runs every bench/*.bench.ts in turn (or those whose name contains an argument), prints one
 * Markdown table and writes it to bench/results/latest.md. Exits 1 when a goal is missed or a
 * benchmark throws (the table says which).
 */
async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
  const rows: BenchRow[] = [];
  for (const f of files) {
    process.stderr.write(`[bench] ${f}\n`);
    try {
      const mod = require(join(__dirname, f)) as BenchModule;
      rows.push(...(await mod.run()));
    } catch (e) {
      rows.push({ name: `${f} failed: ${e instanceof Error ? e.message : String(e)}`, measured: '-', reference: '-', ratio: NaN, goal: '-', pass: false });
    }
  }
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const table = [
    '| name | measured | reference | ratio | goal | pass |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${cell(r.name)} | ${cell(r.measured)} | ${cell(r.reference)} | ${Number.isFinite(r.ratio) ? r.ratio.toFixed(2) + '×' : '-'} | ${cell(r.goal)} | ${r.pass ? 'yes' : '**no**'} |`),
  ].join('\n');
  console.log(table);
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', 'latest.md'), `# Benchmarks (${new Date().toISOString()}, Node ${process.version}, ${process.platform}-${process.arch})\n\n${table}\n`);
  if (rows.some((r) => !r.pass)) process.exitCode = 1;
}

void main();
