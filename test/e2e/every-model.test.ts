import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { loadModelFile } from '../../src/editor/modelLoader';
import { deriveDisplayGraph } from '../../webview/graph/model/displayGraph';
import { corpusRoot } from '../helpers/corpus';
import { screenshot } from './harness/browser';
import type { CodeServer } from './harness/codeServer';
import { openSession, type Session } from './harness/session';
import type { RenderReport } from './harness/graph';

/**
 * The acceptance: "the VSIX installs into code-server and opens every model in
 * ../shared/models with no error in the extension host's log". One code-server session opens
 * every .onnx of the corpus (onnx-backend/node, pytorch-converted, light, real) the way a user
 * does it fast, with Quick Open (F1, type the path, Enter; previews replace each other), and each
 * Keras JSON file with the editor's "Open Graph to the Side" button. Each must draw its graph with
 * as many boxes as our own pipeline makes, or, where the reader refuses the file, say why.
 */
let session: Session;
let cs: CodeServer;
let page: Page;

function files(dir: string, ext: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith(ext)).map((f) => join(dir, f)).sort();
}
const onnx = ['onnx-backend/node', 'onnx-backend/pytorch-converted', 'onnx-backend/light', 'real'].flatMap((d) => files(join(corpusRoot, d), '.onnx'));
const keras = files(join(corpusRoot, 'keras-json'), '.json');

before(async () => {
  session = await openSession({
    name: 'every-model-last',
    folder: corpusRoot,
    settings: { 'workbench.editor.enablePreview': true, 'workbench.editor.enablePreviewFromQuickOpen': true },
  });
  ({ cs, page } = session);
});

after(async () => {
  await session?.close();
});

/** Marks every frame on the page as seen, so that the next graph can be told from the last one. */
async function markFrames(): Promise<void> {
  await Promise.all(page.frames().filter((f) => f !== page.mainFrame()).map((f) => f.evaluate(() => ((window as unknown as { __clSeen: boolean }).__clSeen = true)).catch(() => undefined)));
}

type Outcome = { kind: 'graph'; report: RenderReport } | { kind: 'error'; message: string };

/** The first webview frame, not marked seen, that drew a graph or shows an error. */
async function freshOutcome(file: string, timeoutMs = 30_000): Promise<Outcome> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      const got = await outcomeOf(frame);
      if (got) return got;
    }
    if (Date.now() > deadline) {
      await screenshot(page, `every-model-stuck-${basename(dirname(file))}-${basename(file)}`);
      throw new Error(`${file}: no new graph or error within ${timeoutMs} ms`);
    }
    await page.waitForTimeout(50);
  }
}

async function outcomeOf(frame: Frame): Promise<Outcome | null> {
  try {
    return await frame.evaluate(() => {
      const w = window as unknown as { __clSeen?: boolean; convlens?: { lastReport: unknown } };
      if (w.__clSeen || !w.convlens) return null;
      if (w.convlens.lastReport) return { kind: 'graph' as const, report: w.convlens.lastReport as RenderReport };
      const message = document.getElementById('cl-message');
      if (message && message.classList.contains('cl-error') && message.textContent) return { kind: 'error' as const, message: message.textContent };
      return null;
    });
  } catch {
    return null; // detached or navigating
  }
}

/** Quick Open as a user does it: F1 on the workbench, type the path, pick the file in that folder. */
async function quickOpen(file: string): Promise<void> {
  const rel = relative(corpusRoot, file);
  await page.locator('.monaco-workbench').click({ position: { x: 5, y: 5 } }); // the workbench, not a webview, has the focus
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(rel);
  const row = page.locator(`.quick-input-widget .monaco-list-row[aria-label*="${basename(file)}"][aria-label*="${basename(dirname(file))}"]`).first();
  await row.waitFor({ timeout: 15_000 });
  await row.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}

async function expectedBoxes(file: string): Promise<{ ok: true; boxes: number } | { ok: false; error: string }> {
  const r = await loadModelFile(file);
  if (!r.ok) return { ok: false, error: r.error };
  return { ok: true, boxes: deriveDisplayGraph(r.graph, { fold: false, collapsed: new Set(), hideBatchDim: true }).nodes.length };
}

const timings: { file: string; ms: number }[] = [];
let refused = 0;
let refusedOnnx = 0;

async function check(file: string, open: () => Promise<void>): Promise<void> {
  const want = await expectedBoxes(file);
  await markFrames();
  const t0 = Date.now();
  await open();
  const got = await freshOutcome(file);
  timings.push({ file: relative(corpusRoot, file), ms: Date.now() - t0 });
  if (want.ok) {
    assert.equal(got.kind, 'graph', `${file}: ${got.kind === 'error' ? got.message : ''}`);
    if (got.kind === 'graph') {
      assert.equal(got.report.title, basename(file));
      assert.equal(got.report.nodes, want.boxes, `${file}: boxes drawn`);
    }
  } else {
    refused++;
    if (file.endsWith('.onnx')) refusedOnnx++;
    assert.equal(got.kind, 'error', `${file}: the reader refuses it (${want.error}) but the view drew a graph`);
    if (got.kind === 'error') assert.ok(got.message.includes(basename(file)) && got.message.length > basename(file).length + 10, `${file}: unclear error "${got.message}"`);
  }
}

test(`every .onnx in the corpus (${onnx.length} files) opens from Quick Open and draws its graph or says why not`, { timeout: 600_000 }, async () => {
  assert.ok(onnx.length > 100, `${onnx.length} .onnx files found under ${corpusRoot}`);
  for (const file of onnx) await check(file, () => quickOpen(file));
});

test(`every Keras JSON in the corpus (${keras.length} files) gets its graph beside the text`, { timeout: 120_000 }, async () => {
  for (const file of keras) {
    await check(file, async () => {
      await quickOpen(file);
      const button = page.locator('.editor-actions [aria-label="Open Graph to the Side"]').first();
      await button.waitFor({ timeout: 20_000 });
      await button.click();
    });
  }
});

test('the extension host and the ConvLens log have no error after every model', () => {
  const host = cs.logs(/remoteexthost\.log$/).flatMap((l) => l.text.split('\n'));
  assert.ok(host.some((l) => /_doActivateExtension convlens\.convlens/.test(l)), 'ConvLens was never activated');
  assert.deepEqual(host.filter((l) => /\[error\]/i.test(l) && /convlens/i.test(l)), []);
  const channel = cs.logs(/convlens\.convlens[\\/]ConvLens\.log$/).flatMap((l) => l.text.split('\n'));
  assert.deepEqual(channel.filter((l) => /\[error\]/.test(l)), []);
  const loaded = new Set(channel.map((l) => / loaded (.*\.onnx) in /.exec(l)?.[1]).filter(Boolean)).size;
  assert.equal(loaded, onnx.length - refusedOnnx, 'each readable .onnx was loaded by the extension');
  const total = timings.reduce((s, t) => s + t.ms, 0);
  const slow = [...timings].sort((a, b) => b.ms - a.ms).slice(0, 3).map((t) => `${t.file} ${t.ms} ms`);
  console.log(`opened ${timings.length} models in ${(total / 1000).toFixed(1)} s (mean ${(total / timings.length).toFixed(0)} ms; slowest: ${slow.join(', ')}); ${refused} refused with a message`);
});
