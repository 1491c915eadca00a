// Runs the three test layers and ends with one line: `N passed, N failed` (`, N skipped` when any).
//   node scripts/test-all.mjs                 # unit, webview, e2e (build + package before e2e)
//   node scripts/test-all.mjs --layer unit    # one layer (repeatable)
//   node scripts/test-all.mjs --no-package    # e2e against the VSIX already in dist/
//   node scripts/test-all.mjs --no-build      # use dist/ as it is
//   node scripts/test-all.mjs --typecheck     # also tsc --noEmit (strict), counted as one test (CI)
// Exits non-zero on any failure, and when a runner dies without reporting (counted as one failure).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const chosen = args.flatMap((a, i) => (a === '--layer' ? [args[i + 1]] : []));
const LAYERS = [
  { name: 'unit', dir: 'test/unit', concurrency: 2 },
  { name: 'webview', dir: 'test/webview', concurrency: 1 },
  { name: 'e2e', dir: 'test/e2e', concurrency: 1, before: prepareE2e },
];
const layers = chosen.length ? LAYERS.filter((l) => chosen.includes(l.name)) : LAYERS;
if (chosen.some((c) => !LAYERS.some((l) => l.name === c))) {
  console.error(`unknown layer in ${chosen.join(', ')} (layers: ${LAYERS.map((l) => l.name).join(', ')})`);
  process.exit(2);
}

/** Test files under `dir`, sorted (Node 20's test runner does not expand globs itself). */
function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join(dir, f))
    .sort();
}

function prepareE2e() {
  if (args.includes('--no-package')) return true;
  console.log('\n[test-all] e2e: build and package the VSIX');
  const r = spawnSync(process.execPath, ['scripts/package.mjs', '--no-build'], { stdio: 'inherit' });
  return r.status === 0;
}

/** Totals from the TAP summary lines `# pass N`, `# fail N`, ... */
export function parseTap(text) {
  const get = (k) => Number(text.match(new RegExp(`^# ${k} (\\d+)$`, 'm'))?.[1] ?? 0);
  return { pass: get('pass'), fail: get('fail'), cancelled: get('cancelled'), skipped: get('skipped'), todo: get('todo'), tests: get('tests') };
}

// Every layer tests the built bundles (the unit layer activates dist/extension.js); esbuild takes seconds.
if (!args.includes('--no-build')) {
  console.log('[test-all] build');
  if (spawnSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' }).status !== 0) {
    console.log('build failed\n0 passed, 1 failed');
    process.exit(1);
  }
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
if (args.includes('--typecheck')) {
  console.log('[test-all] typecheck (tsc --noEmit)');
  const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.', '--noEmit'], { stdio: 'inherit' });
  if (r.status === 0) totals.passed += 1;
  else totals.failed += 1;
  lines.push(`typecheck: ${r.status === 0 ? 'clean' : 'errors (see above), counted as 1 failure'}`);
}
const work = mkdtempSync(join(tmpdir(), 'convlens-test-'));
try {
  for (const layer of layers) {
    const files = testFiles(layer.dir);
    if (files.length === 0) {
      lines.push(`${layer.name}: no test files under ${layer.dir}`);
      continue;
    }
    console.log(`\n[test-all] ${layer.name}: ${files.length} file(s)`);
    if (layer.before && !layer.before()) {
      totals.failed += 1;
      lines.push(`${layer.name}: preparation failed (see above), tests not run`);
      continue;
    }
    const tap = join(work, `${layer.name}.tap`);
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--test', `--test-concurrency=${layer.concurrency}`,
        '--test-reporter=spec', '--test-reporter-destination=stdout',
        '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
      { stdio: 'inherit' },
    );
    const t = existsSync(tap) ? parseTap(readFileSync(tap, 'utf8')) : null;
    if (!t || t.tests === 0) {
      totals.failed += 1;
      lines.push(`${layer.name}: the runner reported nothing (exit ${r.status ?? r.signal}), counted as 1 failure`);
      continue;
    }
    const failed = t.fail + t.cancelled;
    totals.passed += t.pass;
    totals.failed += failed;
    totals.skipped += t.skipped + t.todo;
    if (r.status !== 0 && failed === 0) {
      totals.failed += 1;
      lines.push(`${layer.name}: runner exited ${r.status} with no failing test, counted as 1 failure`);
    }
    lines.push(`${layer.name}: ${t.pass} passed, ${failed} failed${t.skipped + t.todo ? `, ${t.skipped + t.todo} skipped` : ''}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const started = Number(process.env.CONVLENS_CI_STARTED ?? 0);
if (started) lines.push(`time since .ci/run started: ${Math.round(Date.now() / 1000 - started)} s`);
console.log('\n' + lines.join('\n'));
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed > 0 ? 1 : 0);
