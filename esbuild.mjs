// Builds every bundle the extension and the CLI ship: minified, with source maps.
// `node esbuild.mjs` builds once; `--watch` rebuilds on change; `--dev` skips minification.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, cpSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const dev = process.argv.includes('--dev') || watch;

const common = { bundle: true, minify: !dev, sourcemap: true, logLevel: 'warning', legalComments: 'none' };

/** Node-side bundles: the extension host, its workers, and the CLI. */
const nodeBuilds = [
  { entryPoints: { extension: 'src/extension.ts' }, external: ['vscode', 'onnxruntime-node'] },
  { entryPoints: { cli: 'src/cli/main.ts' }, external: ['onnxruntime-node'] },
  { entryPoints: { inferenceWorker: 'src/runtime/worker.ts' }, external: ['onnxruntime-node'] },
  { entryPoints: { modelWorker: 'src/editor/modelWorker.ts' }, external: ['onnxruntime-node'] },
  // mainFields: prefer ESM entry points; jsonc-parser's UMD main hides its requires from the bundler.
].map((b) => ({ ...common, ...b, platform: 'node', format: 'cjs', target: 'node20', outdir: 'dist', mainFields: ['module', 'main'] }));

/** Browser-side bundles: the webview and its layout worker. */
const webBuilds = [
  { entryPoints: { webview: 'webview/graph/main.ts' }, format: 'iife' },
  { entryPoints: { layoutWorker: 'webview/graph/layout/worker.ts' }, format: 'iife' },
  // Mermaid is big; the graph view loads this bundle only when a Mermaid preview is asked for.
  { entryPoints: { mermaid: 'webview/graph/mermaid/entry.ts' }, format: 'iife' },
  { entryPoints: { featureMaps: 'webview/featureMaps/main.ts' }, format: 'iife' },
].map((b) => ({ ...common, ...b, platform: 'browser', target: 'chrome114', outdir: 'dist' }));

/**
 * The web extension (package.json `browser`, for github.dev and vscode.dev) and its model worker. The
 * core they bundle must not need Node: `node:*` imports reached only on paths that read the local disk
 * (an ONNX file's external data, large-file reading) resolve to a module whose every export throws, so a
 * call says plainly what is missing instead of the bundle failing to load.
 */
const nodeInBrowser = {
  name: 'node-in-browser',
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (a) => ({ path: a.path, namespace: 'node-in-browser' }));
    build.onLoad({ filter: /.*/, namespace: 'node-in-browser' }, (a) => ({
      loader: 'js',
      contents: `module.exports = new Proxy({}, { get: (_, k) => k === '__esModule' ? false : () => { throw new Error(${JSON.stringify(`${a.path} is not available in the browser: only the opened file is read`)}); } });`,
    }));
  },
};
const browserExtensionBuilds = [
  { entryPoints: { webExtension: 'src/web/extension.ts' }, format: 'cjs', external: ['vscode'] },
  { entryPoints: { webModelWorker: 'src/web/modelWorker.ts' }, format: 'iife' },
].map((b) => ({ ...common, ...b, platform: 'browser', target: 'chrome114', outdir: 'dist', plugins: [nodeInBrowser] }));

const builds = [...nodeBuilds, ...webBuilds, ...browserExtensionBuilds];
const missing = builds.flatMap((b) => Object.values(b.entryPoints)).filter((p) => !existsSync(p));
if (missing.length) throw new Error(`esbuild.mjs: entry point(s) missing: ${missing.join(', ')}`);

mkdirSync('dist', { recursive: true });
// The codicon font is served from the bundle so that the webview loads nothing from outside.
if (existsSync('node_modules/@vscode/codicons/dist')) {
  cpSync('node_modules/@vscode/codicons/dist/codicon.css', 'dist/codicon.css');
  cpSync('node_modules/@vscode/codicons/dist/codicon.ttf', 'dist/codicon.ttf');
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('[esbuild] watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  console.log(`[esbuild] built ${builds.length} bundles into dist/`);
}
