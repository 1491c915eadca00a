/**
 * Oracle: ONNX's backend test data for the quantisation operators (Debian's libonnx-testdata, and
 * ../shared/models/onnx-backend where it has them). Every folder whose model uses one of them (walked,
 * not hand-picked) must infer each output's shape equal to the expected output_N.pb dims, with the
 * output type the operator defines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readModelFile } from '../../src/formats/index';
import { analyze } from '../../src/analysis/analyze';
import { corpusRoot } from '../helpers/corpus';
import { pbDims } from '../helpers/tensorPb';
import { TensorProtoType, type TensorProto } from '../../src/formats/onnx/schema';
import { dtypeFromOnnx } from '../../src/formats/onnx/dtypes';

const QUANT_OPS = new Set(['QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear', 'QLinearConv', 'QLinearMatMul', 'ConvInteger', 'MatMulInteger']);
const ROOTS = ['/usr/share/libonnx-testdata/data/node', join(corpusRoot, 'onnx-backend', 'node')].filter(existsSync);

/** Folders whose model names a quantisation operator (a byte search: op types are stored as strings). */
const folders: string[] = [];
for (const root of ROOTS) {
  for (const f of readdirSync(root).sort()) {
    const file = join(root, f, 'model.onnx');
    if (!existsSync(file)) continue;
    const bytes = readFileSync(file);
    if ([...QUANT_OPS].some((op) => bytes.includes(op))) folders.push(join(root, f));
  }
}

test('the backend tests of the quantisation operators are there', () => {
  assert.ok(ROOTS.includes('/usr/share/libonnx-testdata/data/node'), 'Debian package libonnx-testdata is not installed (apt-get install libonnx-testdata)');
});

let tested = 0;
for (const folder of folders) {
  test(`${folder}: quantisation operators' shapes and types equal ONNX's expected outputs`, async () => {
    const model = await readModelFile(join(folder, 'model.onnx'));
    assert.ok(model.graph.nodes.some((n) => QUANT_OPS.has(n.opType)), 'the model uses a quantisation operator');
    tested++;
    const a = analyze(model, { useDeclaredShapes: false });
    assert.deepEqual(a.warnings.filter((w) => w.kind === 'cannot-infer' || w.kind === 'shape-mismatch'), []);
    model.graph.outputs.forEach((o, i) => {
      const pb = join(folder, 'test_data_set_0', `output_${i}.pb`);
      const expected = TensorProtoType.decode(readFileSync(pb)) as unknown as TensorProto;
      assert.deepEqual(a.tensors.get(o.name)?.shape, pbDims(pb), `output ${i} '${o.name}' shape`);
      assert.equal(a.tensors.get(o.name)?.dtype, dtypeFromOnnx(Number(expected.data_type)), `output ${i} '${o.name}' type`);
    });
  });
}

test('every quantisation operator has backend tests', () => {
  assert.ok(tested >= 15, `only ${tested} folders use a quantisation operator`);
});
