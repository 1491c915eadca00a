import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { repoRoot, type CodeServer } from './harness/codeServer';
import { openSession, type Session } from './harness/session';
import { openFromExplorer, runCommand, screenshot } from './harness/browser';
import { graphFrame } from './harness/graph';
import { analyzeJsonText, type LayerInfo } from '../../src/formats/json/modelDocument';
import { shapeHint } from '../../src/editor/json/format';
import { corpus } from '../helpers/corpus';
import { formatCount } from '../../webview/common/format';

/**
 * The JSON source integration in a real VS Code (code-server) with the packaged VSIX: hovers, inlay
 * shape hints, diagnostics in the Problems panel, go to definition, and selection sync between a
 * JSON model's text and its side graph, both ways. One code-server for the whole file.
 */
let session: Session;
let cs: CodeServer;
let page: Page;
let folder: string;

/** Two residual inputs whose channels disagree at an Add, and a reference to a layer that does not exist. */
const BROKEN = `{
  "name": "broken",
  "input": [32, 32, 3],
  "layers": [
    {"type": "Conv2D", "name": "a", "filters": 8, "kernel_size": 3, "padding": 1},
    {"type": "Conv2D", "name": "b", "filters": 16, "kernel_size": 3, "padding": 1},
    {"type": "Add", "name": "sum", "inputs": ["a", "b"]},
    {"type": "Conv2D", "name": "c", "filters": 4, "kernel_size": 1, "inputs": ["nowhere"]}
  ]
}
`;

const FILES: Record<string, string> = {
  'resnet18.json': join(repoRoot, 'media', 'samples', 'zoo', 'resnet18.json'),
  'mnist_cnn.json': corpus('keras-json', 'mnist_cnn.json'),
};

before(async () => {
  session = await openSession({ name: 'json-source-last', copy: FILES, write: { 'broken.json': BROKEN } });
  ({ cs, page, folder } = session);
});

after(async () => {
  await session?.close();
});

// ---- what our own pipeline says the editor must show ----

function text(name: string): string {
  return readFileSync(join(folder, name), 'utf8');
}

function layer(name: string, layerName: string): LayerInfo {
  const l = analyzeJsonText(text(name), join(folder, name)).layers().find((x) => x.node.name === layerName);
  assert.ok(l, `${name} has no layer ${layerName}`);
  return l;
}

/** 1-based line and column of a character offset. */
function lineCol(src: string, offset: number): { line: number; col: number } {
  const before = src.slice(0, offset).split('\n');
  return { line: before.length, col: before[before.length - 1].length + 1 };
}

/** Line and column of the first occurrence of `needle` (plus `shift` characters). */
function find(name: string, needle: string, shift = 0): { line: number; col: number } {
  const src = text(name);
  const at = src.indexOf(needle);
  assert.ok(at >= 0, `${needle} is not in ${name}`);
  return lineCol(src, at + shift);
}

// ---- driving the editor ----

const clean = (s: string) => s.replace(/\u00a0/g, ' ');

/** Focuses the text editor of `file` through its tab (a click in the text could land on a CodeLens or a hint). */
async function focusEditor(file: string): Promise<void> {
  await editorTab(file).click();
  await page.locator('.part.editor .monaco-editor.focused').first().waitFor({ timeout: 10_000 });
}

function editorTab(file: string) {
  return page.locator('.tabs-container .tab', { hasText: file }).filter({ hasNotText: 'Graph' }).first();
}

/** Moves the cursor with Go to Line/Column (Ctrl+G), as a user would. */
async function goTo(file: string, at: { line: number; col: number }): Promise<void> {
  await focusEditor(file);
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`:${at.line}:${at.col}`);
  await input.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  await waitCursor(at.line, at.col);
}

/** The status bar's "Ln L, Col C". */
async function cursor(): Promise<{ line: number; col: number } | null> {
  const t = await page.locator('[id="status.editor.selection"]').innerText().catch(() => '');
  const m = /Ln (\d+), Col (\d+)/.exec(t);
  return m ? { line: Number(m[1]), col: Number(m[2]) } : null;
}

async function waitCursor(line: number, col?: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await cursor();
    if (c && c.line === line && (col === undefined || c.col === col)) return;
    if (Date.now() > deadline) {
      await screenshot(page, `json-source-cursor-${line}`);
      assert.fail(`the cursor is at ${c ? `Ln ${c.line}, Col ${c.col}` : 'no position'}, expected Ln ${line}${col ? `, Col ${col}` : ''}`);
    }
    await page.waitForTimeout(200);
  }
}

