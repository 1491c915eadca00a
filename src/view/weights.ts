import type { Model, Node } from '../ir/types';
import type { ViewModelInfo, ViewWeight } from '../protocol/viewModel';
import { opSchema } from '../analysis/schema';

/** The stored weights a node reads, named as the reader of its operator knows them ('W', 'B', 'kernel'). */
export function nodeWeights(model: Model, node: Node): { weights?: ViewWeight[] } {
  const inits = model.graph.initializers;
  const out: ViewWeight[] = [];
  const formal = opSchema(node.domain, node.opType, model.opsets[node.domain] ?? 0)?.inputs ?? [];
  node.inputs.forEach((name, i) => {
    const t = name ? inits.get(name) : undefined;
    if (!t) return;
    // A variadic input's name stands for the rest of the list.
    const role = (formal[Math.min(i, formal.length - 1)] ?? String(i)).replace(/[?*]/g, '');
    out.push({ name, role, dtype: t.dtype, dims: [...t.dims] });
  });
  for (const name of node.weights ?? []) {
    const t = inits.get(name);
    if (t) out.push({ name, role: name.replace(/:\d+$/, '').split('/').pop() ?? name, dtype: t.dtype, dims: [...t.dims] });
  }
  return out.length ? { weights: out } : {};
}

/** What the file says about itself: producer, IR version, every opset, doc strings, metadata. */
export function modelInfo(model: Model): ViewModelInfo {
  return {
    producer: model.producer,
    ...(model.producerVersion ? { producerVersion: model.producerVersion } : {}),
    ...(model.irVersion !== undefined ? { irVersion: model.irVersion } : {}),
    opsets: { ...model.opsets },
    ...(model.docString ? { docString: model.docString } : {}),
    ...(model.graph.name ? { graphName: model.graph.name } : {}),
    ...(model.graph.docString ? { graphDocString: model.graph.docString } : {}),
    metadata: { ...model.metadata },
  };
}
