import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { repoRoot } from './harness/codeServer';
import { openSession, type Session } from './harness/session';
import { frameWaiter, openFromExplorer, runCommand, screenshot, webviewFrame } from './harness/browser';
import { graphFrame, runOnDigit } from './harness/graph';
import { readModelFile } from '../../src/formats/index';
import { analyze } from '../../src/analysis/analyze';

/**
 * ConvLens in Korean in a real VS Code whose display language is Korean: code-server with a Korean
 * language pack installed and `--locale ko` (test/e2e/harness/codeServer.ts says how), so the
 * extension host reports `vscode.env.language === 'ko'` and VS Code hands ConvLens its Korean bundle.
 * The graph view and Step mode speak Korean, with the analysis's own figures.
 */
let session: Session;
let page: Page;
let folder: string;
const MODEL = 'mnist_c_cxx.onnx';

before(async () => {
  session = await openSession({ name: 'e2e-korean-last', locale: 'ko', copy: { [MODEL]: join(repoRoot, 'media', 'samples', MODEL) } });
  ({ page, folder } = session);
});

after(async () => {
  await session?.close();
});

const waitFor = frameWaiter(() => page, 'e2e-korean-failed');

test('the display language is Korean: the workbench and the extension host say ko', async () => {
  // The workbench loaded the language pack's messages: its language global and the Explorer's own actions.
  assert.equal(await page.evaluate(() => (globalThis as unknown as { _VSCODE_NLS_LANGUAGE?: string })._VSCODE_NLS_LANGUAGE), 'ko');
  await page.locator('[aria-label^="탐색기 새로 고침"]').first().waitFor({ state: 'attached', timeout: 20_000 });
  // The extension host: ConvLens logs vscode.env.language when it activates (after the first model opens).
  await openFromExplorer(page, MODEL);
  await graphFrame(page, MODEL);
  const deadline = Date.now() + 20_000;
  let logs = '';
  while (!/ConvLens activated/.test(logs) && Date.now() < deadline) {
    await page.waitForTimeout(250);
    logs = session.cs.logs(/ConvLens\.log$/).map((l) => l.text).join('\n');
  }
  assert.match(logs, /ConvLens activated \(display language ko\)/, logs || 'no ConvLens log file');
  // The manifest's Korean (package.nls.ko.json): the commands in the Command Palette.
  await page.locator('.monaco-workbench').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').fill('>ConvLens');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'ConvLens: 샘플 모델 열기 (MNIST CNN)' }).first().waitFor({ timeout: 10_000 });
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'ConvLens: 특징 맵 보기' }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Escape');
});