/** Shows the hover at the cursor (Ctrl+K Ctrl+I) and returns its text once ConvLens's part for `layerName` is in
 * it (a problem on the layer may show first, in the same widget). */
async function hoverText(layerName: string): Promise<string> {
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'parameters' }).filter({ hasText: layerName }).first();
  await hover.waitFor({ state: 'visible', timeout: 15_000 });
  return clean(await hover.innerText());
}

/** The rendered text of the editor's visible lines, top to bottom, joined (inlay hints included). */
async function visibleText(): Promise<string> {
  const lines = await page.locator('.part.editor .monaco-editor .view-lines').first().evaluate((el) =>
    [...el.querySelectorAll<HTMLElement>('.view-line')]
      .map((l) => ({ top: parseFloat(l.style.top) || 0, text: l.textContent ?? '' }))
      .sort((a, b) => a.top - b.top)
      .map((l) => l.text));
  return clean(lines.join('\n'));
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      await screenshot(page, `json-source-timeout`);
      assert.fail(`${what} (waited ${timeoutMs} ms)${last ? `: ${String(last)}` : ''}`);
    }
    await page.waitForTimeout(200);
  }
}

async function closeAll(): Promise<void> {
  await runCommand(page, 'View: Close All Editors');
}

// ---- the graph webview ----

/** Id of the node the graph has selected, or null. */
function selectedNode(frame: Frame): Promise<string | null> {
  return frame.evaluate(() => {
    const d = (window as unknown as { convlens: { debug: { view: { overlay: { selected: number } }; display: { nodes: { id: string }[] } | null } } }).convlens.debug;
    const v = d.view.overlay.selected;
    return v >= 0 && d.display ? d.display.nodes[v].id : null;
  });
}

/** Clicks the box of node `id` on the graph's canvas (centred on it first). */
async function clickNode(frame: Frame, id: string): Promise<void> {
  const at = await frame.evaluate((nodeId) => {
    type Debug = { view: { reveal(v: number): void; canvas: HTMLCanvasElement; cam: { scale: number; tx: number; ty: number } }; display: { indexOf: Map<string, number> } | null; scene: { layout: { x: Float64Array; y: Float64Array } } | null };
    const d = (window as unknown as { convlens: { debug: Debug } }).convlens.debug;
    const v = d.display?.indexOf.get(nodeId);
    if (v === undefined || !d.scene) return null;
    d.view.reveal(v);
    const cam = d.view.cam;
    return { x: d.scene.layout.x[v] * cam.scale + cam.tx, y: d.scene.layout.y[v] * cam.scale + cam.ty };
  }, id);
  assert.ok(at, `the graph has no box for ${id}`);
  await frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await frame.locator('#cl-stage canvas').first().click({ position: at });
}

// ---- tests ----

test('Keras JSON: hovering a layer shows its input and output shapes and parameters; inlay hints show output shapes', { timeout: 120_000 }, async () => {
  const name = 'mnist_cnn.json';
  const conv = layer(name, 'convolution2d_1');
  const conv2 = layer(name, 'convolution2d_2');
  assert.equal(conv.params, 320); // 3×3×1×32 + 32, as Keras counts it
  await openFromExplorer(page, name);
  await page.locator('.part.editor .monaco-editor').first().waitFor({ timeout: 20_000 });

  await goTo(name, find(name, '"name": "convolution2d_1"', 2));
  const hover = await hoverText('convolution2d_1');
  assert.ok(hover.includes(conv.outputShape), `hover lacks output ${conv.outputShape}: ${hover}`);
  assert.ok(hover.includes(conv.inputShapes[0]), `hover lacks input ${conv.inputShapes[0]}: ${hover}`);
  assert.match(hover, /parameters\s*320\b/, hover);
  await screenshot(page, 'json-source-keras-hover');
  await page.keyboard.press('Escape');

  // The file is one line: each layer's hint follows its closing brace, before the next layer. (VS Code
  // truncates a line's hints past editor.inlayHints.maximumLength characters, so only the first layers'.)
  let seen = '';
  const shown = await waitFor('inlay hints with output shapes', async () => {
    seen = await visibleText();
    return seen.includes(shapeHint(conv)) && seen.includes(shapeHint(conv2)) ? seen : null;
  }).catch((e: Error) => assert.fail(`${e.message}; the editor shows: ${seen.slice(0, 3000)}`));
  const flat = shown.replace(/\n/g, '');
  const at = (s: string, from = 0) => flat.indexOf(s, from);
  assert.ok(at(shapeHint(conv), at('"convolution2d_1"')) < at('"activation_1"'), `the hint ${shapeHint(conv)} is not after convolution2d_1: ${flat.slice(0, 600)}`);
  assert.ok(at(shapeHint(conv2), at('"convolution2d_2"')) < at('"activation_2"'), `the hint ${shapeHint(conv2)} is not after convolution2d_2: ${flat.slice(0, 900)}`);
  assert.equal(shapeHint(conv), '→ 26×26×32');
  assert.equal(shapeHint(conv2), '→ 24×24×32');
  await closeAll();
});

