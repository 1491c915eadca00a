import { ModelError, type Graph, type Node, type Shape } from '../ir/types';
import { weightSpecs, type WeightSpec } from '../analysis/ops/keras/weights';
import { filled, heNormal } from './tensors';

/**
 * The weights of one Keras layer as float32 arrays in Keras layout, keyed by Keras weight name:
 * the saved ones (TF.js) where present, otherwise generated — He-normal kernels from a seeded
 * PRNG, zero biases and betas, unit gammas and variances, zero means and PReLU alphas.
 */
export interface LayerWeights {
  get(name: string): Float32Array;
  spec(name: string): WeightSpec;
  has(name: string): boolean;
}

export function layerWeights(node: Node, inputShapes: (Shape | null)[], graph: Graph, rand: () => number, generated: Set<string>): LayerWeights {
  const specs = weightSpecs(node.opType, node.attributes, inputShapes);
  if (!specs) throw new ModelError(`the weights of '${node.name}' cannot be sized: its input channels are unknown`, `layer '${node.name}'`);
  const saved = new Map<string, string>();
  for (const w of node.weights ?? []) saved.set(w.replace(/:\d+$/, '').split('/').pop() ?? w, w);
  const cache = new Map<string, Float32Array>();
  const spec = (name: string): WeightSpec => {
    const s = specs.find((x) => x.name === name);
    if (!s) throw new ModelError(`${node.opType} has no weight '${name}'`, `layer '${node.name}'`);
    return s;
  };
  return {
    has: (name) => specs.some((x) => x.name === name),
    spec,
    get(name) {
      const hit = cache.get(name);
      if (hit) return hit;
      const s = spec(name);
      const count = s.shape.reduce((a, b) => a * b, 1);
      const t = saved.has(name) ? graph.initializers.get(saved.get(name)!) : undefined;
      let data: Float32Array;
      if (t && !t.missing) {
        const v = t.values();
        if (v.length !== count) {
          throw new ModelError(`saved weight '${t.name}' has ${v.length} values but the layer config needs [${s.shape.join(', ')}] = ${count}`, `layer '${node.name}'`);
        }
        data = v instanceof Float32Array ? v : Float32Array.from(v);
      } else {
        generated.add(node.name);
        data = generate(name, s.shape, count, rand);
      }
      cache.set(name, data);
      return data;
    },
  };
}

function generate(name: string, shape: number[], count: number, rand: () => number): Float32Array {
  if (name === 'gamma' || name === 'moving_variance') return filled(count, 1);
  if (name === 'bias' || name === 'beta' || name === 'moving_mean' || name === 'alpha') return filled(count, 0);
  // Kernels: fan-in is everything but the output axis (Keras layouts put it last; depthwise: the window).
  const fanIn = name === 'depthwise_kernel' ? shape.slice(0, -2).reduce((a, b) => a * b, 1) : count / shape[shape.length - 1];
  return heNormal(count, fanIn, rand);
}
