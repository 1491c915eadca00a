import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeProvider, planProviders } from '../../src/runtime/providers';
import { inputWindow, outputSize, samePads } from '../../src/runtime/window';
import { explainNode } from '../../src/runtime/explain';
import type { Node } from '../../src/ir/types';

const linuxBackends = [{ name: 'cpu', bundled: true }, { name: 'webgpu', bundled: true }, { name: 'cuda', bundled: false }, { name: 'tensorrt', bundled: false }];

test('providers are filtered by platform and by the build; CPU always ends the list', () => {
  const p = planProviders(['cuda', 'webgpu', 'dml', 'coreml', 'cpu'], 'linux', linuxBackends);
  assert.deepEqual(p.candidates, ['cuda', 'webgpu', 'cpu']);
  assert.deepEqual(p.skipped.map((s) => s.name), ['dml', 'coreml']);
  assert.deepEqual(planProviders(['webgpu'], 'linux', linuxBackends).candidates, ['webgpu', 'cpu']);
  assert.deepEqual(planProviders(['cpu', 'webgpu'], 'linux', linuxBackends).candidates, ['webgpu', 'cpu']);
  const mac = planProviders(['cuda', 'coreml', 'cpu'], 'darwin', [{ name: 'cpu', bundled: true }, { name: 'coreml', bundled: true }]);
  assert.deepEqual(mac.candidates, ['coreml', 'cpu']);
  const odd = planProviders(['opencl', 'webgpu'], 'linux', [{ name: 'cpu', bundled: true }]);
  assert.deepEqual(odd.candidates, ['cpu']);
  assert.match(odd.skipped[0].reason, /unknown execution provider/);
  assert.match(odd.skipped[1].reason, /not in this onnxruntime-node build/);
  assert.equal(describeProvider('webgpu', 'NVIDIA H100'), 'webgpu, NVIDIA H100');
  assert.equal(describeProvider('cpu', 'NVIDIA H100'), 'cpu');
});

test('window geometry: output size, SAME padding, the input window of an output pixel', () => {
  assert.equal(outputSize(224, 7, 2, 3, 3, 1), 112);
  assert.equal(outputSize(112, 3, 2, 0, 0, 1, true), 56);
  assert.equal(outputSize(112, 3, 2, 0, 0, 1, false), 55);
  assert.deepEqual(samePads(28, 5, 1, 1, false), [2, 2]);
  assert.deepEqual(samePads(224, 2, 2, 1, false), [0, 0]);
  assert.deepEqual(samePads(5, 2, 1, 1, false), [0, 1]);
  assert.deepEqual(samePads(5, 2, 1, 1, true), [1, 0]);
  const g = { kernel: [3, 3], strides: [2, 2], padsBegin: [1, 1], padsEnd: [1, 1], dilations: [1, 1] };
  assert.deepEqual(inputWindow(g, [0, 0], [8, 8]), [{ start: 0, end: 1 }, { start: 0, end: 1 }]);
  assert.deepEqual(inputWindow(g, [2, 3], [8, 8]), [{ start: 3, end: 5 }, { start: 5, end: 7 }]);
  assert.deepEqual(inputWindow({ ...g, dilations: [2, 2], padsBegin: [0, 0] }, [1, 1], [9, 9]), [{ start: 2, end: 6 }, { start: 2, end: 6 }]);
});

const node = (opType: string, attributes: Node['attributes'], inputs: string[]): Node => ({ id: 'n', name: 'n', opType, domain: '', attributes, inputs, outputs: ['y'], scope: [] });

test('a convolution is explained with its own numbers: the output-size formula filled in and its parameter count', () => {
  const e = explainNode(node('Conv', { strides: [2, 2], pads: [3, 3, 3, 3] }, ['x', 'w', 'b']), { inputs: [[1, 3, 224, 224]], outputs: [[1, 64, 112, 112]] }, [undefined, [64, 3, 7, 7], [64]]);
  assert.equal(e.params, 64 * (3 * 7 * 7 + 1));
  assert.ok(e.lines.includes('H_out = ⌊(H_in + pad_begin + pad_end − dilation·(k−1) − 1) / stride⌋ + 1 = ⌊(224 + 3 + 3 − 1·6 − 1) / 2⌋ + 1 = 112 ✓'), e.lines.join('\n'));
  assert.ok(e.lines.some((l) => l === 'params = C_out·(C_in/group·kH·kW + 1) = 64·(3/1·7·7 + 1) = 9,472'));
  const dw = explainNode(node('Conv', { group: 32, auto_pad: 'SAME_UPPER' }, ['x', 'w']), { inputs: [[1, 32, 56, 56]], outputs: [[1, 32, 57, 56]] }, [undefined, [32, 1, 3, 3]]);
  assert.equal(dw.params, 32 * 9);
  assert.match(dw.lines[0], /depthwise/);
  assert.ok(dw.lines.some((l) => l.endsWith('= 56 (runtime gave 57)')), 'a disagreement with the runtime is shown, not hidden');
  const pool = explainNode(node('MaxPool', { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }, ['x']), { inputs: [[1, 64, 112, 112]], outputs: [[1, 64, 56, 56]] }, []);
  assert.ok(pool.lines.some((l) => l.endsWith('⌉ + 1 = 56 ✓')));
  assert.equal(pool.window?.kernel[0], 3);
});
