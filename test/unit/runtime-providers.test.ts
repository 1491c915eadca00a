import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeProvider, planProviders } from '../../src/runtime/providers';

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

