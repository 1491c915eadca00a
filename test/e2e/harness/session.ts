import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openWorkbench, screenshot } from './browser';
import { startCodeServer, type CodeServer } from './codeServer';

export interface SessionOptions {
  /** Name of the screenshot taken when the session closes (kept in .test-artifacts/). */
  name: string;
  /** Files copied into a fresh workspace folder, by name in the folder -> source path. */
  copy?: Record<string, string>;
  /** Files written into that folder, by name -> contents. */
  write?: Record<string, string | Buffer>;
  /** An existing folder to open instead of a fresh one (nothing is copied, nothing removed). */
  folder?: string;
  /** User settings beside the harness's own. */
  settings?: Record<string, unknown>;
  /** Display language of the workbench (codeServer.ts StartOptions.locale). */
  locale?: string;
  /** Which packaged VSIX to install (default: this platform's). */
  vsix?: 'platform' | 'web';
  /** Open the folder in Restricted Mode (workspace trust on, the folder untrusted). */
  workspaceTrust?: boolean;
}

export interface Session {
  cs: CodeServer;
  browser: Browser;
  page: Page;
  /** The workspace folder the workbench shows. */
  folder: string;
  /** Screenshot, close the browser, stop code-server, remove the fresh workspace. */
  close(): Promise<void>;
}

/**
 * One test file's VS Code: a workspace folder, code-server with the packaged VSIX installed,
 * Chromium on its workbench, and the extension host up (so our custom editor is registered
 * before a test opens a file).
 */
export async function openSession(options: SessionOptions): Promise<Session> {
  // A fixed folder name, so the screenshots (the explorer shows it) only change when the product does.
  const fresh = options.folder === undefined;
  const folder = options.folder ?? join(mkdtempSync(join(tmpdir(), 'convlens-e2e-ws-')), 'models');
  if (fresh) {
    mkdirSync(folder);
    for (const [name, from] of Object.entries(options.copy ?? {})) copyFileSync(from, join(folder, name));
    for (const [name, data] of Object.entries(options.write ?? {})) writeFileSync(join(folder, name), data);
  }
  const cs = await startCodeServer({ folder, settings: options.settings, locale: options.locale, vsix: options.vsix, workspaceTrust: options.workspaceTrust });
  const browser = await launchBrowser();
  const page = await openWorkbench(browser, cs.url);
  await cs.extensionHostReady();
  return {
    cs, browser, page, folder,
    async close() {
      await screenshot(page, options.name).catch(() => undefined);
      await browser.close();
      await cs.stop();
      if (fresh) rmSync(join(folder, '..'), { recursive: true, force: true });
    },
  };
}
