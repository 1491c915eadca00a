import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Model, Node } from '../../src/ir/types';
import { bytesOf, tensorFromBytes } from '../../src/ir/tensor';
import { encodeModel } from '../../src/formats/onnx/writer';
import { generatedDir, generatedFile } from './generate';

/**
 * The files that once stalled or killed the extension host (issue 13): made here, deterministic,
 * cached in the generated folder.
 */

/** A three-layer Keras model whose last inbound node reads output 1e9 of the layer before. */
export function kerasTensorIndexFile(): string {
  const layer = (class_name: string, name: string, config: object, inbound: unknown[]) => ({ class_name, name, config: { name, ...config }, inbound_nodes: inbound });
  const json = {
    class_name: 'Functional', keras_version: '2.15.0', backend: 'tensorflow',
    config: {
      name: 'hostile',
      layers: [
        layer('InputLayer', 'in', { batch_input_shape: [null, 8], dtype: 'float32' }, []),
        layer('Dense', 'd1', { units: 4 }, [[['in', 0, 0, {}]]]),
        layer('Dense', 'd2', { units: 4 }, [[['d1', 0, 1e9, {}]]]),
      ],
      input_layers: [['in', 0, 0]],
      output_layers: [['d2', 0, 0]],
    },
  };
  return write('keras-tensor-index-1e9.json', JSON.stringify(json));
}

/** An 8 KB-ish TF.js model.json listing one 16 MB shard 64 times, for weights that need 144 bytes. */
export function tfjsRepeatedShardFile(): string {
  const dir = join(generatedDir, 'tfjs-shard-64');
  mkdirSync(dir, { recursive: true });
  const shard = new Float32Array(4 * 1024 * 1024);
  for (let i = 0; i < 36; i++) shard[i] = (i % 7) / 7;
  writeFileSync(join(dir, 'group1-shard1of1.bin'), bytesOf(shard));
  const json = {
    format: 'layers-model', generatedBy: 'convlens test', convertedBy: null,
    modelTopology: {
      class_name: 'Sequential', keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js',
      config: { name: 'seq', layers: [{ class_name: 'Dense', config: { name: 'd1', units: 4, batch_input_shape: [null, 8], use_bias: true, activation: 'linear' } }] },
    },
    weightsManifest: [{
      paths: Array.from({ length: 64 }, () => 'group1-shard1of1.bin'),
      weights: [{ name: 'd1/kernel', shape: [8, 4], dtype: 'float32' }, { name: 'd1/bias', shape: [4], dtype: 'float32' }],
    }],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  return join(dir, 'model.json');
}

/** A chain of `n` Relu nodes (4 MB for 200k): big in nodes, small on disk. */
export function wideChainFile(n = 200_000): string {
  return generatedFile(`relu-chain-${n}`, () => {
    const nodes: Node[] = [];
    for (let i = 0; i < n; i++) {
      nodes.push({ id: `r${i}`, name: `r${i}`, opType: 'Relu', domain: '', attributes: {}, inputs: [i === 0 ? 'input' : `t${i - 1}`], outputs: [i === n - 1 ? 'output' : `t${i}`], scope: [] });
    }
    return onnx(`relu${n}`, nodes, new Map(), [1, 4, 8, 8]);
  });
}

/** ConstantOfShape of a [30000, 30000] float tensor: 3.6 GB if anyone builds it. */
export function constantOfShapeFile(): string {
  return generatedFile('constant-of-shape-3.6GB', () => {
    const shape = tensorFromBytes('shape', 'int64', [2], bytesOf(new BigInt64Array([30000n, 30000n])));
    const nodes: Node[] = [
      { id: 'c', name: 'c', opType: 'ConstantOfShape', domain: '', attributes: {}, inputs: ['shape'], outputs: ['big'], scope: [] },
      { id: 'a', name: 'a', opType: 'Add', domain: '', attributes: {}, inputs: ['big', 'input'], outputs: ['output'], scope: [] },
    ];
    return onnx('cos', nodes, new Map([['shape', shape]]), [30000, 30000]);
  });
}

function onnx(name: string, nodes: Node[], initializers: Model['graph']['initializers'], inputShape: number[]): Model {
  return {
    format: 'onnx', producer: 'convlens-test-hostile', opsets: { '': 13 }, metadata: {}, readWarnings: [],
    graph: { name, nodes, inputs: [{ name: 'input', dtype: 'float32', shape: inputShape }], outputs: [{ name: 'output', dtype: 'float32', shape: null }], valueInfo: new Map(), initializers },
  };
}

function write(name: string, text: string): string {
  mkdirSync(generatedDir, { recursive: true });
  const p = join(generatedDir, name);
  writeFileSync(p, text);
  return p;
}
