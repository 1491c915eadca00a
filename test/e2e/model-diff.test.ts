import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { repoRoot } from './harness/codeServer';
import { openSession, type Session } from './harness/session';
import { screenshot } from './harness/browser';
import { readModelBytes } from '../../src/formats/index';
import { analyze } from '../../src/analysis/analyze';
import { lowerKerasModel } from '../../src/lowering/lower';
import { encodeModel } from '../../src/formats/onnx/writer';
import { diffModels } from '../../src/diff/diff';
import { headline } from '../../src/diff/report';

/**
 * A reviewer's path: a model committed in a Git repository, changed, and the change opened from the
 * Source Control view. The diff tab shows both graphs; the new one marks the changed layers with
 * their deltas, as the core's diffModels computes them.
 */
let session: Session;
let page: Page;
let root: string;
let oldBytes: Uint8Array;
let newBytes: Uint8Array;

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
  const git = (...args: string[]) => execFileSync('git', args, { cwd: folder, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
  git('init', '-q', '-b', 'main');
  writeFileSync(join(folder, 'lenet5.onnx'), oldBytes);
  git('add', 'lenet5.onnx');
  git('commit', '-q', '-m', 'LeNet-5');
  writeFileSync(join(folder, 'lenet5.onnx'), newBytes);
  session = await openSession({ name: 'e2e-model-diff', folder });
  page = session.page;
});

after(async () => {
  await session?.close();
  rmSync(root, { recursive: true, force: true });
});

/** Graph frames that show a comparison, with what their header says and how many boxes are marked. */
async function diffFrames(): Promise<{ frame: Frame; head: string; marks: number }[]> {
  const out: { frame: Frame; head: string; marks: number }[] = [];
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    try {
      const r = await frame.evaluate(() => ({
        head: document.getElementById('cl-diff-head')?.textContent ?? '',
        marks: Number(document.getElementById('cl-stage')?.dataset.diffMarks ?? 0),
      }));
      if (r.head) out.push({ frame, ...r });
    } catch {
      // detached
    }
  }
  return out;
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

  const deadline = Date.now() + 90_000;
  let frames: Awaited<ReturnType<typeof diffFrames>> = [];
  while (Date.now() < deadline) {
    frames = await diffFrames();
    if (frames.length === 2 && frames.every((f) => f.marks > 0)) break;
    await page.waitForTimeout(500);
  }
  const log = () => session.cs.logs(/ConvLens/).map((l) => l.text).join('\n');
  assert.equal(frames.length, 2, `both sides of the diff tab show the comparison (found ${frames.length}); log:\n${log()}`);
  const heads = frames.map((f) => f.head).sort();
  // A working-tree change in Source Control is shown against the index (the Git extension's ref '~').
  assert.deepEqual(heads, [`compared with lenet5.onnx ${headline(want)}`, `compared with the index ${headline(want)}`]);
  // Each side marks the three changed layers (nothing was added or removed).
  assert.deepEqual(frames.map((f) => f.marks), [3, 3]);
  await screenshot(page, 'model-diff-scm', 'docs/images');
});
