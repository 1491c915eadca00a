import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWeights, type ManifestGroup } from '../../src/formats/tfjs/weights';

/** Shard lists from a hostile model.json: each shard is read once, and only as far as the weights need. */
test('a shard listed 64 times is read once, and only the bytes the weights need are kept', async () => {
  const shard = new Uint8Array(16 * 1024 * 1024);
  new Float32Array(shard.buffer, 0, 36).fill(0.5);
  const reads: string[] = [];
  const group: ManifestGroup = {
    paths: Array.from({ length: 64 }, () => 'group1-shard1of1.bin'),
    weights: [{ name: 'd1/kernel', shape: [8, 4], dtype: 'float32' }, { name: 'd1/bias', shape: [4], dtype: 'float32' }],
  };
  const warnings: string[] = [];
  const w = await loadWeights([group, { ...group, weights: [{ name: 'd2/bias', shape: [4], dtype: 'float32' }] }], async (p) => (reads.push(p), shard), warnings);
  assert.deepEqual(reads, ['group1-shard1of1.bin'], 'the same shard was read again');
  assert.deepEqual(warnings, []);
  assert.equal(w.get('d1/kernel')!.byteLength, 128);
  assert.equal(w.get('d1/bias')!.byteLength, 16);
  assert.deepEqual([...(w.get('d1/kernel')!.values() as Float32Array)].slice(0, 2), [0.5, 0.5]);
});

test('shards past the bytes the weights need are not read; a short list still says which bytes are missing', async () => {
  const reads: string[] = [];
  const part = new Uint8Array(64);
  const group: ManifestGroup = { paths: ['a.bin', 'b.bin', 'c.bin'], weights: [{ name: 'k', shape: [20], dtype: 'float32' }] };
  await loadWeights([group], async (p) => (reads.push(p), part), []);
  assert.deepEqual(reads, ['a.bin', 'b.bin'], '80 bytes need two 64-byte shards, not three');
  const warnings: string[] = [];
  const w = await loadWeights([{ paths: ['a.bin'], weights: group.weights }], async () => part, warnings);
  assert.equal(w.get('k')!.missing, true);
  assert.match(warnings[0], /hold 64 bytes, fewer than the manifest lists/);
});
