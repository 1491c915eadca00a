/**
 * The memory budget is planned with the dim values of the run. The host always inspects a model (with no
 * dim values) before it runs it; the session opened then must not be reused for a run whose dims change
 * what fits in the budget.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from '../../src/runtime/engine';
import { defaultAccess } from '../../src/runtime/access';
import { captureCandidates } from '../../src/runtime/capture';
import type { RunSpec } from '../../src/runtime/types';
import { corpus } from '../helpers/corpus';

const engine = new Engine(defaultAccess);
after(() => engine.dispose());

test('inspect then run with a larger symbolic batch: the capture is planned for the run, not the inspect', async () => {
  const path = corpus('keras-json', 'mnist_cnn.json');
  const model = await defaultAccess.read(path);
  const analysis = defaultAccess.analyze(model);
  const total = (dims: Record<string, number>) => captureCandidates(model, analysis, dims).reduce((a, c) => a + c.bytes, 0);
  // Everything fits with N = 1 and nothing like everything with N = 64.
  const budgetMB = (total({ N: 1 }) * 2) / (1024 * 1024);
  assert.ok(total({ N: 64 }) > budgetMB * 1024 * 1024 * 4);
  const base = { modelPath: path, providers: ['cpu'], memoryBudgetMB: budgetMB };
  const spec = (N: number): RunSpec => ({ ...base, picture: { kind: 'pattern', pattern: 'digit' }, normalization: 'auto', bgr: false, dims: { N }, noThumbnails: true });

  await engine.inspect(base);
  const small = await engine.run(spec(1));
  assert.equal(small.sessionReused, true, 'the same plan keeps the inspected session');
  assert.ok(!small.notes.some((n) => n.includes('not captured')), small.notes.join('\n'));

  await engine.inspect(base);
  const big = await engine.run(spec(64));
  assert.equal(big.sessionReused, false);
  assert.ok(big.notes.some((n) => /tensors were not captured: they would pass the memory budget/.test(n)), big.notes.join('\n'));
  const captured = new Set(big.tensors.map((t) => t.name));
  const bytes = captureCandidates(model, analysis, { N: 64 }).filter((c) => captured.has(c.tensor) && !c.isGraphOutput).reduce((a, c) => a + c.bytes, 0);
  assert.ok(bytes <= budgetMB * 1024 * 1024, `${bytes} bytes captured for a budget of ${budgetMB} MB`);

  // The host inspects before every run: the session made for N = 64 serves the next inspect and run.
  await engine.inspect(base);
  assert.equal((await engine.run(spec(64))).sessionReused, true);
});