test('ConvLens JSON: hover, inlay hint at each layer line, and F12 on a reference in inputs', { timeout: 120_000 }, async () => {
  const name = 'resnet18.json';
  const conv1 = layer(name, 'conv1');
  const pool = layer(name, 'maxpool');
  await openFromExplorer(page, name);
  await page.locator('.part.editor .monaco-editor').first().waitFor({ timeout: 20_000 });

  // The hint sits on conv1's own line.
  const conv1Line = find(name, '"name": "conv1"').line;
  await waitFor(`the hint ${shapeHint(conv1)} on conv1's line`, async () => {
    const lines = (await visibleText()).split('\n');
    return lines.find((l) => l.includes('"name": "conv1"'))?.includes(shapeHint(conv1));
  });
  assert.equal(shapeHint(conv1), '→ 112×112×64');

  await goTo(name, { line: conv1Line, col: 20 });
  const hover = await hoverText('conv1');
  assert.ok(hover.includes(conv1.inputShapes[0]), `hover lacks input ${conv1.inputShapes[0]}: ${hover}`);
  assert.ok(hover.includes(conv1.outputShape), `hover lacks output ${conv1.outputShape}: ${hover}`);
  assert.match(hover, new RegExp(`parameters\\s+${conv1.params.toLocaleString('en-US')}\\b`), `hover lacks ${conv1.params} parameters`);
  assert.match(hover, /receptive field\s+7 × 7 px/);
  assert.equal(conv1.params, 9408);
  await screenshot(page, 'json-source-convlens-hover');
  await page.keyboard.press('Escape');

  // F12 on "maxpool" in layer1.0.conv1's inputs jumps to the maxpool layer.
  const ref = find(name, '"inputs": ["maxpool"]', '"inputs": ["'.length + 2);
  assert.notEqual(ref.line, lineCol(text(name), pool.node.source!.offset).line);
  await goTo(name, ref);
  await page.keyboard.press('F12');
  const def = lineCol(text(name), pool.node.source!.offset);
  await waitCursor(def.line, def.col);
  await closeAll();
});

test('a shape error and a missing layer are in the Problems panel with their messages, on their lines', { timeout: 120_000 }, async () => {
  const name = 'broken.json';
  const problems = analyzeJsonText(BROKEN).problems;
  assert.equal(problems.length, 2, JSON.stringify(problems));
  const want = problems.map((p) => ({ message: p.message, ...lineCol(BROKEN, p.range.offset) }));
  assert.ok(want.some((p) => /channel counts disagree/.test(p.message) && p.line === 7), JSON.stringify(want));
  assert.ok(want.some((p) => /'nowhere' is not the name of a layer/.test(p.message) && p.line === 8), JSON.stringify(want));

  await openFromExplorer(page, name);
  await page.locator('.part.editor .monaco-editor').first().waitFor({ timeout: 20_000 });
  await runCommand(page, 'View: Focus Problems');
  const rows = page.locator('.markers-panel .monaco-list-row');
  const texts = await waitFor('both ConvLens problems in the Problems panel', async () => {
    const all = (await rows.allInnerTexts()).map(clean);
    return want.every((w) => all.some((t) => t.includes(w.message))) ? all : null;
  });
  for (const w of want) {
    const row = texts.find((t) => t.includes(w.message))!;
    assert.ok(row.includes(`[Ln ${w.line}, Col ${w.col}]`), `"${w.message}" is not at Ln ${w.line}, Col ${w.col}: ${row}`);
    assert.match(row, /ConvLens/);
  }
  await screenshot(page, 'json-source-problems');
  await runCommand(page, 'View: Hide Panel');
  await closeAll();
});

