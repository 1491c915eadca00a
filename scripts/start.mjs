// Quick start: install, build, package, then open ConvLens on the bundled samples.
//   npm start            (works on a fresh clone: this script needs nothing from node_modules)
// Desktop VS Code (`code` on PATH): runs the extension from this folder with the samples open.
// Otherwise: a local code-server (installed once into ~/.cache/convlens by scripts/setup-code-server.sh)
// on 127.0.0.1 with the VSIX installed and the samples open; prints its URL; Ctrl+C stops it.
// Environment: CONVLENS_PORT (default 8080, or the next free port), CONVLENS_NO_OPEN=1 (package only),
// CONVLENS_NO_DESKTOP=1 (use code-server even when `code` is on PATH),
// CONVLENS_START_PROFILE (code-server's user-data and extensions folder, default ~/.cache/convlens/start-profile).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const samples = join(root, 'media', 'samples');
const sample = join(samples, 'mnist_c_cxx.onnx');
const log = (m) => console.log(`[start] ${m}`);
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    console.error(`[start] failed: ${cmd} ${args.join(' ')} (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
};
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// 1. Dependencies, when missing or older than the lock file.
const installed = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(join(root, 'package-lock.json')).mtimeMs) {
  log('installing dependencies (npm ci)');
  run(npm, ['ci', '--no-audit', '--no-fund'], { shell: process.platform === 'win32' });
}

// 2. Build and package for this platform.
run(process.execPath, ['scripts/package.mjs']);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsix = join(root, 'dist', `${pkg.name}-${process.platform}-${process.arch}-${pkg.version}.vsix`);
log(`packaged ${vsix}`);
if (process.env.CONVLENS_NO_OPEN) process.exit(0);

// 3a. Desktop VS Code.
const code = spawnSync(process.platform === 'win32' ? 'where' : 'which', ['code'], { encoding: 'utf8' });
if (code.status === 0 && code.stdout.trim() && !process.env.CONVLENS_NO_DESKTOP) {
  log('opening VS Code with ConvLens from this folder on the samples');
  run('code', ['--extensionDevelopmentPath', root, samples, sample], { shell: process.platform === 'win32' });
  process.exit(0);
}

// 3b. code-server in this machine's browser.
if (process.platform !== 'linux') {
  console.error('[start] `code` is not on PATH. Install VS Code, or install the VSIX above with "Extensions: Install from VSIX…".');
  process.exit(1);
}
log('`code` is not on PATH: using code-server (installed once, about 6 minutes)');
const csDir = execFileSync('bash', [join(root, 'scripts', 'setup-code-server.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
const node = join(csDir, 'node');
const entry = join(csDir, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const profile = process.env.CONVLENS_START_PROFILE ?? join(process.env.CONVLENS_CACHE ?? join(homedir(), '.cache', 'convlens'), 'start-profile');
const dirs = ['--user-data-dir', join(profile, 'user-data'), '--extensions-dir', join(profile, 'extensions')];
mkdirSync(profile, { recursive: true });
run(node, [entry, ...dirs, '--force', '--install-extension', vsix]);

const port = await firstFreePort(Number(process.env.CONVLENS_PORT ?? 8080));
const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(samples)}`;
const server = spawn(
  node,
  [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', ...dirs, samples],
  { stdio: ['ignore', 'ignore', 'inherit'], detached: true },
);
const stop = () => {
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    // already stopped
  }
};
process.on('SIGINT', () => (stop(), process.exit(0)));
process.on('SIGTERM', () => (stop(), process.exit(0)));
server.on('exit', (c) => {
  console.error(`[start] code-server stopped (exit ${c})`);
  process.exit(c ?? 1);
});
for (let i = 0; i < 240; i++) {
  try {
    if ((await fetch(`http://127.0.0.1:${port}/`)).ok) break;
  } catch {
    // not up yet
  }
  await new Promise((r) => setTimeout(r, 250));
}
console.log(`\nConvLens is running in code-server:\n\n  ${url}\n\nOpen it in a browser and click mnist_c_cxx.onnx in the explorer (or run "ConvLens: Open the Sample Model").\nPress Ctrl+C to stop.\n`);

async function firstFreePort(from) {
  for (let p = from; p < from + 100; p++) {
    const free = await new Promise((res) => {
      const s = createServer();
      s.once('error', () => res(false));
      s.listen(p, '127.0.0.1', () => s.close(() => res(true)));
    });
    if (free) return p;
  }
  throw new Error(`no free port in ${from}..${from + 99}`);
}
