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

const builds = [...nodeBuilds, ...webBuilds];
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
