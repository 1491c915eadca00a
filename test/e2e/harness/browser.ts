import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './codeServer';

/** Debian's Chromium driven by playwright-core (never a downloaded browser). */
export const CHROMIUM = process.env.CONVLENS_CHROMIUM ?? '/usr/bin/chromium';
export const artifactsDir = join(repoRoot, '.test-artifacts');

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set CONVLENS_CHROMIUM)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Opens the workbench and waits until the explorer shows the folder's files. */
export async function openWorkbench(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  return page;
}

/** Clicks a file in the explorer (it must be visible at the folder's top level). */
export async function openFromExplorer(page: Page, fileName: string): Promise<void> {
  const row = page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${fileName}"]`).first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
}

/** Runs a command from the Command Palette, as a user would (F1, type its title, Enter). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.locator('.monaco-workbench').click({ position: { x: 5, y: 5 } }); // focus the workbench, not a webview
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: 10_000 });
  await row.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}

/** The webview frame whose document has `selector`, polled until it appears. */
export async function webviewFrame(page: Page, selector: string, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const f of page.frames()) {
      if (f === page.mainFrame()) continue;
      try {
        if (await f.locator(selector).count()) return f;
      } catch {
        // frame navigated away meanwhile
      }
    }
    if (Date.now() > deadline) throw new Error(`no webview frame with ${selector} after ${timeoutMs} ms (frames: ${page.frames().map((f) => f.url()).join(', ')})`);
    await page.waitForTimeout(250);
  }
}

/**
 * The wait the e2e tests run in a webview (or the workbench): poll `fn` there until it holds; on a
 * timeout, save the workbench as `<failShot>.png` and fail saying what was awaited. `page` is a
 * getter because a test file's page is opened in its before().
 */
export function frameWaiter(page: () => Page, failShot: string) {
  return async (frame: Frame | Page, fn: (arg: string) => boolean, what: string, arg = '', timeout = 60_000): Promise<void> => {
    try {
      await (frame as Frame).waitForFunction(fn, arg, { timeout, polling: 200 });
    } catch (e) {
      await screenshot(page(), failShot);
      throw new Error(`${what}: ${(e as Error).message}`);
    }
  };
}

export async function screenshot(page: Page, name: string, alsoTo?: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const file = join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file });
  // The README's screenshots are committed files: a test run only rewrites them when asked
  // (CONVLENS_UPDATE_SCREENSHOTS=1), so running the tests leaves the working tree clean.
  if (alsoTo && process.env.CONVLENS_UPDATE_SCREENSHOTS === '1') {
    mkdirSync(join(repoRoot, alsoTo), { recursive: true });
    copyFileSync(file, join(repoRoot, alsoTo, `${name}.png`));
  }
  return file;
}
