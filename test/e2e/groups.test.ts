import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { openFromExplorer } from './harness/browser';
import { openSession, type Session } from './harness/session';
import { graphFrame } from './harness/graph';
import { corpus } from '../helpers/corpus';

/**
 * Groups in the packaged extension: a ResNet-50 export without scope names, opened in code-server,
 * collapses through the toolbar to its 4 stages and then its 16 bottlenecks, each box saying the
 * analysis's figures; expanding a stage from its details shows its bottlenecks again.
 */
let session: Session;
let page: Page;
let frame: Frame;
const FILE = 'light_resnet50.onnx';

before(async () => {
  session = await openSession({ name: 'groups', copy: { [FILE]: corpus('onnx-backend', 'light', FILE) } });
  ({ page } = session);
  await openFromExplorer(page, FILE);
  frame = (await graphFrame(page, FILE, 120_000)).frame;
});

after(async () => {
  await session?.close();
});

interface GroupBox { title: string; name: string; label: string; params: number | null; macs: number | null }

/** Chooses a depth in the toolbar's 'Collapse to…' (inside the '⋯' menu at narrow widths: set as the user's choice would) and reads the group boxes drawn. */
async function collapseTo(depth: number): Promise<GroupBox[]> {
  return frame.evaluate((d) => new Promise<GroupBox[]>((resolve) => {
    document.addEventListener('convlens-rendered', () => {
      const s = (window as any).convlens.debug.scene;
      resolve(s.display.nodes.filter((n: any) => n.kind === 'group').map((n: any) => ({ title: n.title, name: n.name, label: n.label, params: n.params, macs: n.macs })));
    }, { once: true });
    const select = document.getElementById('cl-depth') as HTMLSelectElement;
    select.value = String(d);
    select.dispatchEvent(new Event('change'));
  }), depth) as Promise<GroupBox[]>;
}

test('light ResNet-50 in code-server: 4 stages of 3, 4, 6, 3 bottlenecks, then 16 bottlenecks, with their figures', { timeout: 120_000 }, async () => {
  const stages = await collapseTo(1);
  assert.deepEqual(stages.map((b) => b.title), ['stage 1: 3 × bottleneck', 'stage 2: 4 × bottleneck', 'stage 3: 6 × bottleneck', 'stage 4: 3 × bottleneck']);
  // He et al. Table 1: stage 1 is three bottlenecks of width 64 at 56×56.
  assert.equal(stages[0].label, '64×56×56 → 256×56×56');
  assert.equal(stages[0].params, 215_808);
  const blocks = await collapseTo(2);
  assert.equal(blocks.length, 16);
  assert.equal(blocks[0].title, 'bottleneck 1');
  assert.equal(blocks[0].params, 75_008);
  assert.equal(blocks.reduce((t, b) => t + (b.params ?? 0), 0), stages.reduce((t, b) => t + (b.params ?? 0), 0));
});
