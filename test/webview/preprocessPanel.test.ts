import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Engine } from '../../src/runtime/engine';
import { defaultAccess } from '../../src/runtime/access';
import { featureMapTensors } from '../../src/runtime/lowered';
import { DEFAULT_PREPROCESS, presetSettings, type PreprocessSettings } from '../../src/runtime/preprocess';
import type { RunResult } from '../../src/runtime/types';
import type { FromFeatureMaps, ToFeatureMaps } from '../../src/protocol/featureMaps';
import { corpus } from '../helpers/corpus';
import { startFeatureMapsHarness, type FeatureMapsHarness } from './featureMapsHarness';

/**
 * The preprocessing panel in headless Chromium on real runs: it shows what was done to the picture (as
 * the engine applied it), and a choice made in it reaches the host as the settings of the next run, which
 * the test then runs and shows again.
 */
let h: FeatureMapsHarness;
const engine = new Engine(defaultAccess);
const MNIST = corpus('real', 'mnist_c_cxx.onnx');
const FACE = corpus('real', 'Ultraface_version-RFB-320.onnx');
const shots = process.env.CONVLENS_SHOTS ?? join(tmpdir(), 'convlens-shots');

before(async () => {
  h = await startFeatureMapsHarness();
});
after(async () => {
  await h?.close();
  await engine.dispose();
});

const runOf = (modelPath: string, preprocessing: PreprocessSettings) => engine.run({ modelPath, providers: ['cpu'], memoryBudgetMB: 256, picture: { kind: 'pattern', pattern: 'digit' }, preprocessing, dims: {} });

/** The panel on `model`; each settings message runs the model again with them, as the host does. */
async function openPanel(model: string, first: PreprocessSettings, sent: PreprocessSettings[]): Promise<Page> {
  let settings = first;
  let run: RunResult = await runOf(model, settings);
  const fmRun = (): ToFeatureMaps => ({ type: 'fmRun', model, where: run.where, millis: run.millis, notes: run.notes, top5: run.top5, tensors: featureMapTensors(run), preprocessing: run.preprocessing, settings });
  return h.open(async (m: FromFeatureMaps, post) => {
    if (m.type === 'ready') await post(fmRun());
    else if (m.type === 'detail') await post({ type: 'reply', id: m.id, ok: true, value: await engine.detail(m.tensor, { firstChannel: m.firstChannel ?? 0 }) });
    else if (m.type === 'fmPreprocess') {
      sent.push(m.settings);
      settings = m.settings;
      run = await runOf(model, settings);
      await post(fmRun());
    } else if (m.type === 'fmRerun') {
      run = await runOf(model, settings);
      await post(fmRun());
    }
  });
}

const errors = (page: Page) => (page as Page & { errors?: string[] }).errors ?? [];

test("MNIST: the panel says what 'auto' chose and how the input was laid out", async () => {
  const page = await openPanel(MNIST, DEFAULT_PREPROCESS, []);
  const table = page.locator('.prep-applied');
  await table.waitFor();
  const text = await table.innerText();
  assert.match(text, /x = \(pixel − 0\) \/ 255/);
  assert.match(text, /auto chose \[0, 1\]: the input has 1 channel/);
  assert.match(text, /NCHW · read directly by Conv/);
  assert.match(text, /pattern 'digit'/);
  assert.match(text, /drawn at 28×28/);
  assert.deepEqual(errors(page), []);
  await page.close();
});

test('Ultraface: choosing (x − 127) / 128 sends it, the next run applies it, and the panel shows it; a bad custom std is refused', async () => {
  const sent: PreprocessSettings[] = [];
  const page = await openPanel(FACE, DEFAULT_PREPROCESS, sent);
  await page.locator('.prep-applied').waitFor();
  assert.match(await page.locator('.prep-applied').innerText(), /auto chose ImageNet mean\/std/);
  await page.selectOption('select[name=preset]', 'tf127_128');
  assert.equal(await page.inputValue('input[name=mean]'), '127');
  assert.equal(await page.inputValue('input[name=std]'), '128');
  await page.click('.prep-apply');
  await page.waitForFunction(() => /x = \(pixel − 127\) \/ 128/.test(document.querySelector('.prep-applied')?.textContent ?? ''));
  assert.deepEqual(sent.map((s) => [s.preset, s.mean, s.std]), [['tf127_128', [127], [128]]]);
  assert.equal(await page.inputValue('select[name=preset]'), 'tf127_128', 'the panel shows the choice kept');
  for (const width of [800, 1600]) {
    await page.setViewportSize({ width, height: 900 });
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, `preprocess-ultraface-${width}.png`) });
  }
  // The custom form: a zero std is refused with a message, nothing is sent.
  await page.selectOption('select[name=preset]', 'custom');
  await page.fill('input[name=std]', '0');
  await page.click('.prep-apply');
  assert.match(await page.locator('.prep-error').innerText(), /std: one to four non-zero numbers/);
  assert.equal(sent.length, 1);
  await page.fill('input[name=mean]', '104, 117, 123');
  await page.fill('input[name=std]', '1');
  await page.selectOption('select[name=channels]', 'BGR');
  await page.click('.prep-apply');
  await page.waitForFunction(() => /x = \(pixel − \(104, 117, 123\)\) \/ 1/.test(document.querySelector('.prep-applied')?.textContent ?? ''));
  assert.deepEqual([sent[1].preset, sent[1].channels, sent[1].mean], ['custom', 'BGR', [104, 117, 123]]);
  assert.match(await page.locator('.prep-applied').innerText(), /BGR · 3/);
  // Closed by the user, the panel stays closed when the next run draws it again.
  const isOpen = () => page.locator('details.prep').evaluate((d) => (d as HTMLDetailsElement).open);
  assert.equal(await isOpen(), true, 'open by default');
  await page.click('details.prep > summary');
  const old = await page.locator('details.prep').elementHandle();
  await page.click('header.header button:has-text("Run again")');
  await page.waitForFunction((e) => document.querySelector('details.prep') !== null && document.querySelector('details.prep') !== e, old);
  assert.equal(await isOpen(), false, 'the panel opened again after a run');
  assert.deepEqual(errors(page), []);
  await page.close();
  assert.deepEqual(presetSettings('tf127_128').mean, [127]);
});
