/**
 * The group tree (src/analysis/blocks) on real models: exports without scope names collapse to the
 * blocks their papers draw (ResNet-50: 16 bottlenecks in 4 stages of 3, 4, 6, 3; GoogLeNet: 9
 * Inception modules), and every group's figures are its layers' own, so the top-level groups and
 * the layers outside them add up to the model's totals. Block parameters are derived by hand from
 * the layer widths in He et al. 2015, Table 1 and Szegedy et al. 2014, Table 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/analysis/analyze';
import { findGroups, type LayerGroup } from '../../src/analysis/blocks/groups';
import { Dataflow } from '../../src/analysis/blocks/dataflow';
import { findBlocks } from '../../src/analysis/blocks/regions';
import type { Analysis } from '../../src/analysis/types';
import { readConvLensJson } from '../../src/formats/convlens-json/read';
import { readModelFile } from '../../src/formats/index';
import type { Model, Node } from '../../src/ir/types';
import { corpus } from '../helpers/corpus';
import { generateResNet50 } from '../helpers/generate';

const zoo = join(__dirname, '..', '..', 'media', 'samples', 'zoo');

async function load(path: string): Promise<{ model: Model; a: Analysis; groups: LayerGroup[] }> {
  const model = path.endsWith('.json') ? readConvLensJson(readFileSync(path, 'utf8'), path) : await readModelFile(path);
  const a = analyze(model);
  return { model, a, groups: a.groups ?? [] };
}

const ofKind = (groups: LayerGroup[], kind: string): LayerGroup[] => groups.filter((g) => g.kind === kind);
const top = (groups: LayerGroup[]): LayerGroup[] => groups.filter((g) => g.parent < 0);

/** Top-level groups plus the layers no group holds: the model's totals, params and MACs. */
function assertSumsToTotals(model: Model, a: Analysis, groups: LayerGroup[]): void {
  const grouped = new Set(groups.flatMap((g) => g.nodes));
  let params = 0;
  let macs = 0;
  for (const g of top(groups)) {
    params += g.params!;
    macs += g.macs!;
  }
  for (const n of model.graph.nodes) {
    if (grouped.has(n.id)) continue;
    params += a.nodes.get(n.id)?.params ?? 0;
    macs += a.nodes.get(n.id)?.macs ?? 0;
  }
  assert.equal(params, a.totals.params, 'params of the groups and the ungrouped layers');
  assert.equal(macs, a.totals.macs, 'MACs of the groups and the ungrouped layers');
  // A parent's figures are at least its children's (they are among its layers).
  for (const g of groups) if (g.parent >= 0) assert.ok(groups[g.parent].params! >= g.params! && groups[g.parent].nodes.length > g.nodes.length, `${g.key} inside ${groups[g.parent].key}`);
}

/** A bottleneck's parameters from its widths: 1×1 c→m, 3×3 m→m, 1×1 m→4m, each with a BatchNorm (scale and shift), and the 1×1 projection c→4m when the shape changes. */
const bottleneck = (c: number, m: number, projection: boolean): number => c * m + 9 * m * m + m * 4 * m + 2 * (m + m + 4 * m) + (projection ? c * 4 * m + 2 * 4 * m : 0);

function assertResNet50(groups: LayerGroup[]): void {
  const stages = ofKind(groups, 'stage');
  assert.deepEqual(stages.map((s) => s.repeat), [3, 4, 6, 3].map((count) => ({ count, of: 'bottleneck' })));
  const blocks = ofKind(groups, 'bottleneck');
  assert.equal(blocks.length, 16);
  assert.equal(groups.length, 20, 'nothing else is grouped');
  for (const b of blocks) {
    assert.equal(groups[b.parent].kind, 'stage');
    assert.equal(b.inputs.length, 1, `${b.key} has one input`);
    assert.equal(b.outputs.length, 1, `${b.key} has one output`);
  }
  // Stage by stage, as He et al. Table 1: widths 64, 128, 256, 512, the first block with the projection.
  const widths = [64, 128, 256, 512];
  let c = 64;
  let k = 0;
  stages.forEach((s, i) => {
    const m = widths[i];
    const inside = blocks.filter((b) => groups[b.parent] === s);
    assert.equal(inside.length, s.repeat!.count);
    inside.forEach((b, j) => {
      assert.equal(b.params, bottleneck(j === 0 ? c : 4 * m, m, j === 0), `bottleneck ${++k}`);
    });
    assert.equal(s.params, inside.reduce((t, b) => t + b.params!, 0));
    c = 4 * m;
  });
}

