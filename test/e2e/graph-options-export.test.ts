import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { openFromExplorer } from './harness/browser';
import { repoRoot, type CodeServer } from './harness/codeServer';
import { openSession, type Session } from './harness/session';
import { graphFrame } from './harness/graph';

/**
 * Settings and exports through the real host: changing convlens.graph.hideBatchDim and
 * foldActivations in the workspace's settings.json updates an open graph; Save as SVG / PNG write
 * the file the save dialog names; Copy Markdown and Copy Mermaid reach the clipboard through
 * the extension's copyText handler.
 */
let session: Session;
let cs: CodeServer;
let page: Page;
let folder: string;
let frame: Frame;

before(async () => {
  session = await openSession({ name: 'options-export-last', copy: { 'mnist_c_cxx.onnx': join(repoRoot, 'media', 'samples', 'mnist_c_cxx.onnx') } });
  ({ cs, page, folder } = session);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(cs.url).origin });
  await openFromExplorer(page, 'mnist_c_cxx.onnx');
  frame = (await graphFrame(page, 'mnist_c_cxx.onnx')).frame;
});

after(async () => {
  await session?.close();
});

let settings: Record<string, unknown> = {};

/**
 * Changes the workspace's .vscode/settings.json as a user editing it does; VS Code applies it.
 * (code-server does not notice the user settings file changing on disk, only through its own editor.)
 */
async function setWorkspaceSettings(extra: Record<string, unknown>): Promise<void> {
  settings = { ...settings, ...extra };
  mkdirSync(join(folder, '.vscode'), { recursive: true });
  writeFileSync(join(folder, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
}

const drawn = () => frame.evaluate(() => {
  const s = (window as any).convlens.debug.scene;
  return { boxes: s.display.nodes.length as number, firstLabel: s.display.edges[0].label as string };
});

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)} after ${timeoutMs} ms`);
    await page.waitForTimeout(100);
  }
}

test('changing hideBatchDim and foldActivations in settings updates the open graph', { timeout: 120_000 }, async () => {
  const start = await drawn();
  assert.equal(start.firstLabel, '1×28×28', 'the batch dimension is hidden by default');
  assert.equal(start.boxes, 13);
  await frame.evaluate(() => ((window as any).__clSame = true));
  await setWorkspaceSettings({ 'convlens.graph.hideBatchDim': false });
  await until('shapes with the batch dimension', drawn, (d) => d.firstLabel === '1×1×28×28');
  await setWorkspaceSettings({ 'convlens.graph.foldActivations': true });
  const folded = await until('Relu folded into the layer before it', drawn, (d) => d.boxes < start.boxes);
  assert.equal(folded.boxes, 11, 'both Relus folded');
  await setWorkspaceSettings({ 'convlens.graph.hideBatchDim': true, 'convlens.graph.foldActivations': false });
  assert.equal(await frame.evaluate(() => (window as any).__clSame), true, 'the same view was updated, not a new one');
  await until('back to the defaults', drawn, (d) => d.boxes === 13 && d.firstLabel === '1×28×28');
});

/** Clicks a toolbar button in the graph (or does `button`) and accepts the save dialog's suggestion (next to the model). */
async function saveVia(button: string | (() => Promise<void>), name: string): Promise<Buffer> {
  if (typeof button === 'string') await frame.locator(button).click();
  else await button();
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  await until('the suggested name in the save dialog', () => input.inputValue(), (v) => v.endsWith(`/models/${name}`));
  await input.press('Enter');
  const file = join(folder, name);
  await until(`${name} written`, async () => existsSync(file), (v) => v);
  await until(`${name} complete`, async () => readFileSync(file).length, (n) => n > 100);
  return readFileSync(file);
}

test('Save as SVG and PNG write the picture next to the model through the save dialog', { timeout: 120_000 }, async () => {
  const svg = (await saveVia('#cl-export-svg', 'mnist_c_cxx.svg')).toString('utf8');
  assert.match(svg, /^<svg|<\?xml/);
  assert.equal((svg.match(/<g class="node /g) ?? []).length, 13);
  const png = await saveVia('#cl-export-png', 'mnist_c_cxx.png');
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG file');
  // 2× and 3× from the "⋯" menu: the same picture at twice and three times the pixels on each side.
  const size = (b: Buffer) => [b.readUInt32BE(16), b.readUInt32BE(20)];
  const [w, h] = size(png);
  for (const n of [2, 3]) {
    const open = () => frame.locator('#cl-menu-btn').click().then(() => frame.locator(`#cl-menu [data-command="cl-export-png:${n}"]`).click());
    const big = await saveVia(open, `mnist_c_cxx@${n}x.png`);
    const [bw, bh] = size(big);
    assert.ok(Math.abs(bw - n * w) <= n && Math.abs(bh - n * h) <= n, `${n}×: ${bw}×${bh} from ${w}×${h}`);
  }
});

const clipboard = () => page.evaluate(() => navigator.clipboard.readText());

test('Copy Markdown and Copy Mermaid put the text on the clipboard through the host', { timeout: 120_000 }, async () => {
  await page.evaluate(() => navigator.clipboard.writeText('before'));
  await frame.locator('#cl-copy-markdown').click();
  await page.locator('.statusbar', { hasText: 'ConvLens: copied Markdown summary' }).waitFor({ timeout: 20_000 });
  const md = await until('Markdown on the clipboard', clipboard, (t) => t !== 'before');
  assert.match(md, /\| 1 \| Convolution28 \| Conv \| 5×5 ×8 \| 8×28×28 \| 200 \|/);
  await frame.locator('#cl-copy-mermaid').click();
  await frame.locator('#cl-mermaid-img').waitFor({ state: 'attached', timeout: 30_000 });
  await frame.locator('#cl-mermaid-copy').click();
  await page.locator('.statusbar', { hasText: 'ConvLens: copied Mermaid flowchart' }).waitFor({ timeout: 20_000 });
  const mm = await until('Mermaid on the clipboard', clipboard, (t) => t.startsWith('flowchart'));
  assert.match(mm, /^flowchart TD\n/);
});
