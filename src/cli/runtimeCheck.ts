import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import type { Model, Shape } from '../ir/types';
import { ModelError } from '../ir/types';
import { analyze } from '../analysis/analyze';
import { evalDim, formatShape } from '../analysis/dims';
import type { Analysis } from '../analysis/types';
import { InferenceClient, ProviderCrash } from '../runtime/client';
import type { ShapeRunSpec } from '../runtime/shapeRun';
import { describeDims, effectiveInputs, inputDimsOf, shapesAt, valuesOf, type InputDim } from '../analysis/inputDims';

/**
 * `convlens check`: runs the model in ONNX Runtime (CPU) with every intermediate tensor exposed as
 * a graph output, and compares each runtime shape with the static one. Symbolic input dims are
 * bound to the model's stated sizes or our defaults (src/analysis/inputDims.ts: 224 for a spatial
 * dim, 1 for a batch), or to --input-shape values, and the analysis is run at those concrete
 * shapes, so that every static dim is a number the runtime shape can be compared with. ONNX Runtime runs in
 * the extension's inference process (src/runtime/worker.ts): a native crash ends that process, and the
 * check says which node did it.
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

/** The inference process beside this code: dist/inferenceWorker.js when bundled, the TypeScript source under tsx. */
export function inferenceClient(): InferenceClient {
  const bundled = join(__dirname, 'inferenceWorker.js');
  if (existsSync(bundled)) return new InferenceClient({ workerPath: bundled });
  const source = join(__dirname, '..', 'runtime', 'worker.ts');
  if (!existsSync(source)) throw new ModelError(`the inference process is missing: ${bundled} does not exist`);
  // tsx by absolute URL: a bare '--import tsx' resolves against the working directory, which may be anywhere.
  return new InferenceClient({ workerPath: source, execArgv: ['--import', pathToFileURL(createRequire(__filename).resolve('tsx')).href] });
}

/** `client`: the inference process to use (one is started and stopped when absent). */
export async function runtimeCheck(model: Model, modelPath: string, overrides: Record<string, Shape> = {}, client?: InferenceClient): Promise<CheckResult> {
  if (model.format !== 'onnx') throw new ModelError(`check runs ONNX models in ONNX Runtime; this is a ${model.format} model`);
  const dimsAt = inputDimsOf(model, overrides);
  const inputShapes = concreteInputs(model, overrides, dimsAt);
  const analysis = analyze(model, { inputShapes });
  const graphInputs = new Set(model.graph.inputs.map((v) => v.name));
  const names: string[] = [];
  const producer = new Map<string, string>();
  const order: string[][] = [];
  for (const n of model.graph.nodes) {
    const outs: string[] = [];
    for (const o of n.outputs) {
      if (o && !graphInputs.has(o) && !producer.has(o)) {
        names.push(o);
        outs.push(o);
        producer.set(o, n.id);
      }
    }
    order.push(outs);
  }
  const own = client ? undefined : inferenceClient();
  const c = (client ?? own) as InferenceClient;
  const spec: ShapeRunSpec = { modelPath, inputShapes, tensors: names };
  let results: Record<string, number[]>;
  try {
    results = await runOrBlame(c, spec, model, order);
  } catch (e) {
    const at = dimsAt.length > 0 ? ` (run at ${describeDims(dimsAt)}; choose other sizes with --input-shape)` : '';
    throw at && e instanceof Error && e.message.startsWith('ONNX Runtime cannot run the model:') ? new ModelError(e.message.replace('the model:', `the model${at}:`)) : e;
  } finally {
    own?.dispose();
  }
  const differences: ShapeDifference[] = [];
  let compared = 0;
  for (const name of names) {
    const runtimeShape = results[name];
    if (!runtimeShape) continue;
    compared++;
    const st = analysis.tensors.get(name)?.shape ?? null;
    const same = st !== null && st.length === runtimeShape.length && st.every((d, i) => evalDim(d) === runtimeShape[i]);
    if (!same) differences.push({ tensor: name, node: producer.get(name) ?? '', staticShape: st, runtimeShape });
  }
  return { inputShapes, dimsAt, compared, differences, analysis };
}

/** Runs the check; when ONNX Runtime takes its process down, finds the node that does it by running ever
 * shorter prefixes of the graph (each in a fresh process) and says so in one line. */
async function runOrBlame(client: InferenceClient, spec: ShapeRunSpec, model: Model, order: string[][]): Promise<Record<string, number[]>> {
  const attempt = async (fetch?: string[]): Promise<{ crash?: ProviderCrash; loading: boolean; value?: Record<string, number[]> }> => {
    let running = false;
    try {
      const value = await client.shapes(fetch ? { ...spec, fetch } : spec, (m) => { if (m === 'running') running = true; });
      return { value, loading: false };
    } catch (e) {
      if (e instanceof ProviderCrash) return { crash: e, loading: !running };
      throw e instanceof Error && !(e instanceof ModelError) ? new ModelError(e.message) : e;
    }
  };
  const first = await attempt();
  if (!first.crash) return first.value as Record<string, number[]>;
  // An exit without a signal (out of memory, a process that could not start) is the client's to explain.
  if (!first.crash.signal) throw new ModelError(first.crash.message.split('\n')[0]);
  const how = signalOf(first.crash.signal);
  if (first.loading) throw new ModelError(`ONNX Runtime crashed while loading the model (${how})`);
  // The smallest prefix of nodes whose outputs crash the run ends with the culprit.
  let lo = 0;
  let hi = order.length - 1;
  let culprit = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const fetch = order.slice(0, mid + 1).flat();
    const r = fetch.length ? await attempt(fetch) : { loading: false };
    if ('crash' in r && r.crash) {
      culprit = mid;
      hi = mid - 1;
    } else lo = mid + 1;
  }
  const node = culprit >= 0 ? model.graph.nodes[culprit] : undefined;
  throw new ModelError(node ? `ONNX Runtime crashed while running node ${node.id} (${node.opType}) (${how})` : `ONNX Runtime crashed while running the model (${how})`);
}

function signalOf(signal: NodeJS.Signals): string {
  const n = (constants.signals as Record<string, number>)[signal];
  return n ? `signal ${n}` : signal;
}

export function describeDifference(d: ShapeDifference): string {
  return `${d.node}: '${d.tensor}' static ${formatShape(d.staticShape)} vs runtime ${formatShape(d.runtimeShape)}`;
}
