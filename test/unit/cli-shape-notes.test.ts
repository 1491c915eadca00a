/**
 * What `convlens summary` says about its shapes, on real corpus models: long symbolic dim names by
 * their aliases with a legend under the table (the JSON keeps the canonical full names and gives the
 * legend as an object); shapes only the file declares marked, with a footnote naming the node where
 * inference stopped; a quantised layer as one row titled by its float operator, marked with its type.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readModelBytes, readModelFile } from '../../src/formats/index';
import { encodeModel } from '../../src/formats/onnx/writer';
import { analyze } from '../../src/analysis/analyze';
import { summaryJson, summaryTable } from '../../src/cli/summary';
import { summaryMarkdown } from '../../src/cli/summaryMarkdown';
import { tableRows } from '../../src/cli/rows';
import { corpus } from '../helpers/corpus';
import { withInputDims } from '../helpers/dynamicInputs';
import { quantiseModel, type QuantForm } from '../helpers/quantise';

test('Paddle-style dim names: the table prints H and W with a legend; the JSON keeps the full names and the legend', async () => {
  const bytes = await withInputDims(corpus('real/version-slim-320.onnx'), ['N', 3, 'p2o.DynamicDimension.0', 'p2o.DynamicDimension.1']);
  const model = await readModelBytes(bytes, 'slim-dynamic.onnx');
  const a = analyze(model);
  const table = summaryTable(model, a);
  assert.match(table, /^input {2}input: float32 \[N, 3, H, W\]$/m);
  assert.match(table, /^Dims: H = p2o\.DynamicDimension\.0, W = p2o\.DynamicDimension\.1, e1 = [^p]*ceil\(H\/8\)\*ceil\(W\/8\)[^p]*$/m);
  assert.match(table, /\[N, 64, ceil\(H\/8\), ceil\(W\/8\)\]/);
  assert.match(table, /^MACs: .* at N=1, H=224, W=224 \(default sizes\)$/m);
  // The long names appear in the legend alone.
  assert.deepEqual(table.split('\n').filter((l) => l.includes('p2o.')).map((l) => l.slice(0, 6)), ['Dims: ']);
  assert.match(summaryMarkdown(model, a, 'slim'), /Dims: H = p2o\.DynamicDimension\.0/);

  const json = summaryJson(model, a);
  assert.equal(json.dimAliases.H, 'p2o.DynamicDimension.0');
  assert.equal(json.dimAliases.W, 'p2o.DynamicDimension.1');
  // A derived alias is given in full names in the JSON: nothing there depends on the aliases.
  assert.ok(Object.values(json.dimAliases).every((v) => !/\b[HW]\b/.test(v)), JSON.stringify(json.dimAliases));
  const conv = model.graph.nodes.find((n) => (n.name || n.id) === 'Conv_45')!;
  assert.deepEqual(json.tensors[conv.outputs[0]].shape, ['N', 64, 'ceil(p2o.DynamicDimension.0/8)', 'ceil(p2o.DynamicDimension.1/8)']);
  assert.equal(json.tensors[conv.outputs[0]].shapeSource, 'inferred');
  assert.equal(json.tensors[model.graph.inputs[0].name].shapeSource, 'input');
});

test("shapes only the file declares: marked † in the table with a footnote naming the node where inference stopped, 'declared' in the JSON", async () => {
  const model = await readModelFile(corpus('real/mnist_c_cxx.onnx'));
  assert.ok(model.graph.valueInfo.size > 0, 'the CNTK export declares its intermediate shapes');
  const relu = model.graph.nodes.find((n) => n.opType === 'Relu')!;
  relu.opType = 'FancyRelu';
  relu.domain = 'org.example';
  const a = analyze(model);
  const out = relu.outputs[0];
  assert.equal(a.tensors.get(out)?.shapeSource, 'declared');
  assert.equal(a.tensors.get(out)?.stoppedAt, relu.id);
  const row = tableRows(a).find((r) => r.layer === relu.name)!;
  assert.equal(row.shape, '[1, 8, 28, 28] †');
  const table = summaryTable(model, a);
  assert.match(table, new RegExp(`^† declared in the file, not inferred \\(inference stopped at '${relu.id}'; see the warnings\\)$`, 'm'));
  assert.match(table, new RegExp(`^  ${relu.id}: no shape rule for org.example::FancyRelu`, 'm'));
  // Only that one shape is declared-only: what follows is inferred again from it.
  assert.equal(tableRows(a).filter((r) => r.shape.endsWith('†')).length, 1);
  const json = summaryJson(model, a);
  assert.equal(json.tensors[out].shapeSource, 'declared');
  assert.equal(json.tensors[out].stoppedAt, relu.id);
  assert.deepEqual(json.tensors[out].shape, [1, 8, 28, 28]);

  // Without the declarations, every node after it is unknown, and each warning names where inference stopped.
  const bare = analyze(model, { useDeclaredShapes: false });
  const later = bare.warnings.filter((w) => w.kind === 'unknown-figures' && w.node !== relu.id);
  assert.ok(later.length >= 2, later.map((w) => w.message).join('\n'));
  for (const w of later) assert.match(w.message, new RegExp(`inference stopped at '${relu.id}'`));
});

const ANCHOR = /^(Conv|MatMul|ConvInteger|MatMulInteger|QLinearConv|QLinearMatMul)$/;
for (const form of ['qdq', 'integer', 'qoperator'] as QuantForm[]) {
  test(`a ${form} quantised MNIST: one row per quantised layer, titled by its float op and marked int8; figures as the float model's`, async () => {
    const float = await readModelFile(corpus('real/mnist_c_cxx.onnx'));
    const fa = analyze(float);
    const model = await readModelBytes(encodeModel(quantiseModel(float, form)), `mnist-${form}.onnx`);
    const a = analyze(model);
    const rows = tableRows(a);
    const floatRows = tableRows(fa).filter((r) => r.op === 'Conv' || r.op === 'MatMul');
    const quant = rows.filter((r) => /\[int8\]$/.test(r.op));
    assert.deepEqual(quant.map((r) => [r.op, r.shape, r.params, r.macs]), floatRows.map((r) => [`${r.op} [int8]`, r.shape, r.params, r.macs]));
    assert.ok(!rows.some((r) => /QuantizeLinear|DequantizeLinear/.test(r.op)), rows.map((r) => r.op).join(', '));
    const json = summaryJson(model, a);
    // The JSON keeps one entry per node, and the grouping beside them.
    assert.equal(json.nodes.length, model.graph.nodes.length);
    const anchors = model.graph.nodes.filter((n) => ANCHOR.test(n.opType) && json.quantLayers.some((l) => l.anchor === n.id));
    assert.equal(anchors.length, 3);
    for (const l of json.quantLayers.filter((x) => anchors.some((n) => n.id === x.anchor))) {
      assert.equal(l.weightDtype, 'int8');
      assert.ok(l.members.length >= 1, `${l.anchor} has the nodes around it`);
      for (const m of l.members) assert.ok(json.nodes.some((n) => n.id === m));
    }
  });
}
