import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { repoRoot } from './harness/codeServer';
import { openSession, type Session } from './harness/session';
import { runCommand, screenshot } from './harness/browser';
import { readModelBytes } from '../../src/formats/index';
import { analyze } from '../../src/analysis/analyze';
import { lowerKerasModel } from '../../src/lowering/lower';
import { encodeModel } from '../../src/formats/onnx/writer';
import { diffModels } from '../../src/diff/diff';
import { headline } from '../../src/diff/report';

/**
 * A reviewer's path: models committed in a Git repository, changed, and the changes opened from the
 * Source Control view. An .onnx change is a diff tab of both graphs; a JSON model's is VS Code's text
 * diff, whose "Compare Graphs" title action opens both graphs beside it. Each side marks the changed
 * layers with their deltas, as the core's diffModels computes them, and panning or zooming one side
 * moves the other to the matched layer.
 */
let session: Session;
let page: Page;
let root: string;
let oldBytes: Uint8Array;
let newBytes: Uint8Array;
let oldJson: string;
let newJson: string;

async function lenetOnnx(filtersC1: number): Promise<Uint8Array> {
  const m = JSON.parse(readFileSync(join(repoRoot, 'media/samples/zoo/lenet5.json'), 'utf8'));
  m.layers[0].filters = filtersC1;
  const model = await readModelBytes(new TextEncoder().encode(JSON.stringify(m)), '/tmp/lenet5.json');
  return encodeModel(lowerKerasModel(model));
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'convlens-e2e-git-'));
  const folder = join(root, 'models');
  mkdirSync(folder);
  oldBytes = await lenetOnnx(6);
  newBytes = await lenetOnnx(8);
  // The JSON change inserts a layer near the top, so every later layer sits lower on the new side:
  // a camera copied pixel for pixel would show the wrong layers.
  const m = JSON.parse(readFileSync(join(repoRoot, 'media/samples/zoo/lenet5.json'), 'utf8'));
  delete m.$schema;
  oldJson = JSON.stringify(m, null, 2);
  m.layers.splice(3, 0, { type: 'Conv2D', name: 'C2b', filters: 6, kernel_size: 1, activation: 'tanh' });
  newJson = JSON.stringify(m, null, 2);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: folder, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
  git('init', '-q', '-b', 'main');
  writeFileSync(join(folder, 'lenet5.onnx'), oldBytes);
  writeFileSync(join(folder, 'lenet5.convlens.json'), oldJson);
  git('add', 'lenet5.onnx', 'lenet5.convlens.json');
  git('commit', '-q', '-m', 'LeNet-5');
  writeFileSync(join(folder, 'lenet5.onnx'), newBytes);
  writeFileSync(join(folder, 'lenet5.convlens.json'), newJson);
  session = await openSession({ name: 'e2e-model-diff', folder });
  page = session.page;
});

after(async () => {
  await session?.close();
  rmSync(root, { recursive: true, force: true });
});

interface DiffFrame { frame: Frame; head: string; marks: number; title: string }

/** Graph frames that show a comparison, with what their header says and how many boxes are marked. */
async function diffFrames(title?: string): Promise<DiffFrame[]> {
  const out: DiffFrame[] = [];
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    try {
      const r = await frame.evaluate(() => ({
        head: document.getElementById('cl-diff-head')?.textContent ?? '',
        marks: Number(document.getElementById('cl-stage')?.dataset.diffMarks ?? 0),
        title: (window as unknown as { convlens?: { state: { graph: { title: string } | null } } }).convlens?.state.graph?.title ?? '',
        visible: document.visibilityState === 'visible' && innerWidth > 0,
      }));
      if (r.head && r.visible && (!title || r.title === title)) out.push({ frame, head: r.head, marks: r.marks, title: r.title });
    } catch {
      // detached
    }
  }
  return out;
}

async function waitForPair(title: string, timeoutMs = 90_000): Promise<DiffFrame[]> {
  const deadline = Date.now() + timeoutMs;
  let frames: DiffFrame[] = [];
  while (Date.now() < deadline) {
    frames = await diffFrames(title);
    if (frames.length === 2 && frames.every((f) => f.marks > 0)) break;
    await page.waitForTimeout(500);
  }
  return frames;
}

/** What a side shows: its camera, the matched layer nearest its middle, and its matches. */
interface SideView { cam: { scale: number; tx: number; ty: number }; anchor: { nodeId: string; dx: number; dy: number; scale: number } | null; pairs: Record<string, string> }

