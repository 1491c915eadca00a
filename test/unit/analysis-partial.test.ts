/**
 * Totals that leave out nodes with unknown figures say so, with how many, everywhere they are shown:
 * the analysis, `convlens summary` (table and --json) and the graph view's model. The model is the
 * real MNIST CNN with its second convolution renamed to an operator no rule knows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readModelFile } from '../../src/formats/index';
import { analyze } from '../../src/analysis/analyze';
import { findRule } from '../../src/analysis/registry';
import { summaryJson, summaryTable } from '../../src/cli/summary';
import { buildViewGraph } from '../../src/view/buildViewGraph';
import { corpus } from '../helpers/corpus';

test('a node without a rule: totals are partial, and say how many nodes are missing', async () => {
  const model = await readModelFile(corpus('real/mnist_c_cxx.onnx'));
  const whole = analyze(model, { useDeclaredShapes: false });
  assert.equal(whole.totals.partial, undefined, 'the float model is fully known');
  const conv = model.graph.nodes.filter((n) => n.opType === 'Conv')[1];
  conv.opType = 'MysteryConv';
  conv.domain = 'org.example';
  // The unknown node, and every node downstream of it (their shapes are unknown) that counts MACs.
  const tainted = new Set(conv.outputs);
  const expected = [conv.id];
  for (const n of model.graph.nodes) {
    if (n === conv || !n.inputs.some((i) => tainted.has(i))) continue;
    if (findRule(n.domain, n.opType)?.macs) expected.push(n.id);
    for (const o of n.outputs) tainted.add(o);
  }
  const a = analyze(model, { useDeclaredShapes: false });
  const partial = { params: [], macs: expected };
  assert.ok(expected.length >= 2, 'the MatMul after the unknown conv is left out too');
  assert.deepEqual(a.totals.partial, partial);
  assert.ok(a.totals.macs < whole.totals.macs, "the unknown nodes' MACs are not in the total");
  assert.deepEqual(summaryJson(model, a).totals.partial, partial);
  assert.match(summaryTable(model, a), new RegExp(`Partial totals: the MACs of ${expected.length} nodes cannot be counted`));
  assert.deepEqual(buildViewGraph(model, a, 'mnist').totals.partial, partial);
});
