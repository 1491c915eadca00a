/**
 * Quantised models, in the three forms exporters write (QDQ, ConvInteger/MatMulInteger with
 * DynamicQuantizeLinear, QLinearConv/QOperator), made here from float corpus models by quantising
 * their weights to int8 (test/helpers/quantise.ts). Oracles: ONNX Runtime's runtime shape of every
 * intermediate tensor, and the float model's own parameter count.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModelFile } from '../../src/formats/index';
import { encodeModel } from '../../src/formats/onnx/writer';
import { analyze } from '../../src/analysis/analyze';
import { describeDifference, inferenceClient, runtimeCheck } from '../../src/cli/runtimeCheck';
import { corpus } from '../helpers/corpus';
import { quantiseModel, type QuantForm } from '../helpers/quantise';

const client = inferenceClient();
after(() => client.dispose());
const dir = mkdtempSync(join(tmpdir(), 'convlens-quant-'));
const SOURCES = ['real/mnist_c_cxx.onnx', 'real/image_classifier32.onnx'];
const FORMS: QuantForm[] = ['qdq', 'integer', 'qoperator'];
/** The float operator each quantised layer computes (what the views title it by). */
const FLOAT_TWIN: Record<string, string> = { Conv: 'Conv', MatMul: 'MatMul', Gemm: 'Gemm', ConvInteger: 'Conv', MatMulInteger: 'MatMul', QLinearConv: 'Conv', QLinearMatMul: 'MatMul', QGemm: 'Gemm' };

for (const src of SOURCES) {
  for (const form of FORMS) {
    test(`${src} quantised to int8 (${form}): every runtime shape equals the static one; params equal the float model's`, async () => {
      const float = await readModelFile(corpus(src));
      const fa = analyze(float);
      const q = quantiseModel(float, form);
      const path = join(dir, `${src.replace(/\W/g, '_')}_${form}.onnx`);
      const bytes = encodeModel(q);
      writeFileSync(path, bytes);
      const model = await readModelFile(path);
      const a = analyze(model, { useDeclaredShapes: false });
      assert.deepEqual(a.warnings.filter((w) => w.kind === 'cannot-infer'), []);
      assert.equal(a.totals.partial, undefined, 'no node has unknown figures');
      assert.equal(a.totals.params, fa.totals.params, 'quantised params = float params');
      // Each weight element stored as int8/uint8 takes 1 byte instead of 4; int32 biases keep 4.
      let saved = 0;
      for (const t of model.graph.initializers.values()) if (/_quantized/.test(t.name) && /^u?int8$/.test(t.dtype)) saved += 3 * t.dims.reduce((x, y) => x * y, 1);
      assert.ok(saved > 0);
      assert.equal(a.totals.weightBytes, fa.totals.weightBytes - saved, 'weight bytes count the stored int8 tensors');
      // Every layer with weights reads as one quantised layer with int8 weights.
      const layers = new Map((a.quantLayers ?? []).map((l) => [l.anchor, l]));
      const LAYER_OPS = /^(Conv|MatMul|Gemm|ConvInteger|MatMulInteger|QLinearConv|QLinearMatMul|QGemm)$/;
      for (const n of model.graph.nodes.filter((n) => LAYER_OPS.test(n.opType) && a.nodes.get(n.id)?.params)) {
        if (form === 'integer' && n.opType === 'Gemm') continue; // left in float by the dynamic quantiser
        assert.equal(layers.get(n.id)?.weightDtype, 'int8', `${n.opType} ${n.id} is a quantised layer with int8 weights`);
        const members = layers.get(n.id)?.members.map((m) => a.nodeById.get(m)?.opType) ?? [];
        if (form === 'qdq') assert.ok(members.includes('DequantizeLinear') && members.includes('QuantizeLinear'), `${n.id} members: ${members.join(', ')}`);
        if (form === 'integer') assert.deepEqual(members.slice(0, 3), ['DynamicQuantizeLinear', 'Cast', 'Mul'], `${n.id} members`);
        // QuantizeLinear → QLinearConv → DequantizeLinear between float parts: both belong to the layer.
        if (form === 'qoperator') assert.deepEqual(members, ['QuantizeLinear', 'DequantizeLinear'], `${n.id} members`);
        assert.equal(layers.get(n.id)?.op, FLOAT_TWIN[n.opType], `${n.opType} computes ${FLOAT_TWIN[n.opType]}`);
      }
      assert.ok(Math.abs(a.totals.macs - fa.totals.macs) <= fa.totals.macs * 0.01, `MACs ${a.totals.macs} vs float ${fa.totals.macs}`);
      const result = await runtimeCheck(model, path, {}, client);
      const produced = new Set(model.graph.nodes.flatMap((n) => n.outputs.filter((o) => o !== '')));
      assert.equal(result.compared, produced.size, 'every node output came back from the runtime');
      assert.deepEqual(result.differences.map(describeDifference), []);
    });
  }
}
