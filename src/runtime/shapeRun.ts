/**
 * The ONNX Runtime half of `convlens check`, run in the inference process like the extension's runs, so
 * that a native crash ends that process and not the CLI: the model with the given tensors exposed as
 * outputs, unoptimised on CPU, fed fixed pseudo-random inputs of the given shapes; the reply is each
 * tensor's runtime shape.
 */
import * as ort from 'onnxruntime-node';
import type { DType } from '../ir/types';
import { ModelError } from '../ir/types';
import type { ModelAccess } from './engine';
import { confinedOptions } from './confine';

export interface ShapeRunSpec {
  modelPath: string;
  /** Concrete shape of every graph input. */
  inputShapes: Record<string, number[]>;
  /** Tensors to expose as outputs. */
  tensors: string[];
  /** Only these are computed (ONNX Runtime runs just the nodes they need); all outputs when absent. */
  fetch?: string[];
}

export type Phase = 'loading' | 'running';

const ORT_TYPES: Partial<Record<DType, ort.Tensor.Type>> = {
  float32: 'float32', float64: 'float64', float16: 'float16', int8: 'int8', uint8: 'uint8', int16: 'int16',
  uint16: 'uint16', int32: 'int32', uint32: 'uint32', int64: 'int64', uint64: 'uint64', bool: 'bool',
};

/** A feed of the given type and shape: small pseudo-random floats, zeros for integers and bools. */
function makeFeed(name: string, dtype: DType, dims: number[]): ort.Tensor {
  const t = ORT_TYPES[dtype];
  if (!t) throw new ModelError(`input '${name}' has type ${dtype}, which the check cannot feed`);
  const n = dims.reduce((a, b) => a * b, 1);
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  switch (t) {
    case 'float32': return new ort.Tensor(t, Float32Array.from({ length: n }, rnd), dims);
    case 'float64': return new ort.Tensor(t, Float64Array.from({ length: n }, rnd), dims);
    case 'float16': return new ort.Tensor(t, new Uint16Array(n), dims);
    case 'int64': return new ort.Tensor(t, new BigInt64Array(n), dims);
    case 'uint64': return new ort.Tensor(t, new BigUint64Array(n), dims);
    case 'int32': return new ort.Tensor(t, new Int32Array(n), dims);
    case 'uint32': return new ort.Tensor(t, new Uint32Array(n), dims);
    case 'int16': return new ort.Tensor(t, new Int16Array(n), dims);
    case 'uint16': return new ort.Tensor(t, new Uint16Array(n), dims);
    case 'int8': return new ort.Tensor(t, new Int8Array(n), dims);
    case 'uint8': return new ort.Tensor(t, new Uint8Array(n), dims);
    case 'bool': return new ort.Tensor(t, new Uint8Array(n), dims);
    default: throw new ModelError(`input '${name}' has type ${dtype}, which the check cannot feed`);
  }
}

/** `phase` is told when loading ends and running begins, so the parent can say which a crash ended. */
export async function runShapes(access: ModelAccess, spec: ShapeRunSpec, phase?: (p: Phase) => void): Promise<Record<string, number[]>> {
  const model = await access.read(spec.modelPath);
  if (model.format !== 'onnx' || model.metadata['convlens.loweredFrom']) throw new ModelError(`check runs ONNX models in ONNX Runtime; this is a ${model.metadata['convlens.loweredFrom'] ?? model.format} model`);
  const options = confinedOptions(model, spec.modelPath);
  const bytes = access.withExtraOutputs(await access.onnxBytes(model, spec.modelPath), spec.tensors);
  phase?.('loading');
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      ...options,
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'disabled',
      logSeverityLevel: 3, // errors only: ORT's warnings (e.g. initializers listed as inputs) are not ours to print
    });
  } catch (e) {
    throw new ModelError(`ONNX Runtime cannot load the model: ${firstLine(e)}`);
  }
  const feeds: Record<string, ort.Tensor> = {};
  for (const v of model.graph.inputs) {
    const dims = spec.inputShapes[v.name];
    if (!dims) throw new ModelError(`input '${v.name}' has no shape to feed`);
    feeds[v.name] = makeFeed(v.name, v.dtype, dims);
  }
  phase?.('running');
  let results: ort.InferenceSession.ReturnType;
  try {
    results = spec.fetch ? await session.run(feeds, spec.fetch) : await session.run(feeds);
  } catch (e) {
    throw new ModelError(`ONNX Runtime cannot run the model: ${firstLine(e)}`);
  } finally {
    await session.release();
  }
  const shapes: Record<string, number[]> = {};
  for (const [name, r] of Object.entries(results)) shapes[name] = (r as ort.Tensor).dims.map(Number);
  return shapes;
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0].trim();
}
