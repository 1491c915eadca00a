import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildHtml, makeNonce } from '../../src/editor/webviewHtml';
import type { FromFeatureMaps, ToFeatureMaps } from '../../src/protocol/featureMaps';
import { CHROMIUM_ARGS } from './harness';
import type { Engine } from '../../src/runtime/engine';

/**
 * The feature-map panel bundle (dist/featureMaps.js) in headless Chromium, on a page built by the
 * extension's own HTML builder (same CSP). acquireVsCodeApi is replaced by a bridge to a host function
 * in the test, which answers the panel's requests the way src/editor/featureMapsPanel.ts does.
 */
const repo = resolve(__dirname, '..', '..');
const FILES: Record<string, [string, string]> = {
  '/dist/featureMaps.js': [join(repo, 'dist', 'featureMaps.js'), 'text/javascript'],
  '/dist/featureMaps.css': [join(repo, 'dist', 'featureMaps.css'), 'text/css'],
  '/test/theme-dark.css': [join(__dirname, 'theme-dark.css'), 'text/css'],
};
const BRIDGE = `window.acquireVsCodeApi = function () {
  var state;
  return {
    postMessage: function (m) { window.__toHost(JSON.parse(JSON.stringify(m))); },
    getState: function () { return state; },
    setState: function (s) { state = s; },
  };
};`;

export type PanelHost = (m: FromFeatureMaps, post: (m: ToFeatureMaps) => Promise<void>) => Promise<void>;

export interface FeatureMapsHarness {
  /** A fresh page with the panel loaded; `host` receives every message the panel posts. */
  open(host: PanelHost): Promise<Page>;
  close(): Promise<void>;
}

export async function startFeatureMapsHarness(): Promise<FeatureMapsHarness> {
  for (const [file] of Object.values(FILES)) if (!existsSync(file)) throw new Error(`${file} is missing: run 'npm run build' first`);
  let origin = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/') {
      const html = buildHtml(origin, makeNonce(), {
        title: 'Feature Maps test',
        scripts: [`${origin}/test/bridge.js`, `${origin}/dist/featureMaps.js`],
        styles: [`${origin}/test/theme-dark.css`, `${origin}/dist/featureMaps.css`],
      }).replace('<body>', '<body class="vscode-dark">');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    if (url.pathname === '/test/bridge.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(BRIDGE);
      return;
    }
    const f = FILES[url.pathname];
    if (!f) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': f[1] }).end(readFileSync(f[0]));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser: Browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
  return {
    async open(host) {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      (page as Page & { errors?: string[] }).errors = errors;
      const post = (m: ToFeatureMaps) => page.evaluate((msg) => window.postMessage(msg, '*'), m as never);
      await page.exposeFunction('__toHost', (m: FromFeatureMaps) => host(m, post).catch((e: Error) => errors.push(`host: ${e.message}`)));
      await page.goto(`${origin}/`);
      await page.evaluate('globalThis.__name = (f) => f');
      return page;
    },
    async close() {
      await browser.close();
      await new Promise((r) => server.close(r));
    },
  };
}

/** What the engine answers for the panel's requests (detail, step, arithmetic), as src/editor/featureMapsPanel.ts
 * does, after `first` (the run the panel is shown) on 'ready'. A failed request is answered with its message. */
export function engineHost(engine: Engine, first: () => ToFeatureMaps): PanelHost {
  return async (m, post) => {
    const reply = async (f: () => Promise<unknown>) => {
      try {
        await post({ type: 'reply', id: (m as { id: number }).id, ok: true, value: await f() } as ToFeatureMaps);
      } catch (e) {
        await post({ type: 'reply', id: (m as { id: number }).id, ok: false, error: (e as Error).message } as ToFeatureMaps);
      }
    };
    if (m.type === 'ready') await post(first());
    else if (m.type === 'detail') await reply(() => engine.detail(m.tensor, { firstChannel: m.firstChannel ?? 0 }));
    else if (m.type === 'step') await reply(() => engine.step(m.nodeId !== undefined ? engine.stepIndexOf(m.nodeId) : m.index ?? 0));
    else if (m.type === 'arithmetic') await reply(() => engine.arithmetic(m.nodeId, m.at));
  };
}

/** Step mode at step `s`, as a user gets there: the Step button, then the layer selected in the graph. */
export async function stepTo(page: Page, s: { index: number; nodeId: string; outputs: { tensor: string }[] }): Promise<void> {
  await page.locator('.tensor-item').first().waitFor();
  await page.getByRole('button', { name: 'Step ←/→' }).click();
  await page.evaluate((m) => window.postMessage(m, '*'), { type: 'fmFocus', tensor: s.outputs[0].tensor, nodeId: s.nodeId });
  await page.waitForFunction((n) => (document.querySelector('.step-nav span')?.textContent ?? '').startsWith(`Layer ${n} of`), s.index + 1);
}
