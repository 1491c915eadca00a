import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { InferenceClient } from '../../src/runtime/client';
import type { RunSpec, StepView } from '../../src/runtime/types';
import { corpus } from '../helpers/corpus';

/**
 * Step mode in the display language: the inference process words its explanations with the bundle the
 * host hands it (vscode.l10n.uri, as CONVLENS_L10N_BUNDLE). Every figure in a Korean explanation is the
 * one the English explanation shows: the translation moves words around the numbers, never a number.
 */
const root = join(__dirname, '..', '..');
const worker = { workerPath: join(root, 'src', 'runtime', 'worker.ts'), execArgv: ['--import', 'tsx'] };
const english = new InferenceClient(worker);
const korean = new InferenceClient({ ...worker, l10nBundle: join(root, 'l10n', 'bundle.l10n.ko.json') });
after(() => {
  english.dispose();
  korean.dispose();
});

const spec = (modelPath: string): RunSpec => ({
  modelPath, providers: ['cpu'], memoryBudgetMB: 2048, picture: { kind: 'pattern', pattern: 'digit' },
  normalization: 'auto', bgr: false, dims: {}, imagenetLabelsFile: join(root, 'media', 'labels', 'imagenet.txt'),
});

/** Every number and formula token (digits, shapes, ×, ·) in the order it appears. */
const figures = (s: string) => (s.match(/[\d][\d,.×·/]*/g) ?? []).join(' ');

test('the MNIST sample steps in Korean with the same figures as in English', async () => {
  const path = corpus('real', 'mnist_c_cxx.onnx');
  await english.run(spec(path));
  await korean.run(spec(path));
  const first = await english.step({ index: 0 });
  const seen = new Set<string>();
  for (let i = 0; i < first.count; i++) {
    const [en, ko]: StepView[] = [await english.step({ index: i }), await korean.step({ index: i })];
    assert.equal(ko.opType, en.opType);
    assert.deepEqual(ko.explanation.window, en.explanation.window, `${en.opType}: the window is the analysis's`);
    assert.equal(ko.explanation.params, en.explanation.params);
    const enText = [en.explanation.title, ...en.explanation.lines];
    const koText = [ko.explanation.title, ...ko.explanation.lines];
    assert.equal(koText.length, enText.length);
    for (let j = 0; j < enText.length; j++) {
      // The same figures (Korean word order may move a count within its sentence: compare as sets).
      assert.deepEqual(figures(koText[j]).split(' ').sort(), figures(enText[j]).split(' ').sort(), `${en.opType}: ${enText[j]} / ${koText[j]}`);
    }
    if (koText.some((l) => /[\uac00-\ud7a3]/.test(l))) seen.add(en.opType);
  }
  // Convolution, pooling, activation and the dense layers are explained in Korean, with the notes' terms.
  for (const op of ['Conv', 'MaxPool', 'Relu']) assert.ok(seen.has(op), `${op} in Korean: ${[...seen]}`);
  const conv = await korean.step({ index: 0 });
  assert.match(conv.explanation.title, /^합성곱 /);
  assert.match(conv.explanation.lines[0], /필터 .*스트라이드/);
});
