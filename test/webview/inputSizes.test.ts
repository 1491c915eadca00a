import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/analyze';
import { readModelBytes } from '../../src/formats/index';
import type { Model } from '../../src/ir/types';
import { buildViewGraph } from '../../src/view/buildViewGraph';
import { formatCount } from '../../webview/common/format';
import { corpus } from '../helpers/corpus';
import { withInputDims } from '../helpers/dynamicInputs';
import { corpusGraph } from './corpusGraphs';
import { pageErrors, posted, showGraph, startHarness, type Harness } from './harness';

/** The input-size control of the graph view, fed by the real analysis of a SqueezeNet with symbolic height and width. */
let h: Harness;
let model: Model;

before(async () => {
  model = await readModelBytes(await withInputDims(corpus('onnx-backend', 'light', 'light_squeezenet.onnx'), ['N', 3, 'height', 'width']), 'squeezenet-dynamic.onnx');
  h = await startHarness();
});
after(async () => h?.close());

const graphAt = (dimValues?: Record<string, number>) => buildViewGraph(model, analyze(model, { dimValues }), 'squeezenet-dynamic.onnx');

interface Field { dim: string; value: string; cls: string; badge: string }

function fields(page: import('playwright-core').Page): Promise<Field[]> {
  return page.$$eval('#cl-input-sizes .cl-dim', (labels) => labels.map((l) => {
    const i = l.querySelector('input') as HTMLInputElement;
    return { dim: i.dataset.dim ?? '', value: i.value, cls: i.className, badge: l.querySelector('.cl-dim-source')?.textContent ?? '' };
  }));
}

test('each symbolic input dim gets a field with its default, marked as one; the header says where the MACs are taken', async () => {
  const page = await h.open({ width: 1200 });
  const g = graphAt();
  await showGraph(page, g);
  assert.equal(await page.locator('#cl-input-sizes').getAttribute('data-state'), 'symbolic');
  assert.deepEqual((await fields(page)).map((f) => [f.dim, f.value, f.badge]), [['N', '1', 'default'], ['height', '224', 'default'], ['width', '224', 'default']]);
  assert.ok((await fields(page)).every((f) => f.cls.includes('cl-dim-default')));
  const summary = await page.locator('#cl-summary').innerText();
  assert.ok(summary.includes(`${formatCount(g.totals.macs)} at N=1, height=224, width=224 (default sizes)`), summary);
  assert.equal(await page.locator('#cl-dim-reset').count(), 0);

  // The user types a height: the view asks the host to analyse at it (the host answers with a new graph).
  await page.locator('#cl-input-sizes input[data-dim="height"]').fill('480');
  await page.locator('#cl-input-sizes input[data-dim="height"]').press('Enter');
  await page.waitForFunction(() => (window as any).__posted.some((m: { type: string }) => m.type === 'setInputSizes'));
  assert.deepEqual((await posted(page)).filter((m) => m.type === 'setInputSizes'), [{ type: 'setInputSizes', values: { height: 480 } }]);

  const at480 = graphAt({ height: 480 });
  await showGraph(page, at480, true);
  assert.equal(await page.locator('#cl-input-sizes').getAttribute('data-state'), 'chosen');
  assert.deepEqual((await fields(page)).map((f) => [f.dim, f.value, f.badge]), [['N', '1', 'default'], ['height', '480', ''], ['width', '224', 'default']]);
  const after = await page.locator('#cl-summary').innerText();
  assert.ok(after.includes(`${formatCount(at480.totals.macs)} at N=1, height=480, width=224 (N, width default)`), after);
  assert.ok(after.includes('data_0 1×3×480×224'), after);
  // Every edge label is a concrete shape now.
  const labels: string[] = await page.evaluate(() => (window as any).convlens.debug.display.edges.map((e: { label: string }) => e.label));
  assert.ok(labels.length > 50 && labels.every((l) => !/height|width/.test(l)), labels.slice(0, 5).join(' | '));

  // A second field keeps the first choice; "Defaults" forgets both.
  await page.locator('#cl-input-sizes input[data-dim="width"]').fill('640');
  await page.locator('#cl-input-sizes input[data-dim="width"]').press('Enter');
  await page.waitForFunction(() => (window as any).__posted.filter((m: { type: string }) => m.type === 'setInputSizes').length === 2);
  assert.deepEqual((await posted(page)).filter((m) => m.type === 'setInputSizes')[1], { type: 'setInputSizes', values: { height: 480, width: 640 } });
  await page.locator('#cl-dim-reset').click();
  assert.deepEqual((await posted(page)).filter((m) => m.type === 'setInputSizes')[2], { type: 'setInputSizes', values: null });
  // A size that is not a whole positive number is not sent.
  await page.locator('#cl-input-sizes input[data-dim="N"]').fill('0');
  await page.locator('#cl-input-sizes input[data-dim="N"]').press('Enter');
  assert.equal((await posted(page)).filter((m) => m.type === 'setInputSizes').length, 3);
  assert.deepEqual(pageErrors(page).filter((e) => !e.includes('404')), []);
  await page.close();
});

test('a model whose input sizes are all fixed shows no input-size control', async () => {
  const page = await h.open();
  await showGraph(page, await corpusGraph('real', 'mnist_c_cxx.onnx'));
  assert.ok(await page.locator('#cl-input-sizes').evaluate((el) => el.classList.contains('cl-hidden')));
  assert.doesNotMatch(await page.locator('#cl-summary').innerText(), / at /);
  await page.close();
});