test('side graph: the cursor in a layer selects its node, a click on a node selects its layer, Reveal source reopens a closed editor', { timeout: 180_000 }, async () => {
  const name = 'resnet18.json';
  const src = text(name);
  await openFromExplorer(page, name);
  await page.locator('.part.editor .monaco-editor').first().waitFor({ timeout: 20_000 });
  await focusEditor(name);
  await runCommand(page, 'ConvLens: Open Graph to the Side');
  const { frame } = await graphFrame(page, name);

  // Cursor into a layer: its node is selected in the graph and its details are shown.
  const add = layer(name, 'layer1.0.add');
  const addAt = lineCol(src, add.node.source!.offset);
  await goTo(name, { line: addAt.line, col: addAt.col + 5 });
  await waitFor('the graph to select layer1.0.add', async () => (await selectedNode(frame)) === add.node.id);
  const details = await frame.locator('#cl-details').innerText();
  assert.match(details, /layer1\.0\.add/);
  await screenshot(page, 'json-source-cursor-selects-node');

  // A click on another node moves the editor's selection to that layer's JSON.
  const target = layer(name, 'layer2.0.downsample.0');
  const targetAt = lineCol(src, target.node.source!.offset);
  await clickNode(frame, target.node.id);
  await waitFor('the graph to select the clicked node', async () => (await selectedNode(frame)) === target.node.id);
  await focusEditor(name); // the status bar shows the cursor of the active text editor only
  await waitCursor(targetAt.line, targetAt.col);
  await screenshot(page, 'json-source-node-selects-layer');

  // With the text editor closed, Reveal source opens the document again at the layer.
  const tab = editorTab(name);
  await tab.click();
  await runCommand(page, 'View: Close Editor');
  await tab.waitFor({ state: 'detached', timeout: 10_000 });
  const fc = layer(name, 'fc');
  const fcAt = lineCol(src, fc.node.source!.offset);
  await clickNode(frame, fc.node.id);
  await frame.locator('#cl-details').getByText('Reveal source').click();
  await tab.waitFor({ timeout: 15_000 });
  await waitCursor(fcAt.line, fcAt.col);
  await screenshot(page, 'json-source-reveal-reopens');
});

test('the side graph comes back after a window reload, on the same document', { timeout: 180_000 }, async () => {
  const name = 'resnet18.json';
  await graphFrame(page, name, 10_000); // left open by the previous test
  // Developer: Reload Window, as a user would: the workbench saves its state (and our panel's) first; a bare page
  // reload would lose what was not flushed yet.
  const reloaded = page.waitForEvent('load', { timeout: 60_000 });
  await page.locator('.monaco-workbench').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').fill('>Developer: Reload Window');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Developer: Reload Window' }).first().click();
  await reloaded;
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  const { frame, report } = await graphFrame(page, name, 60_000);
  assert.ok(report.nodes > 50, `${report.nodes} boxes`);
  const restored = cs.logs(/convlens\.convlens[\\/]ConvLens\.log$/).some((l) => l.text.includes(`restoring the side graph of`) && l.text.includes(`${name}`));
  assert.ok(restored, 'the ConvLens log does not say the side graph was restored');
  const params = analyzeJsonText(text(name)).analysis!.totals.params;
  const summary = await frame.locator('#cl-summary').innerText();
  assert.ok(summary.includes(formatCount(params)), `summary lacks ${formatCount(params)} params: ${summary}`);
  // It is still wired to the text: the cursor in a layer selects its node.
  const stem = layer(name, 'maxpool');
  const at = lineCol(text(name), stem.node.source!.offset);
  await goTo(name, { line: at.line, col: at.col + 5 });
  await waitFor('the restored graph to follow the cursor', async () => (await selectedNode(frame)) === stem.node.id);
  await screenshot(page, 'json-source-after-reload');
});

test('the extension host logged no error from ConvLens', () => {
  const host = cs.logs(/remoteexthost\.log$/).flatMap((l) => l.text.split('\n'));
  assert.deepEqual(host.filter((l) => /\[error\]/i.test(l) && /convlens/i.test(l)), []);
  const channel = cs.logs(/convlens\.convlens[\\/]ConvLens\.log$/).flatMap((l) => l.text.split('\n'));
  assert.deepEqual(channel.filter((l) => /\[error\]/.test(l)), []);
});
