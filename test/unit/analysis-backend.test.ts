/**
 * Oracle: ONNX's own backend test data. For every test folder (walked, not hand-picked), the shape
 * the analysis infers for each graph output must equal the dims of the expected output tensor
 * test_data_set_0/output_N.pb that ONNX generated with its reference implementation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readModelFile } from '../../src/formats/index';
import { analyze } from '../../src/analysis/analyze';
import { corpus } from '../helpers/corpus';
import { pbDims } from '../helpers/tensorPb';


for (const suite of ['node', 'pytorch-converted']) {
  const root = corpus('onnx-backend', suite);
  const folders = readdirSync(root).filter((f) => existsSync(join(root, f, 'model.onnx'))).sort();
  test(`onnx-backend/${suite}: every folder has a model`, () => {
    assert.ok(folders.length > 40, `only ${folders.length} folders found in ${root}`);
  });
  for (const folder of folders) {
    test(`${suite}/${folder}: inferred output shapes equal ONNX's expected outputs`, async () => {
      const model = await readModelFile(join(root, folder, 'model.onnx'));
      const a = analyze(model, { useDeclaredShapes: false });
      const hard = a.warnings.filter((w) => w.kind === 'cannot-infer' || w.kind === 'shape-mismatch');
      assert.deepEqual(hard, [], 'analysis warnings');
      model.graph.outputs.forEach((o, i) => {
        const expected = pbDims(join(root, folder, 'test_data_set_0', `output_${i}.pb`));
        assert.deepEqual(a.tensors.get(o.name)?.shape, expected, `output ${i} '${o.name}'`);
      });
    });
  }
}