function readView(frame: Frame): Promise<SideView> {
  return frame.evaluate(() => {
    const app = (window as unknown as { convlens: { view: { cam: SideView['cam'] }; sync: { anchor(): SideView['anchor'] }; state: { diff: { pairs: Record<string, string> } } } }).convlens;
    return { cam: { ...app.view.cam }, anchor: app.sync.anchor(), pairs: app.state.diff.pairs };
  });
}

/** Where the box of `nodeId` is on screen relative to the middle of the view (null: not drawn). */
function boxOffset(frame: Frame, nodeId: string): Promise<{ dx: number; dy: number } | null> {
  return frame.evaluate((id) => {
    const app = (window as unknown as { convlens: { view: { cam: SideView['cam']; viewport: { width: number; height: number } }; state: { display: { indexOf: Map<string, number> }; scene: { layout: { x: Float64Array; y: Float64Array } } } } }).convlens;
    const v = app.state.display.indexOf.get(id);
    if (v === undefined) return null;
    const { cam, viewport } = app.view;
    return { dx: app.state.scene.layout.x[v] * cam.scale + cam.tx - viewport.width / 2, dy: app.state.scene.layout.y[v] * cam.scale + cam.ty - viewport.height / 2 };
  }, nodeId);
}

/** Drags the canvas of `frame` by (dx, dy) with the mouse, as a user pans. */
async function drag(frame: Frame, dx: number, dy: number): Promise<void> {
  const box = await frame.locator('canvas.cl-canvas').boundingBox();
  assert.ok(box, 'the graph canvas is on screen');
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(x + (dx * i) / 8, y + (dy * i) / 8);
  await page.mouse.up();
}

/** The diff at about `perSide` CSS px a side (side bar hidden), each side fitted: the README's pictures. */
async function diffScreenshots(frames: DiffFrame[], name: string): Promise<void> {
  await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
  for (const perSide of [800, 1600]) {
    await page.setViewportSize({ width: 2 * perSide + 60, height: 1000 });
    await page.waitForTimeout(1500);
    for (const f of frames) await f.frame.locator('#cl-fit').click();
    await page.waitForTimeout(1000);
    for (const f of frames) {
      const w = await f.frame.evaluate(() => innerWidth);
      assert.ok(Math.abs(w - perSide) < perSide * 0.1, `a side is ${w} px wide, not about ${perSide}`);
    }
    await screenshot(page, `${name}-${perSide}`, 'docs/images');
  }
  await page.setViewportSize({ width: 1600, height: 1000 });
  await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
  await page.waitForTimeout(1000);
}

/**
 * Pans one side and zooms the other, and checks that each time the other side shows the layer matched
 * to the mover's middle layer at the same place on screen and scale, and that nothing echoes back.
 */
async function checkFollows(a: Frame, b: Frame): Promise<{ a: SideView; b: SideView }> {
  const follows = async (mover: Frame, follower: Frame, what: string): Promise<SideView> => {
    const deadline = Date.now() + 20_000;
    let last = '';
    for (;;) {
      const m = await readView(mover);
      assert.ok(m.anchor, `${what}: the moved side has a matched layer in view`);
      const target = m.pairs[m.anchor.nodeId];
      const at = await boxOffset(follower, target);
      const f = await readView(follower);
      last = `${what}: mover shows ${m.anchor.nodeId} at (${m.anchor.dx.toFixed(1)}, ${m.anchor.dy.toFixed(1)}) scale ${m.cam.scale.toFixed(3)}; follower shows ${target} at ${at ? `(${at.dx.toFixed(1)}, ${at.dy.toFixed(1)})` : 'nowhere'} scale ${f.cam.scale.toFixed(3)}`;
      if (at && Math.abs(at.dx - m.anchor.dx) < 1 && Math.abs(at.dy - m.anchor.dy) < 1 && Math.abs(f.cam.scale - m.cam.scale) < 1e-6) return m;
      if (Date.now() > deadline) assert.fail(last);
      await page.waitForTimeout(200);
    }
  };
  const start = await readView(a);
  await drag(a, -60, -220);
  const moved = await follows(a, b, 'pan');
  assert.ok(Math.abs(moved.cam.ty - start.cam.ty) > 100, `the drag panned (ty ${start.cam.ty.toFixed(0)} → ${moved.cam.ty.toFixed(0)})`);
  // No echo: the side the user moved stays where the user left it.
  await page.waitForTimeout(1000);
  assert.deepEqual((await readView(a)).cam, moved.cam, 'the panned side was not moved back by the other');
  const box = await b.locator('canvas.cl-canvas').boundingBox();
  await page.mouse.move(box!.x + box!.width / 2, box!.y + box!.height / 3);
  await page.mouse.wheel(0, -240);
  const zoomed = await follows(b, a, 'zoom');
  assert.notEqual(zoomed.cam.scale, moved.cam.scale, 'the wheel zoomed');
  await page.waitForTimeout(1000);
  assert.deepEqual((await readView(b)).cam, zoomed.cam, 'the zoomed side was not moved back by the other');
  return { a: await readView(a), b: await readView(b) };
}

