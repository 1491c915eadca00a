import type { Frame, Page } from 'playwright-core';

/** What the graph webview reports after drawing a graph (webview/graph/app.ts RenderReport). */
export interface RenderReport { title: string; nodes: number; edges: number; layoutMs: number; totalMs: number; layoutMode: string }

/** The graph webview frame showing `title` once it has drawn it (polls every frame: webviews are nested iframes). */
export async function graphFrame(page: Page, title: string, timeoutMs = 60_000): Promise<{ frame: Frame; report: RenderReport }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      try {
        const report = await frame.evaluate(() => (window as unknown as { convlens?: { lastReport: unknown } }).convlens?.lastReport ?? null);
        if (report && (report as RenderReport).title === title) return { frame, report: report as RenderReport };
      } catch {
        // the frame navigated or was detached meanwhile
      }
    }
    if (Date.now() > deadline) throw new Error(`no graph webview drew "${title}" within ${timeoutMs} ms`);
    await page.waitForTimeout(250);
  }
}

/** The graph webview frame showing an error message (the panel's #cl-message) that contains `text`. */
export async function errorFrame(page: Page, text: string, timeoutMs = 60_000): Promise<{ frame: Frame; message: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      try {
        const message = await frame.evaluate(() => document.getElementById('cl-message')?.textContent ?? '');
        if (message.includes(text)) return { frame, message };
      } catch {
        // detached
      }
    }
    if (Date.now() > deadline) throw new Error(`no graph webview showed an error containing "${text}" within ${timeoutMs} ms`);
    await page.waitForTimeout(250);
  }
}