test('light ResNet-50 (no scope names): 16 bottlenecks in 4 stages of 3, 4, 6, 3, figures summing to the totals', async () => {
  const { model, a, groups } = await load(corpus('onnx-backend', 'light', 'light_resnet50.onnx'));
  assert.ok(model.graph.nodes.every((n) => n.scope.length === 0));
  assertResNet50(groups);
  assertSumsToTotals(model, a, groups);
  // The first block goes from the stem's max pool (64×56×56) to 256×56×56.
  const first = ofKind(groups, 'bottleneck')[0];
  assert.deepEqual(a.tensors.get(first.inputs[0])?.shape, [1, 64, 56, 56]);
  assert.deepEqual(a.tensors.get(first.outputs[0])?.shape, [1, 256, 56, 56]);
});

test('zoo resnet50.json and resnet18.json: 16 bottlenecks in 4 stages; 8 basic blocks in 4 stages of 2', async () => {
  const r50 = await load(join(zoo, 'resnet50.json'));
  assertResNet50(r50.groups);
  assertSumsToTotals(r50.model, r50.a, r50.groups);
  const r18 = await load(join(zoo, 'resnet18.json'));
  assert.deepEqual(ofKind(r18.groups, 'stage').map((s) => s.repeat), [2, 2, 2, 2].map((count) => ({ count, of: 'basic' })));
  assert.equal(ofKind(r18.groups, 'basic').length, 8);
  assert.equal(r18.groups.length, 12);
  // layer1.0: two 3×3 convolutions 64→64 with their BatchNorms.
  assert.equal(ofKind(r18.groups, 'basic')[0].params, 2 * (9 * 64 * 64 + 2 * 64));
  assertSumsToTotals(r18.model, r18.a, r18.groups);
});

/** Inception 3a from Szegedy et al. Table 1 at 192 input channels: #1×1 64, #3×3 reduce 96, #3×3 128, #5×5 reduce 16, #5×5 32, pool proj 32, each with its bias. */
const inception3a = 192 * 64 + 64 + (192 * 96 + 96) + (96 * 9 * 128 + 128) + (192 * 16 + 16) + (16 * 25 * 32 + 32) + (192 * 32 + 32);

test('light Inception v1 and zoo googlenet.json (no scope names): 9 Inception modules, figures summing to the totals', async () => {
  const v1 = await load(corpus('onnx-backend', 'light', 'light_inception_v1.onnx'));
  const modules = ofKind(v1.groups, 'inception');
  assert.equal(modules.length, 9);
  assert.equal(v1.groups.length, 9, 'no stage: 4a, 4b and 4c differ in their branches');
  assert.equal(modules[0].params, inception3a);
  for (const m of modules) assert.equal(m.outputs.length, 1);
  // Table 1's output depths: 256 after 3a, 1024 after 5b.
  assert.equal(v1.a.tensors.get(modules[0].outputs[0])?.shape?.[1], 256);
  assert.equal(v1.a.tensors.get(modules[8].outputs[0])?.shape?.[1], 1024);
  assertSumsToTotals(v1.model, v1.a, v1.groups);
  const tv = await load(join(zoo, 'googlenet.json'));
  assert.equal(ofKind(tv.groups, 'inception').length, 9);
  assert.equal(tv.groups.length, 9);
  assertSumsToTotals(tv.model, tv.a, tv.groups);
});

test('zoo mobilenetv2.json: 10 inverted residual blocks (the stride-1 ones with a skip), repeated ones as stages', async () => {
  const { model, a, groups } = await load(join(zoo, 'mobilenetv2.json'));
  assert.equal(ofKind(groups, 'inverted-residual').length, 10);
  // Sandler et al. Table 2: n = 2, 3, 4, 3, 3 blocks of 24, 32, 64, 96, 160 channels; the first of each has no skip.
  assert.deepEqual(ofKind(groups, 'stage').map((s) => s.repeat?.count), [2, 3, 2, 2]);
  assert.equal(top(groups).filter((g) => g.kind === 'inverted-residual').length, 1, 'the 24-channel block stands alone');
  assertSumsToTotals(model, a, groups);
});

