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

type Waiter = (frame: Frame, fn: (arg: string) => boolean, what: string, arg?: string, timeout?: number) => Promise<void>;

/**
 * Runs the model on the digit pattern from the graph's inference bar, as a user does, and waits for the
 * run to end (`waitFor`: the test's frameWaiter, which saves a screenshot when it times out); fails with
 * the bar's own message when the run did not succeed.
 */
export async function runOnDigit(graph: Frame, waitFor: Waiter, timeout = 60_000): Promise<void> {
  await graph.locator('#cl-pattern').selectOption('digit');
  await graph.locator('#cl-run').click();
  await waitFor(graph, () => ['done', 'error'].includes(document.getElementById('cl-inference')?.dataset.status ?? ''), 'the run did not finish', '', timeout);
  const status = await graph.locator('#cl-inference').getAttribute('data-status');
  if (status !== 'done') throw new Error(`the run failed: ${await graph.locator('#cl-inf-status').innerText()}`);
}
