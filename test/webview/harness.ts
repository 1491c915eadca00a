import { readFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildHtml, makeNonce } from '../../src/editor/webviewHtml';
import type { ViewGraph } from '../../src/protocol/viewModel';

/**
 * The graph view in headless Chromium, on a page built by the extension's own HTML builder
 * (same CSP: nonce scripts, blob: workers, connect-src to the resource origin), served from
 * 127.0.0.1 with a fake acquireVsCodeApi that records what the view posts.
 */
const repo = resolve(__dirname, '..', '..');
const dist = join(repo, 'dist');

const FILES: Record<string, [string, string]> = {
  '/dist/webview.js': [join(dist, 'webview.js'), 'text/javascript'],
  '/dist/webview.css': [join(dist, 'webview.css'), 'text/css'],
  '/dist/layoutWorker.js': [join(dist, 'layoutWorker.js'), 'text/javascript'],
  '/dist/mermaid.js': [join(dist, 'mermaid.js'), 'text/javascript'],
  '/dist/codicon.css': [join(dist, 'codicon.css'), 'text/css'],
  '/dist/codicon.ttf': [join(dist, 'codicon.ttf'), 'font/ttf'],
  '/test/fake-vscode.js': [join(__dirname, 'fake-vscode.js'), 'text/javascript'],
  '/test/theme-dark.css': [join(__dirname, 'theme-dark.css'), 'text/css'],
  '/test/theme-light.css': [join(__dirname, 'theme-light.css'), 'text/css'],
  '/test/theme-hc.css': [join(__dirname, 'theme-hc.css'), 'text/css'],
};

/** VS Code's body class for each theme the tests use. */
const BODY_CLASS = { dark: 'vscode-dark', light: 'vscode-light', hc: 'vscode-high-contrast' } as const;
export type TestTheme = keyof typeof BODY_CLASS;

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface Harness {
  browser: Browser;
  server: Server;
  origin: string;
  /** A fresh page with the view loaded and 'ready' posted. */
  open(options?: { width?: number; height?: number; worker?: boolean; theme?: TestTheme; layoutTimeoutMs?: number }): Promise<Page>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  for (const [, [file]] of Object.entries(FILES)) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run 'npm run build' first`);
  }
  let origin = '';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/') {
      const nonce = makeNonce();
      const data: Record<string, string> = { mermaid: `${origin}/dist/mermaid.js` };
      const theme = (url.searchParams.get('theme') ?? 'dark') as TestTheme;
      if (url.searchParams.get('worker') !== '0') data.layoutWorker = `${origin}/dist/layoutWorker.js`;
      if (url.searchParams.get('layoutTimeoutMs')) data.layoutTimeoutMs = url.searchParams.get('layoutTimeoutMs')!;
      const html = buildHtml(origin, nonce, {
        title: 'ConvLens test',
        scripts: [`${origin}/test/fake-vscode.js`, `${origin}/dist/webview.js`],
        styles: [`${origin}/test/theme-${BODY_CLASS[theme] ? theme : 'dark'}.css`, `${origin}/dist/codicon.css`, `${origin}/dist/webview.css`],
        data,
      }).replace('<body>', `<body class="${BODY_CLASS[theme] ?? 'vscode-dark'}">`);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
      return;
    }
    const f = FILES[url.pathname];
    if (!f) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': f[1], 'access-control-allow-origin': '*' });
    res.end(readFileSync(f[0]));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
  return {
    browser,
    server,
    origin,
    async open(options = {}) {
      const page = await browser.newPage({ viewport: { width: options.width ?? 1000, height: options.height ?? 700 }, deviceScaleFactor: 1 });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      (page as Page & { errors?: string[] }).errors = errors;
      const query = new URLSearchParams({ ...(options.worker === false ? { worker: '0' } : {}), ...(options.theme ? { theme: options.theme } : {}), ...(options.layoutTimeoutMs ? { layoutTimeoutMs: String(options.layoutTimeoutMs) } : {}) }).toString();
      await page.goto(`${origin}/${query ? `?${query}` : ''}`);
      await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
      // tsx compiles with keepNames, which wraps named functions inside evaluate() callbacks in __name().
      await page.evaluate('globalThis.__name = (f) => f');
      return page;
    },
    async close() {
      await browser.close();
      await new Promise((r) => server.close(r));
    },
  };
}

export function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? [];
}

/** Posts showGraph as the host does and waits for the first frame of it. */
export async function showGraph(page: Page, graph: ViewGraph, preserveView = false): Promise<{ totalMs: number; layoutMs: number; layoutMode: string; layoutAhead: boolean }> {
  return page.evaluate(
    ([g, keep]) =>
      new Promise((resolveReport) => {
        document.addEventListener('convlens-rendered', (ev) => resolveReport((ev as CustomEvent).detail), { once: true });
        window.postMessage({ type: 'showGraph', graph: g, preserveView: keep }, '*');
      }),
    [graph, preserveView] as const,
  ) as Promise<{ totalMs: number; layoutMs: number; layoutMode: string; layoutAhead: boolean }>;
}

export async function posted(page: Page): Promise<{ type: string; [k: string]: unknown }[]> {
  return page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted) as Promise<{ type: string; [k: string]: unknown }[]>;
}