test('Ultraface RFB-320: its RFB block (dilated branches concatenated, then the shortcut) with the branches nested inside', async () => {
  const { model, a, groups } = await load(corpus('real', 'Ultraface_version-RFB-320.onnx'));
  const rfb = ofKind(groups, 'rfb');
  assert.equal(rfb.length, 1);
  const inner = groups.filter((g) => g.parent >= 0 && groups[g.parent] === rfb[0]);
  assert.deepEqual(inner.map((g) => g.kind), ['inception']);
  assert.ok(inner[0].nodes.every((id) => rfb[0].nodes.includes(id)));
  assert.deepEqual(a.tensors.get(rfb[0].inputs[0])?.shape, a.tensors.get(rfb[0].outputs[0])?.shape, 'a residual block keeps its shape');
  assertSumsToTotals(model, a, groups);
});

// A small residual block to break: x → conv a → relu r; r → conv b → add(b, r) → y.
function residualModel(escape: boolean): Model {
  const node = (id: string, opType: string, inputs: string[], outputs: string[], attributes: Node['attributes'] = {}): Node => ({ id, name: id, opType, domain: '', attributes, inputs, outputs, scope: [] });
  const conv = { kernel_shape: [3, 3], pads: [1, 1, 1, 1] };
  const w = (name: string) => ({ name, dtype: 'float32' as const, dims: [4, 4, 3, 3], byteLength: 0, missing: true, bytes: () => new Uint8Array(), values: () => new Float32Array() });
  const nodes = [
    node('a', 'Conv', ['x', 'wa'], ['ta'], conv),
    node('r', 'Relu', ['ta'], ['tr']),
    node('b1', 'Conv', ['tr', 'wb'], ['tb1'], conv),
    node('b2', 'Conv', ['tb1', 'wc'], ['tb2'], conv),
    node('add', 'Add', ['tb2', 'tr'], ['y']),
  ];
  const outputs = [{ name: 'y', dtype: 'float32' as const, shape: null }];
  // The broken case: the branch's middle also feeds a second head, so the block has two ways out.
  if (escape) {
    nodes.push(node('side', 'Relu', ['tb1'], ['z']));
    outputs.push({ name: 'z', dtype: 'float32', shape: null });
  }
  return {
    format: 'onnx', producer: 'test', opsets: { '': 13 }, metadata: {}, readWarnings: [],
    graph: { name: 'g', nodes, inputs: [{ name: 'x', dtype: 'float32', shape: [1, 4, 8, 8] }], outputs, valueInfo: new Map(), initializers: new Map([['wa', w('wa')], ['wb', w('wb')], ['wc', w('wc')]]) },
  };
}

test('the detector refuses a fan-out whose branch escapes the Add: it is no residual block', () => {
  const whole = residualModel(false);
  assert.deepEqual(analyze(whole).groups?.map((g) => [g.kind, g.nodes]), [['basic', ['b1', 'b2', 'add']]]);
  const broken = residualModel(true);
  const a = analyze(broken);
  const found = findBlocks(new Dataflow(broken.graph, a));
  assert.deepEqual(found.blocks, []);
  assert.deepEqual(found.refused.map((r) => r.at), ['add']);
  assert.match(found.refused[0].reason, /branch through b1 also feeds side outside it/);
  assert.deepEqual(a.groups, []);
});

test('scope names that read as blocks are the groups; a tangled scope (many ways in) is dropped and the blocks are found instead', () => {
  const scoped = generateResNet50({ weights: false });
  const a = analyze(scoped);
  const keys = new Set((a.groups ?? []).map((g) => g.key));
  for (const k of ['layer1', 'layer1/layer1.0', 'layer4/layer4.2', 'layer2/layer2.0/downsample']) assert.ok(keys.has(k), k);
  assert.ok((a.groups ?? []).every((g) => g.kind === 'scope'));
  assert.equal(a.groups!.find((g) => g.key === 'layer3')!.params, a.groups!.filter((g) => g.path.length === 2 && g.path[0] === 'layer3').reduce((t, g) => t + g.params!, 0));

  // tf2onnx-like: every name under StatefulPartitionedCall/model/, and one scope collecting the ReLUs from all over the graph.
  const tangled = generateResNet50({ weights: false });
  for (const n of tangled.graph.nodes) n.scope = ['StatefulPartitionedCall', 'model', ...(n.opType === 'Relu' ? ['activations'] : [])];
  const search = findGroups(tangled, analyze(tangled));
  assert.equal(search.refused.length, 1);
  assert.match(search.refused[0].reason, /^scope StatefulPartitionedCall\/model\/activations: 49 tensors enter it/);
  assertResNet50(search.groups);
});