test('a changed .onnx opened from the Source Control view marks the changed layers with their deltas', { timeout: 180_000 }, async () => {
  const before = await readModelBytes(oldBytes, '/tmp/a.onnx');
  const after = await readModelBytes(newBytes, '/tmp/b.onnx');
  const want = diffModels({ model: before, analysis: analyze(before) }, { model: after, analysis: analyze(after) });
  // C1 gets 8 filters: C1, the pool after it (8 channels out) and C3 (reads 8 maps) change.
  assert.deepEqual(want.changed.map((c) => c.new.name), ['conv_1', 'averagepool_3', 'conv_5']);

  await page.keyboard.press('Control+Shift+G');
  const row = page.locator('.scm-view .monaco-list-row', { hasText: 'lenet5.onnx' }).first();
  await row.waitFor({ timeout: 60_000 });
  await row.click();

  const frames = await waitForPair('lenet5.onnx');
  const log = () => session.cs.logs(/ConvLens/).map((l) => l.text).join('\n');
  assert.equal(frames.length, 2, `both sides of the diff tab show the comparison (found ${frames.length}); log:\n${log()}`);
  const heads = frames.map((f) => f.head).sort();
  // A working-tree change in Source Control is shown against the index (the Git extension's ref '~').
  assert.deepEqual(heads, [`compared with lenet5.onnx ${headline(want)}`, `compared with the index ${headline(want)}`]);
  // Each side marks the three changed layers (nothing was added or removed).
  assert.deepEqual(frames.map((f) => f.marks), [3, 3]);
  await screenshot(page, 'model-diff-scm', 'docs/images');
  await diffScreenshots(frames, 'model-diff');
  const newSide = frames.find((f) => f.head.startsWith('compared with the index'))!.frame;
  const oldSide = frames.find((f) => f !== frames.find((g) => g.frame === newSide))!.frame;
  await checkFollows(newSide, oldSide);
});

test('a changed JSON model: its text diff\'s "Compare Graphs" opens both graphs, marked and panning together by matched layers', { timeout: 180_000 }, async () => {
  const parse = (text: string, path: string) => readModelBytes(new TextEncoder().encode(text), path);
  const before = await parse(oldJson, '/tmp/a/lenet5.convlens.json');
  const after = await parse(newJson, '/tmp/b/lenet5.convlens.json');
  const want = diffModels({ model: before, analysis: analyze(before) }, { model: after, analysis: analyze(after) });
  assert.deepEqual(want.added.map((l) => l.name), ['C2b']);

  const row = page.locator('.scm-view .monaco-list-row', { hasText: 'lenet5.convlens.json' }).first();
  await row.waitFor({ timeout: 60_000 });
  await row.click();
  // VS Code's own text diff opens; its title bar has our action.
  await page.locator('.monaco-diff-editor').first().waitFor({ timeout: 60_000 });
  const action = page.locator('.editor-actions .action-label[aria-label="Compare Graphs"]').first();
  await action.waitFor({ timeout: 30_000 });
  await action.click();

  const frames = await waitForPair('lenet5.convlens.json');
  const log = () => session.cs.logs(/ConvLens/).map((l) => l.text).join('\n');
  assert.equal(frames.length, 2, `both graphs show the comparison (found ${frames.length}); log:\n${log()}`);
  const newSide = frames.find((f) => f.head.startsWith('compared with the index'));
  const oldSide = frames.find((f) => f !== newSide);
  assert.ok(newSide && oldSide, frames.map((f) => f.head).join(' | '));
  assert.equal(newSide.head, `compared with the index ${headline(want)}`);
  assert.equal(oldSide.head, `compared with lenet5.convlens.json ${headline(want)}`);
  // The new side marks the added layer and what it changed downstream; the old side only the changes.
  assert.equal(newSide.marks, want.added.length + want.changed.length + want.receptiveFieldOnly.length);
  assert.equal(oldSide.marks, want.removed.length + want.changed.length + want.receptiveFieldOnly.length);
  await screenshot(page, 'model-diff-json', 'docs/images');
  const { a, b } = await checkFollows(newSide.frame, oldSide.frame);
  // The layouts differ (a layer was inserted): the two cameras are not the same, the layers are.
  assert.notEqual(a.cam.ty, b.cam.ty, 'the sides show matched layers at different world positions');
});
