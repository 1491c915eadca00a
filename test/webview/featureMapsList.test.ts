import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Engine } from '../../src/runtime/engine';
import { defaultAccess } from '../../src/runtime/access';
import type { RunResult } from '../../src/runtime/types';
import { featureMapTensors } from '../../src/runtime/lowered';
import type { FromFeatureMaps, ToFeatureMaps } from '../../src/protocol/featureMaps';
import { corpus } from '../helpers/corpus';
import { startFeatureMapsHarness, type FeatureMapsHarness } from './featureMapsHarness';

/**
 * The Feature Maps panel's layer list on a real ResNet-50 run (ONNX Runtime, through src/runtime):
 * every layer by its name, op and whole shape ("1×64×56×56", never "1×64×56›"), at a narrow panel too.
 */
let h: FeatureMapsHarness;
const engine = new Engine(defaultAccess);
let run: RunResult;
const shots = process.env.CONVLENS_SHOTS ?? join(tmpdir(), 'convlens-shots');
const MODEL = corpus('onnx-backend', 'light', 'light_resnet50.onnx');

before(async () => {
  run = await engine.run({
    modelPath: MODEL, providers: ['cpu'], memoryBudgetMB: 512, picture: { kind: 'pattern', pattern: 'digit' },
    normalization: 'auto', bgr: false, dims: {}, imagenetLabelsFile: join(__dirname, '..', '..', 'media', 'labels', 'imagenet.txt'),
  });
  h = await startFeatureMapsHarness();
});
after(async () => {
  await h?.close();
  await engine.dispose();
});

async function openPanel(width: number): Promise<Page> {
  const page = await h.open(async (m: FromFeatureMaps, post: (m: ToFeatureMaps) => Promise<void>) => {
    if (m.type === 'ready') await post({ type: 'fmRun', model: MODEL, where: run.where, millis: run.millis, notes: run.notes, top5: run.top5, tensors: featureMapTensors(run) });
    else if (m.type === 'detail') await post({ type: 'reply', id: m.id, ok: true, value: await engine.detail(m.tensor, { firstChannel: m.firstChannel ?? 0 }) });
  });
  await page.setViewportSize({ width, height: 900 });
  await page.locator('.tensor-item').first().waitFor();
  return page;
}

interface Row { tensor: string; name: string; op: string; shape: string; cut: string[] }

/** Each row's texts, and which of its parts draw past their box (text cut or hidden). */
function rows(page: Page): Promise<Row[]> {
  return page.locator('.tensor-item').evaluateAll((els) => els.map((el) => {
    const part = (c: string) => el.querySelector<HTMLElement>(`.${c}`)!;
    const cut = ['name', 'op', 'shape'].filter((c) => {
      const p = part(c);
      const box = el.getBoundingClientRect();
      const r = p.getBoundingClientRect();
      return p.scrollWidth > p.clientWidth + 1 || r.right > box.right + 0.5 || r.left < box.left - 0.5;
    });
    return { tensor: (el as HTMLElement).dataset.tensor!, name: part('name').innerText, op: part('op').innerText, shape: part('shape').innerText, cut };
  }));
}

for (const width of [500, 1200]) {
  test(`${width} px: every layer listed by name, op and whole shape, nothing cut`, async () => {
    const page = await openPanel(width);
    const list = await rows(page);
    const want = featureMapTensors(run);
    assert.equal(list.length, want.length);
    assert.ok(want.some((t) => t.shape.join('×') === '1×64×56×56'), 'ResNet-50 has 1×64×56×56 maps');
    list.forEach((r, i) => {
      assert.equal(r.tensor, want[i].tensor);
      assert.equal(r.name, want[i].producer, 'the layer name');
      assert.equal(r.op, want[i].opType);
      assert.equal(r.shape, want[i].shape.join('×'), 'the whole shape');
      assert.deepEqual(r.cut, [], `${r.name}: ${r.cut.join(', ')} cut`);
    });
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, `feature-maps-list-${width}.png`) });
    await page.close();
  });
}

test('the check catches a cut shape (the old list: one line, the shape clipped)', async () => {
  const page = await openPanel(500);
  await page.evaluate(() => {
    const list = document.querySelector<HTMLElement>('.tensor-list')!;
    list.style.width = '80px';
    for (const s of document.querySelectorAll<HTMLElement>('.tensor-item .shape')) {
      s.style.whiteSpace = 'nowrap';
      s.style.overflow = 'hidden';
      s.style.overflowWrap = 'normal';
    }
  });
  assert.ok((await rows(page)).some((r) => r.cut.includes('shape')));
  await page.close();
});