test('the graph view and Step mode of the MNIST sample are in Korean, with the analysis\'s figures', { timeout: 240_000 }, async () => {
  const { frame: graph } = await graphFrame(page, MODEL);
  assert.equal(await graph.evaluate(() => document.documentElement.lang), 'ko', 'the page is told vscode.env.language');
  // Hangul is drawn as glyphs: without a Korean font every syllable is the same missing-glyph box.
  const distinct = await graph.evaluate(() => {
    const seen = new Set<string>();
    for (const ch of ['합', '성', '곱']) {
      const c = document.createElement('canvas');
      c.width = c.height = 32;
      const g = c.getContext('2d')!;
      g.font = `24px ${getComputedStyle(document.body).fontFamily}`;
      g.fillText(ch, 2, 26);
      seen.add(Array.from(g.getImageData(0, 0, 32, 32).data).join(','));
    }
    return seen.size;
  });
  assert.equal(distinct, 3, 'Hangul syllables render as three different glyphs (a Korean font is installed: fonts-nanum in .ci/run)');
  // Toolbar, summary and inference bar in Korean.
  assert.equal(await graph.locator('#cl-fit').getAttribute('title'), '화면에 맞추기 (0)');
  const summary = await graph.locator('#cl-summary').innerText();
  assert.match(summary, /형식\s+ONNX/, summary);
  assert.match(summary, /파라미터\s+[\d,.]+/, summary);
  assert.match(await graph.locator('#cl-run').innerText(), /실행/);
  assert.match(await graph.locator('#cl-legend').innerText(), /합성곱/);

  // The first convolution's details: the analysis's formula, Korean labels.
  const model = await readModelFile(join(folder, MODEL));
  const a = analyze(model);
  const conv = a.order.map((id) => a.nodeById.get(id)!).find((n) => n.opType === 'Conv')!;
  const [cout, cin, kh, kw] = model.graph.initializers.get(conv.inputs[1])!.dims;
  await graph.locator('#cl-search').fill(conv.id);
  await graph.locator('#cl-search').press('Enter');
  await graph.locator('#cl-details:not(.cl-hidden)').waitFor({ timeout: 30_000 });
  const details = await graph.locator('#cl-details').innerText();
  assert.match(details, /수용 영역/, details);
  assert.match(details, /출력 크기/, details);
  const formulas = a.nodes.get(conv.id)?.window?.axes.map((x) => x.formula) ?? [];
  assert.ok(formulas.length === 2, 'the analysis gives the first convolution its H and W formulas');
  for (const f of formulas) assert.ok(details.includes(f), `${f} in\n${details}`);
  await screenshot(page, 'graph-mnist-ko', 'docs/images');
  await graph.locator('#cl-details .cl-close').click();

  // Run on the digit and open Step mode.
  await runOnDigit(graph, waitFor);
  const said = await graph.locator('#cl-inf-status').innerText();
  assert.match(said, /^cpu에서 \d+(\.\d+)? m?s 동안 실행 · 텐서 \d+개 그림/, said);
  await graph.locator('#cl-feature-maps').click();
  const maps = await webviewFrame(page, '.tensor-list .tensor-item');
  await maps.getByRole('button', { name: '단계 ←/→' }).click();
  await waitFor(maps, () => /^층 1 \/ \d+: Conv/.test(document.querySelector('.step-nav span')?.textContent ?? ''), 'Step mode did not open at the first layer');
  const explain = await maps.locator('.explain').innerText();
  assert.ok(explain.includes(`합성곱 [1, ${cin}, 28, 28] → [1, ${cout}, 28, 28]`), explain);
  assert.ok(explain.includes(`입력 채널 ${cin}개에 걸친 ${kh}×${kw} 필터 ${cout}개`), explain);
  assert.match(explain, /스트라이드 1×1, 패딩 /, explain);
  assert.match(explain, /H: ⌈28\/1⌉ = 28 ✓/, explain);
  assert.ok(explain.includes(`params = C_out·C_in/group·kH·kW = ${cout}·${cin}/1·${kh}·${kw} = ${cout * cin * kh * kw} (편향 없음)`), explain);
  assert.match(await maps.locator('.step').innerText(), /입력[\s\S]*출력/);
  // Without the side bar the Feature Maps panel is about 800 px wide: the explanation reads in one line.
  await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
  await maps.locator('.explain').waitFor();
  await screenshot(page, 'step-mnist-ko', 'docs/images');

  // The arithmetic of one output pixel of channel 0, (14, 14), in Korean: the title, the stages, the verdict.
  const img = maps.locator('.step-col').nth(1).locator('.grid-img');
  await img.scrollIntoViewIfNeeded();
  const g = await img.evaluate((e: HTMLImageElement) => ({ nw: e.naturalWidth, cw: e.clientWidth }));
  const box = (await img.boundingBox())!;
  const cols = Math.ceil(Math.sqrt(cout));
  const tile = (g.nw - (cols - 1) * 2) / cols; // Step mode's grid: 2 px gaps, 28×28 maps
  const z = g.cw / g.nw;
  await page.mouse.click(box.x + (14.5 * tile / 28) * z, box.y + (14.5 * tile / 28) * z);
  await waitFor(maps, () => document.querySelector('.arith .arith-stages') !== null, 'the click on the output grid opened no arithmetic');
  assert.equal(await maps.locator('.arith h3').innerText(), 'Conv: 채널 0의 출력 (14, 14) 계산');
  const stages = await maps.locator('.arith-stages').innerText();
  assert.match(stages, /✓ 일치/, stages);
  assert.doesNotMatch(stages, /agree/, stages);
  assert.match(await maps.locator('.arith-final').innerText(), /^계산한 값 -?[\d.e+-]+; ONNX Runtime의 값 -?[\d.e+-]+\.$/);
  assert.match(await maps.locator('.arith-controls').innerText(), /재생/);
  await maps.locator('.arith h3').scrollIntoViewIfNeeded();
  await screenshot(page, 'arithmetic-mnist-ko', 'docs/images');
});
