import * as ort from 'onnxruntime-node';
import type { DType, Model, Shape } from '../ir/types';
import { ModelError } from '../ir/types';
import { withExtraOutputs } from '../formats/onnx/writer';
import { analyze } from '../analysis/analyze';
import { evalDim, formatShape } from '../analysis/dims';
import type { Analysis } from '../analysis/types';
import { describeDims, effectiveInputs, inputDimsOf, shapesAt, valuesOf, type InputDim } from '../analysis/inputDims';

/**
 * `convlens check`: runs the model in ONNX Runtime (CPU) with every intermediate tensor exposed as
 * a graph output, and compares each runtime shape with the static one. Symbolic input dims are
 * bound to the model's stated sizes or our defaults (src/analysis/inputDims.ts: 224 for a spatial
 * dim, 1 for a batch), or to --input-shape values, and the analysis is run at those concrete
 * shapes, so that every static dim is a number the runtime shape can be compared with.
 */
export interface ShapeDifference {
  tensor: string;
  /** Id of the producing node. */
  node: string;
  staticShape: Shape | null;
  runtimeShape: number[];
}

export interface CheckResult {
  inputShapes: Record<string, number[]>;
  /** The symbolic input dims that --input-shape left open, and the size each was run at. */
  dimsAt: InputDim[];
  /** Tensors compared. */
  compared: number;
  differences: ShapeDifference[];
  analysis: Analysis;
}

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

/** Concrete input shapes: overrides first, then the declared shape with symbolic dims at `dims`' sizes. */
export function concreteInputs(model: Model, overrides: Record<string, Shape> = {}, dims = inputDimsOf(model, overrides)): Record<string, number[]> {
  const shapes = shapesAt(effectiveInputs(model, overrides), valuesOf(dims));
  const out: Record<string, number[]> = {};
  for (const v of model.graph.inputs) {
    const s = shapes[v.name];
    if (!s) throw new ModelError(`input '${v.name}' declares no shape; give one with --input-shape ${v.name}=1x3x224x224`);
    out[v.name] = s.map((d) => (typeof d === 'number' ? d : 1));
  }
  return out;
}

export async function runtimeCheck(model: Model, bytes: Uint8Array, overrides: Record<string, Shape> = {}): Promise<CheckResult> {
  if (model.format !== 'onnx') throw new ModelError(`check runs ONNX models in ONNX Runtime; this is a ${model.format} model`);
  const dimsAt = inputDimsOf(model, overrides);
  const inputShapes = concreteInputs(model, overrides, dimsAt);
  const analysis = analyze(model, { inputShapes });
  const graphInputs = new Set(model.graph.inputs.map((v) => v.name));
  const names: string[] = [];
  const producer = new Map<string, string>();
  for (const n of model.graph.nodes) {
    for (const o of n.outputs) {
      if (o && !graphInputs.has(o) && !producer.has(o)) {
        names.push(o);
        producer.set(o, n.id);
      }
    }
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(withExtraOutputs(bytes, names), {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'disabled',
      logSeverityLevel: 3, // errors only: ORT's warnings (e.g. initializers listed as inputs) are not ours to print
    });
  } catch (e) {
    throw new ModelError(`ONNX Runtime cannot load the model: ${firstLine(e)}`);
  }
  const feeds: Record<string, ort.Tensor> = {};
  for (const v of model.graph.inputs) feeds[v.name] = makeFeed(v.name, v.dtype, inputShapes[v.name]);
  let results: ort.InferenceSession.ReturnType;
  try {
    results = await session.run(feeds);
  } catch (e) {
    const at = dimsAt.length > 0 ? ` (run at ${describeDims(dimsAt)}; choose other sizes with --input-shape)` : '';
    throw new ModelError(`ONNX Runtime cannot run the model${at}: ${firstLine(e)}`);
  } finally {
    await session.release();
  }
  const differences: ShapeDifference[] = [];
  let compared = 0;
  for (const name of names) {
    const r = results[name];
    if (!r) continue;
    compared++;
    const runtimeShape = r.dims.map(Number);
    const st = analysis.tensors.get(name)?.shape ?? null;
    const same = st !== null && st.length === runtimeShape.length && st.every((d, i) => evalDim(d) === runtimeShape[i]);
    if (!same) differences.push({ tensor: name, node: producer.get(name) ?? '', staticShape: st, runtimeShape });
  }
  return { inputShapes, dimsAt, compared, differences, analysis };
}

export function describeDifference(d: ShapeDifference): string {
  return `${d.node}: '${d.tensor}' static ${formatShape(d.staticShape)} vs runtime ${formatShape(d.runtimeShape)}`;
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0].trim();
}
