// Packages one VSIX per target platform, each holding only that platform's onnxruntime binaries, and
// the web VSIX (--target web: github.dev, vscode.dev), which holds no native code.
//   node scripts/package.mjs                 # this machine's platform
//   node scripts/package.mjs --target win32-x64 [--target darwin-arm64 ...]
//   node scripts/package.mjs --all           # every platform onnxruntime-node ships binaries for
// Builds first unless --no-build. Fails when a VSIX exceeds 40 MB or lacks its native binding.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAX_BYTES = 40 * 1024 * 1024;
const ORT_BIN = 'node_modules/onnxruntime-node/bin/napi-v6';
const args = process.argv.slice(2);
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

function available() {
  const out = [];
  for (const os of readdirSync(ORT_BIN)) for (const arch of readdirSync(join(ORT_BIN, os))) out.push(`${os}-${arch}`);
  return out.sort();
}

function fail(message) {
  console.error(`[package] ${message}`);
  process.exit(1);
}

if (!existsSync(ORT_BIN)) fail(`${ORT_BIN} is missing: run \`npm ci\` first`);
const platforms = available();
let targets = [];
for (let i = 0; i < args.length; i++) if (args[i] === '--target') targets.push(args[++i]);
if (args.includes('--all')) targets = platforms;
if (targets.length === 0) targets = [`${process.platform}-${process.arch}`];
for (const t of targets) {
  if (!platforms.includes(t)) fail(`no onnxruntime-node binaries for target "${t}" (available: ${platforms.join(', ')})`);
}

if (!args.includes('--no-build')) execFileSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
for (const f of ['dist/extension.js', 'dist/webview.js', 'dist/webExtension.js', 'dist/webModelWorker.js', 'README.md', 'LICENSE']) if (!existsSync(f)) fail(`${f} is missing`);

const vsce = join('node_modules', '@vscode', 'vsce', 'vsce');
const work = mkdtempSync(join(tmpdir(), 'convlens-package-'));
const base = readFileSync('.vscodeignore', 'utf8');
const made = [];
try {
  for (const target of targets) {
    const [os, arch] = target.split('-');
    const ignoreFile = join(work, `vscodeignore-${target}`);
    writeFileSync(ignoreFile, `${base}\n!${ORT_BIN}/${os}/${arch}/**\n`);
    const out = `dist/${pkg.name}-${target}-${pkg.version}.vsix`;
    execFileSync(process.execPath, [vsce, 'package', '--target', target, '--ignoreFile', ignoreFile, '--out', out], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const listing = execFileSync(process.execPath, [vsce, 'ls', '--ignoreFile', ignoreFile], { encoding: 'utf8' }).split('\n');
    const binding = `${ORT_BIN}/${os}/${arch}/onnxruntime_binding.node`;
    if (!listing.includes(binding)) fail(`${out} lacks ${binding}`);
    const others = listing.filter((f) => f.startsWith(ORT_BIN) && !f.startsWith(`${ORT_BIN}/${os}/${arch}/`));
    if (others.length) fail(`${out} holds other platforms' binaries: ${others.slice(0, 3).join(', ')}`);
    if (target === `${process.platform}-${process.arch}`) loadsFromPackage(listing.filter(Boolean), join(work, target));
    const size = statSync(out).size;
    const mb = (size / 1024 / 1024).toFixed(1);
    if (size > MAX_BYTES) fail(`${out} is ${mb} MB, over the 40 MB limit`);
    console.log(`[package] ${out}: ${mb} MB, ${listing.filter(Boolean).length} files`);
    made.push(out);
  }
  made.push(packageWeb());
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(made.join('\n'));

/**
 * The web extension (github.dev, vscode.dev) as its own VSIX, `--target web`: the Marketplace gives a
 * browser the `web` target, never a platform one, and the platform VSIXs cannot be universal because
 * each holds one platform's native ONNX Runtime. It holds the browser entry (package.json `browser`),
 * its model worker, the webview bundles and the assets, and no native code. The same manifest is used,
 * so `main` (dist/extension.js) is in it too: vsce refuses a manifest whose entry points are missing,
 * and a desktop is never given a web-target VSIX.
 */
function packageWeb() {
  const ignoreFile = join(work, 'vscodeignore-web');
  // What .vscodeignore keeps (manifest, translations, assets), less Node modules and the Node-only bundles.
  const kept = base.split('\n').filter((l) => l.startsWith('!') && !l.includes('node_modules/') && !l.startsWith('!dist/'));
  const dist = ['webExtension', 'webModelWorker', 'webview', 'layoutWorker', 'mermaid', 'extension'].map((f) => `!dist/${f}.js`);
  writeFileSync(ignoreFile, ['**', ...kept, ...dist, '!dist/*.{css,ttf,json}'].join('\n') + '\n');
  const out = `dist/${pkg.name}-web-${pkg.version}.vsix`;
  execFileSync(process.execPath, [vsce, 'package', '--target', 'web', '--ignoreFile', ignoreFile, '--out', out], { stdio: ['ignore', 'inherit', 'inherit'] });
  const listing = execFileSync(process.execPath, [vsce, 'ls', '--ignoreFile', ignoreFile], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const browser = pkg.browser.replace(/^\.\//, '');
  for (const f of [browser, 'dist/webModelWorker.js', 'dist/webview.js', 'dist/layoutWorker.js']) if (!listing.includes(f)) fail(`${out} lacks ${f}`);
  const native = listing.filter((f) => f.startsWith('node_modules/'));
  if (native.length) fail(`${out} holds Node modules, which a browser cannot load: ${native.slice(0, 3).join(', ')}`);
  const size = statSync(out).size;
  if (size > MAX_BYTES) fail(`${out} is ${(size / 1024 / 1024).toFixed(1)} MB, over the 40 MB limit`);
  const kb = (f) => `${(statSync(f).size / 1024).toFixed(0)} KB`;
  console.log(`[package] ${out}: ${(size / 1024 / 1024).toFixed(1)} MB, ${listing.length} files (web: ${browser} ${kb(browser)}, model worker ${kb('dist/webModelWorker.js')})`);
  return out;
}

/** The packaged files alone (copied as listed) must let Node load onnxruntime-node and its binding. */
function loadsFromPackage(files, dir) {
  for (const f of files) if (f.startsWith('node_modules/')) cpSync(f, join(dir, f));
  const r = spawnSync(process.execPath, ['-e', "console.log(require('./node_modules/onnxruntime-node').listSupportedBackends().map((b) => b.name).join(','))"], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) fail(`onnxruntime-node does not load from the packaged files: ${(r.stderr || r.stdout).split('\n').find((l) => /^\w*Error:/.test(l)) ?? r.stderr}`);
}
